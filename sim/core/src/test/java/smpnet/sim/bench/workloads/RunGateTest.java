package smpnet.sim.bench.workloads;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import smpnet.sim.bench.results.Tally;
import smpnet.stack.mbuf.MbufLeakExtension;

@ExtendWith(MbufLeakExtension.class)
class RunGateTest {
    private static final long MS = 1_000_000L;

    @Test
    void closingGivesUpWhenAPartyNeverArrives() {
        RunGate g = new RunGate();
        assertFalse(g.close(1, MS));
        assertTrue(g.close(0, MS));
        assertEquals(0, g.held());
    }

    /** Paused, the workload has received everything it generated, and generates nothing more. */
    @Test
    void aPausedWorkloadIsQuiescentAndResumes() throws Exception {
        FakeHost host = new FakeHost(2, 1 << 20);
        try (StackUdpWorkload w = new StackUdpWorkload(host, 64)) {
            w.start();
            assertEquals(Tally.ZERO, w.tally());
            w.resume();
            while (w.tally().generated() == 0) Thread.sleep(1);
            w.pause();
            Tally paused = w.tally();
            assertEquals(new Tally(paused.generated(), paused.generated(), 0), paused);
            Thread.sleep(20);
            assertEquals(paused, w.tally());
            w.resume();
            while (w.tally().generated() == paused.generated()) Thread.sleep(1);
            Tally end = w.stop(CaseRunner.SETTLE_NANOS);
            assertEquals(new Tally(end.generated(), end.generated(), 0), end);
        }
        assertEquals(0, host.allocator().outstanding());
    }
}
