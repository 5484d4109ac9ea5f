package smpnet.sim.bench.runs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import smpnet.sim.bench.results.JvmActivity;
import smpnet.sim.bench.results.LockContention;
import smpnet.sim.bench.results.MeasuredWindow;
import smpnet.sim.bench.results.RunSample;
import smpnet.sim.bench.results.Samples;
import smpnet.sim.bench.results.Tally;
import smpnet.sim.bench.results.Warmup;

class ChildProtocolTest {
    @Test
    void runLineRoundTrips() {
        RunSample s = new RunSample(new Tally(12, 10, 2), 1_000, 1_500, new JvmActivity(25, 3, 12), 2);
        String line = ChildProtocol.run(new MeasuredWindow(s, Samples.latency(), 2_000_000, 30_000));
        assertEquals(ChildProtocol.RUN, ChildProtocol.kind(line));
        assertEquals("@run generated=12 received=10 dropped=2 wall=1000 cpu=1500 jit=25 gcs=3 gctime=12 again=2 "
                + "pausedwall=2000000 pausedcpu=30000 latency=", line.substring(0, line.indexOf("latency=") + 8));
        MeasuredWindow back = ChildProtocol.parseWindow(ChildProtocol.fields(line));
        assertEquals(s, back.sample());
        assertEquals(2_000_000, back.pausedWallNanos());
        assertEquals(30_000, back.pausedCpuNanos());
        Histogram h = back.latency();
        assertEquals(2, h.getTotalCount());
        assertEquals(1000, h.getMinValue());
        assertEquals(1500, h.getMaxValue());
    }

    @Test
    void aRunLineWithoutItsLatencyIsRejected() {
        assertEquals("missing field latency", assertThrows(IllegalArgumentException.class, () -> ChildProtocol
                .parseWindow(ChildProtocol.fields("@run generated=1 received=1 dropped=0 wall=5 cpu=5 jit=0 gcs=0 "
                        + "gctime=0 again=0 pausedwall=0 pausedcpu=0"))).getMessage());
        assertEquals("missing field jit", assertThrows(IllegalArgumentException.class, () -> ChildProtocol
                .parseRun(ChildProtocol.fields("@run generated=1 received=1 dropped=0 wall=5 cpu=5"))).getMessage());
        assertEquals("bad field again=3", assertThrows(IllegalArgumentException.class, () -> ChildProtocol
                .parseRun(ChildProtocol.fields("@run generated=1 received=1 dropped=0 wall=5 cpu=5 jit=0 gcs=0 "
                        + "gctime=0 again=3"))).getMessage());
    }

    @Test
    void warmupLockAndEndLines() {
        String lock = ChildProtocol.lock(new LockContention("udbinfo rw", 9, 3, 40, 50));
        assertEquals("@lock class=udbinfo_rw acquisitions=9 contended=3 wait=40 hold=50", lock);
        assertEquals(new LockContention("udbinfo_rw", 9, 3, 40, 50), ChildProtocol.parseLock(ChildProtocol.fields(lock)));
        String warmup = ChildProtocol.warmup(new Warmup(2_500_000_000L, false));
        assertEquals("@warmup wall=2500000000 settled=false", warmup);
        assertEquals(ChildProtocol.WARMUP, ChildProtocol.kind(warmup));
        assertEquals(new Warmup(2_500_000_000L, false), ChildProtocol.parseWarmup(ChildProtocol.fields(warmup)));
        assertEquals(new Warmup(7, true), ChildProtocol.parseWarmup(ChildProtocol.fields("@warmup wall=7 settled=true")));
        assertEquals("missing field settled", assertThrows(IllegalArgumentException.class,
                () -> ChildProtocol.parseWarmup(ChildProtocol.fields("@warmup wall=7"))).getMessage());
        String end = ChildProtocol.end(new Tally(5, 4, 1));
        assertEquals("@end generated=5 received=4 dropped=1", end);
        assertEquals(new Tally(5, 4, 1), ChildProtocol.parseTally(ChildProtocol.fields(end)));
    }

    @Test
    void otherLinesPassThrough() {
        assertNull(ChildProtocol.kind("@running late"));
        assertNull(ChildProtocol.kind("WARNING: something"));
    }

    @Test
    void commandsRoundTrip() {
        ChildProtocol.Command warm = new ChildProtocol.WarmUp(2_500_000_000L, 20_000_000_000L);
        ChildProtocol.Command run = new ChildProtocol.Measure(300_000_000L, 1_000_000_000L, false);
        ChildProtocol.Command profile = new ChildProtocol.Measure(300_000_000L, 1_000_000_000L, true);
        ChildProtocol.Command again = new ChildProtocol.Measure(300_000_000L, 1_000_000_000L, false, 2);
        ChildProtocol.Command quit = new ChildProtocol.Quit();
        assertEquals("warmup 2500000000 20000000000", ChildProtocol.command(warm));
        assertEquals("run 300000000 1000000000", ChildProtocol.command(run));
        assertEquals("profile 300000000 1000000000", ChildProtocol.command(profile));
        assertEquals("run 300000000 1000000000 2", ChildProtocol.command(again));
        assertEquals("quit", ChildProtocol.command(quit));
        for (ChildProtocol.Command c : new ChildProtocol.Command[] {warm, run, profile, again, quit}) {
            assertEquals(c, ChildProtocol.parseCommand(ChildProtocol.command(c)));
        }
        assertEquals(new ChildProtocol.Measure(0, 5, false), ChildProtocol.parseCommand("  run  0 5 "));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "stop                     | unknown command: 'stop'",
        "run 5                    | run takes two numbers of nanoseconds: 'run 5'",
        "warmup 1 2 3             | warmup takes two numbers of nanoseconds: 'warmup 1 2 3'",
        "run 1 x                  | not a number of nanoseconds: 'x' in 'run 1 x'",
        "warmup -1 2              | not a number of nanoseconds: '-1' in 'warmup -1 2'",
        "run 1 0                  | a run needs a positive length: 'run 1 0'",
        "run 1 2 3                | not a count of windows to measure again (0..2): '3' in 'run 1 2 3'",
        "run 1 2 x                | not a count of windows to measure again (0..2): 'x' in 'run 1 2 x'",
        "run 1 2 1 1              | run takes two numbers of nanoseconds: 'run 1 2 1 1'",
        "profile 1 2 1            | profile takes two numbers of nanoseconds: 'profile 1 2 1'",
        "profile 1                | profile takes two numbers of nanoseconds: 'profile 1'",
        "quit now                 | quit takes no argument: 'quit now'"})
    void malformedCommandsAreRejectedByName(String line, String message) {
        assertEquals(message, assertThrows(IllegalArgumentException.class, () -> ChildProtocol.parseCommand(line))
                .getMessage());
    }
}
