package smpnet.sim.bench.workloads;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;
import smpnet.sim.bench.results.JvmActivity;
import smpnet.sim.bench.results.MeasuredWindow;
import smpnet.sim.bench.results.RunSample;
import smpnet.sim.bench.results.Tally;

/** The warm-up's settle rule and the measured window's rule for the JIT, on made-up figures. */
class CaseRunnerTest {
    private static final long MS = 1_000_000L;

    /** A workload that receives 1,000 packets between any two looks at its tally; nothing runs. */
    private static final class SteppingWorkload implements ReceiveWorkload {
        private long received;

        @Override public void start() {}
        @Override public void resume() {}
        @Override public void pause() {}
        @Override public Tally tally() { received += 1000; return new Tally(received, received, 0); }
        @Override public Histogram takeLatency() { return new Histogram(3); }
        @Override public Tally stop(long settleNanos) { return new Tally(received, received, 0); }
        @Override public void close() {}
    }

    /** The JVM's totals as a window's two looks at them see them: each window's compile time in turn, 1 GC of 2 ms. */
    private static java.util.function.Supplier<JvmActivity> jit(long... windowMillis) {
        Deque<JvmActivity> totals = new ArrayDeque<>();
        long compile = 0;
        long gcs = 0;
        for (long w : windowMillis) {
            totals.add(new JvmActivity(compile, gcs, 2 * gcs));
            compile += w;
            gcs++;
            totals.add(new JvmActivity(compile, gcs, 2 * gcs));
        }
        return () -> {
            if (totals.isEmpty()) throw new AssertionError("measured more windows than scripted");
            return totals.poll();
        };
    }

    private static RunSample window(int again, long... windowMillis) throws Exception {
        try (CaseRunner r = new CaseRunner(new SteppingWorkload(), jit(windowMillis))) {
            r.start();
            MeasuredWindow w = r.window(0, MS, again);
            assertEquals(List.of(w), r.finish().windows());
            return w.sample();
        }
    }

    @Test
    void aWindowInWhichTheJitCompiled25MsIsMeasuredAgainAndTheQuietOneKept() throws Exception {
        RunSample s = window(2, 25, 0);
        assertEquals(new JvmActivity(0, 1, 2), s.jvm());
        assertEquals(1, s.measuredAgain());
        assertFalse(s.jitBusy());
        assertEquals(2000, s.tally().received()); // the kept window's: its two looks, and the look for progress between

        assertEquals("JIT 0 ms, GC 1 (2 ms); measured again once after the JIT compiled more than 10 ms",
                smpnet.sim.bench.runs.GroupRunner.jvm(s));
    }

    @Test
    void aThirdWindowWithTheJitCompilingIsKeptAndFlagged() throws Exception {
        RunSample s = window(2, 25, 25, 25);
        assertEquals(new JvmActivity(25, 1, 2), s.jvm());
        assertEquals(2, s.measuredAgain());
        assertTrue(s.jitBusy());
        assertEquals("JIT 25 ms, GC 1 (2 ms); measured again 2 times after the JIT compiled more than 10 ms; kept "
                + "with the JIT still compiling: flagged", smpnet.sim.bench.runs.GroupRunner.jvm(s));
    }

    @Test
    void tenMillisecondsIsQuietAndAWindowNotAllowedAgainIsMeasuredOnce() throws Exception {
        RunSample quiet = window(2, 10);
        assertEquals(0, quiet.measuredAgain());
        assertFalse(quiet.jitBusy());
        assertEquals("JIT 10 ms, GC 1 (2 ms)", smpnet.sim.bench.runs.GroupRunner.jvm(quiet));
        RunSample once = window(0, 25);
        assertEquals(0, once.measuredAgain());
        assertTrue(once.jitBusy());
        assertEquals("JIT 25 ms, GC 1 (2 ms); kept with the JIT still compiling: flagged",
                smpnet.sim.bench.runs.GroupRunner.jvm(once));
    }

    @Test
    void aRisingRateDoesNotEndTheWarmUp() {
        long[] quiet = new long[8];
        // 544, 571, 645, 1001, 1114, 1132 MB/s (a JVM reworking its code): the last three's median is 1114, far
        // above 645
        assertFalse(CaseRunner.settled(new long[6], new double[] {544, 571, 645, 1001, 1114, 1132}));
        // 5% above the three before still settles; just over does not
        assertTrue(CaseRunner.settled(new long[6], new double[] {1000, 1000, 1000, 1050, 1050, 900}));
        assertFalse(CaseRunner.settled(new long[6], new double[] {1000, 1000, 1000, 1051, 1051, 900}));
        // one fast slice among the last three (other work left the core) leaves the medians alone
        assertTrue(CaseRunner.settled(quiet, new double[] {300, 500, 1100, 1120, 1090, 1100, 1500, 1080}));
        // a falling rate has settled as far as the rule goes
        assertTrue(CaseRunner.settled(new long[6], new double[] {1100, 1100, 1100, 900, 900, 900}));
    }

    @Test
    void theWarmUpNeedsSixSlicesAndTheLastTwoQuiet() {
        double[] flat = {1000, 1000, 1000, 1000, 1000, 1000};
        assertFalse(CaseRunner.settled(new long[5], java.util.Arrays.copyOf(flat, 5)));
        assertTrue(CaseRunner.settled(new long[] {500, 400, 300, 200, 10, 10}, flat));
        assertFalse(CaseRunner.settled(new long[] {0, 0, 0, 0, 11, 0}, flat));
        assertFalse(CaseRunner.settled(new long[] {0, 0, 0, 0, 0, 25}, flat));
    }
}
