package smpnet.sim.bench.workloads;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import smpnet.locking.LockProfiler;
import smpnet.sim.bench.plan.BenchCase;
import smpnet.sim.bench.plan.Subject;
import smpnet.sim.bench.results.LockContention;
import smpnet.sim.bench.results.Tally;
import smpnet.stack.mbuf.MbufLeakExtension;
import smpnet.witness.junit.WitnessExtension;

/**
 * A tiny run of the real benchmark path, frame synthesis to the application's receive, in each mode:
 * every generated frame is received (the per-batch drain keeps every socket buffer far from full), no drop
 * is counted, no mbuf is left behind, and witness sees no lock-order reversal or misuse.
 */
@ExtendWith({WitnessExtension.class, MbufLeakExtension.class})
class SmpnetReceivePathTest {
    private static final long MS = 1_000_000L;

    @ParameterizedTest
    @CsvSource({"GIANT, 1, 64", "GIANT, 2, 1472", "FINE, 1, 1472", "FINE, 2, 64"})
    void everyFrameIsReceivedAndNothingLeaks(Subject mode, int cpus, int payload) throws Exception {
        BenchCase c = new BenchCase(mode, cpus, payload, false);
        CaseRunner.Outcome o = CaseRunner.runAll(c, Workloads.create(c), 20 * MS, 20 * MS, 2, 5 * MS, 40 * MS);
        Tally t = o.settled();
        assertTrue(t.generated() > 0, t.toString());
        assertEquals(new Tally(t.generated(), t.generated(), 0), t);
        long measured = o.runs().stream().mapToLong(r -> r.tally().received()).sum();
        long recorded = o.windows().stream().mapToLong(w -> w.latency().getTotalCount()).sum();
        assertTrue(measured <= t.received() && recorded <= t.received(), measured + " " + recorded + " " + t);
    }

    @Test
    void aProfiledRunProfilesContendedAcquisitionsOnlyAndSwitchesProfilingOffAgain() throws Exception {
        BenchCase c = new BenchCase(Subject.GIANT, 2, 64, true);
        List<LockProfiler.Mode> modes = new ArrayList<>();
        CaseRunner.Outcome o = CaseRunner.runAll(c, new ModeRecorder(Workloads.create(c), modes), 20 * MS, 20 * MS,
                1, 5 * MS, 40 * MS);
        assertEquals(List.of(LockProfiler.Mode.OFF, LockProfiler.Mode.CONTENDED), modes); // warm-up, window
        assertEquals(LockProfiler.Mode.OFF, LockProfiler.mode());
        assertEquals(o.settled().generated(), o.settled().received());
        for (LockContention l : o.locks()) assertEquals(l.acquisitions(), l.contended(), l.toString());
    }

    /** A workload that notes the profiling mode each time it is resumed. */
    private record ModeRecorder(ReceiveWorkload w, List<LockProfiler.Mode> modes) implements ReceiveWorkload {
        @Override public void start() throws Exception { w.start(); }
        @Override public void resume() { modes.add(LockProfiler.mode()); w.resume(); }
        @Override public void pause() { w.pause(); }
        @Override public Tally tally() { return w.tally(); }
        @Override public Histogram takeLatency() { return w.takeLatency(); }
        @Override public Tally stop(long settleNanos) throws Exception { return w.stop(settleNanos); }
        @Override public void close() { w.close(); }
    }
}
