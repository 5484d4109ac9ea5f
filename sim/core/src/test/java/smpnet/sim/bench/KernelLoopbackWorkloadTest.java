package smpnet.sim.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class KernelLoopbackWorkloadTest {
    private static final long MS = 1_000_000L;

    @Test
    void measuredRunsAndSettledAccounting() throws Exception {
        BenchCase c = new BenchCase(Subject.KERNEL, 2, 64, false);
        List<String> lines = new ArrayList<>();
        CaseRunner.Outcome o = CaseRunner.runAll(c, Workloads.create(c), 20 * MS, 20 * MS, 2, 5 * MS, 50 * MS,
                lines::add);
        assertEquals(2, o.runs().size());
        assertEquals(3, lines.size());
        assertEquals(ChildProtocol.WARMUP, ChildProtocol.kind(lines.get(0)));
        assertTrue(ChildProtocol.parseWarmup(ChildProtocol.fields(lines.get(0))) > 0, lines.get(0));
        for (int i = 0; i < 2; i++) {
            assertEquals(o.runs().get(i), ChildProtocol.parseRun(ChildProtocol.fields(lines.get(i + 1))));
        }
        long measured = o.runs().stream().mapToLong(r -> r.tally().received()).sum();
        assertTrue(measured > 0, "nothing received over loopback");
        assertTrue(o.settled().received() >= measured, o.settled() + " vs " + measured);
        assertEquals(0, o.settled().inFlight(), o.settled().toString());
        assertEquals(List.of(), o.locks());
    }
}
