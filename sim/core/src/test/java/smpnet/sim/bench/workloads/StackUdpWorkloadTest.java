package smpnet.sim.bench.workloads;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import smpnet.sim.bench.plan.BenchCase;
import smpnet.sim.bench.plan.Subject;
import smpnet.stack.mbuf.MbufLeakExtension;

/** The workload's mechanics and exact accounting, over a stand-in host (see {@link FakeHost}). */
@ExtendWith(MbufLeakExtension.class)
class StackUdpWorkloadTest {
    private static final long MS = 1_000_000L;

    private CaseRunner.Outcome run(FakeHost host) throws Exception {
        BenchCase c = new BenchCase(Subject.FINE, 2, 64, false);
        return CaseRunner.runAll(c, new StackUdpWorkload(host, 64), 10 * MS, 10 * MS, 2, 5 * MS, 40 * MS);
    }

    @Test
    void everyGeneratedFrameIsReceivedWhenNothingOverflows() throws Exception {
        FakeHost host = new FakeHost(1, 1 << 20);
        CaseRunner.Outcome o = run(host);
        assertTrue(o.settled().generated() > 0, o.settled().toString());
        assertEquals(o.settled().generated(), o.settled().received(), o.settled().toString());
        assertEquals(0, o.settled().dropped());
        assertEquals(0, host.allocator().outstanding());
    }

    @Test
    void overflowingSocketsCountEachDrop() throws Exception {
        FakeHost host = new FakeHost(2, 1); // 16 flows a queue, batches of 32: two datagrams a socket
        CaseRunner.Outcome o = run(host);
        assertTrue(o.settled().dropped() > 0, "a socket buffer of one datagram must overflow: " + o.settled());
        assertEquals(o.settled().generated(), o.settled().received() + o.settled().dropped(), o.settled().toString());
        assertEquals(0, host.allocator().outstanding());
    }

    @Test
    void flowsAreSpreadEvenlyByRss() {
        FakeHost host = new FakeHost(2, 1);
        List<int[]> flows = StackUdpWorkload.chooseFlows(host.nic().rss(), FakeHost.ADDRESS, 2);
        assertEquals(32, flows.size());
        assertEquals(16, flows.stream().filter(f -> f[3] == 0).count());
        for (int[] f : flows) {
            assertEquals(f[3], host.nic().rss().queueOf(host.nic().rss().hashIpv4(StackUdpWorkload.SRC_IP,
                    FakeHost.ADDRESS, f[0], f[1])));
        }
        host.close();
    }
}
