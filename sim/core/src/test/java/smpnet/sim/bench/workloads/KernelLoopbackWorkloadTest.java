package smpnet.sim.bench.workloads;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import smpnet.sim.bench.plan.BenchCase;
import smpnet.sim.bench.plan.Subject;
import smpnet.sim.bench.results.RunSample;

class KernelLoopbackWorkloadTest {
    private static final long MS = 1_000_000L;

    @Test
    void measuredRunsAndSettledAccounting() throws Exception {
        BenchCase c = new BenchCase(Subject.KERNEL, 2, 64, false);
        List<RunSample> windows = new ArrayList<>();
        CaseRunner.Outcome o;
        try (CaseRunner r = new CaseRunner(Workloads.create(c))) {
            r.start();
            long warm = r.warmUp(20 * MS, 20 * MS).wallNanos();
            assertTrue(warm >= 20 * MS, "warm-up of " + warm + " ns");
            for (int i = 0; i < 2; i++) windows.add(r.window(5 * MS, 50 * MS).sample());
            o = r.finish();
        }
        assertEquals(windows, o.runs());
        long measured = o.runs().stream().mapToLong(s -> s.tally().received()).sum();
        assertTrue(measured > 0, "nothing received over loopback");
        assertTrue(o.settled().received() >= measured, o.settled() + " vs " + measured);
        assertEquals(0, o.settled().inFlight(), o.settled().toString());
        assertEquals(List.of(), o.locks());
    }
}
