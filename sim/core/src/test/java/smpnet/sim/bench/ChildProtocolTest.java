package smpnet.sim.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

class ChildProtocolTest {
    @Test
    void runLineRoundTrips() {
        RunSample s = new RunSample(new Tally(12, 10, 2), 1_000, 1_500);
        Histogram h = ResultFilesTest.latency();
        String line = ChildProtocol.run(s, h);
        assertEquals(ChildProtocol.RUN, ChildProtocol.kind(line));
        var f = ChildProtocol.fields(line);
        assertEquals(s, ChildProtocol.parseRun(f));
        Histogram back = ChildProtocol.decode(f.get("latency"));
        assertEquals(2, back.getTotalCount());
        assertEquals(1000, back.getMinValue());
        assertEquals(1500, back.getMaxValue());
    }

    @Test
    void warmupLockAndEndLines() {
        String lock = ChildProtocol.lock(new LockContention("udbinfo rw", 9, 3, 40, 50));
        assertEquals("@lock class=udbinfo_rw acquisitions=9 contended=3 wait=40 hold=50", lock);
        assertEquals(new LockContention("udbinfo_rw", 9, 3, 40, 50), ChildProtocol.parseLock(ChildProtocol.fields(lock)));
        String warmup = ChildProtocol.warmup(2_500_000_000L);
        assertEquals("@warmup wall=2500000000", warmup);
        assertEquals(ChildProtocol.WARMUP, ChildProtocol.kind(warmup));
        assertEquals(2_500_000_000L, ChildProtocol.parseWarmup(ChildProtocol.fields(warmup)));
        String end = ChildProtocol.end(new Tally(5, 4, 1));
        assertEquals("@end generated=5 received=4 dropped=1", end);
        assertEquals(new Tally(5, 4, 1), ChildProtocol.parseTally(ChildProtocol.fields(end)));
    }

    @Test
    void otherLinesPassThrough() {
        assertNull(ChildProtocol.kind("@running late"));
        assertNull(ChildProtocol.kind("WARNING: something"));
    }
}
