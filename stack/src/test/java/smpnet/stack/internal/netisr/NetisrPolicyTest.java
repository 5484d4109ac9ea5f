package smpnet.stack.internal.netisr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import smpnet.locking.Scheduler;
import smpnet.stack.locks.LockMode;
import smpnet.stack.locks.StackLocks;
import smpnet.stack.mbuf.Mbuf;
import smpnet.stack.mbuf.MbufAllocator;
import smpnet.stack.mbuf.MbufLeakExtension;
import smpnet.witness.junit.WitnessExtension;
import smpnet.stack.netisr.DispatchPolicy;
import smpnet.stack.netisr.NetisrConfig;
import smpnet.stack.netisr.PlacementPolicy;

/** Exact counters of the bounded queues, the hybrid rule, and what the cpu policy does not promise. */
@ExtendWith({WitnessExtension.class, MbufLeakExtension.class})
class NetisrPolicyTest {
    private final MbufAllocator alloc = MbufAllocator.create("netisr-policy");
    private final List<Integer> seen = Collections.synchronizedList(new ArrayList<>());

    private Netisr netisr(int workers, DispatchPolicy d, PlacementPolicy p, int limit) {
        Netisr n = new Netisr("h", NetisrConfig.of(workers, d, p).withQueueLimit(limit), new StackLocks(LockMode.FINE));
        n.register(NetisrProtocol.IP, m -> {
            seen.add(NetisrTestPackets.seqInSource(m));
            m.freeChain();
        });
        return n;
    }

    private Mbuf packet(int source, int seq) { return NetisrTestPackets.packet(alloc, source, 0, seq, seq); }

    /** Runs {@code body} on a thread the scheduler binds to {@code cpu}, and waits for it. */
    private static void onCpu(int cpu, Runnable body) throws InterruptedException {
        Scheduler.current().startWorker("cpu" + cpu, cpu, body).join();
    }

    @Test
    void fullQueueDropsAndCountsExactly() {
        Netisr n = netisr(2, DispatchPolicy.DEFERRED, PlacementPolicy.SOURCE, 4);
        for (int i = 0; i < 6; i++) assertEquals(i < 4, n.dispatch(NetisrProtocol.IP, packet(2, i)));
        assertEquals(new NetisrStats(4, 0, 0, 2, 4, 4), n.stats(0));
        assertEquals(NetisrStats.ZERO, n.stats(1));
        assertEquals(3, n.runPending(0, 3));
        assertEquals(List.of(0, 1, 2), seen);
        assertEquals(new NetisrStats(4, 3, 0, 2, 4, 1), n.stats(0));
        assertTrue(n.dispatch(NetisrProtocol.IP, packet(2, 6)));
        assertEquals(2, n.runPending(0, 10));
        assertEquals(List.of(0, 1, 2, 3, 6), seen);
        assertEquals(new NetisrStats(5, 5, 0, 2, 4, 0), n.totals());
        assertEquals(0, n.stop());
    }

    @Test
    void stopFreesWhatIsQueuedAndRefusesMore() {
        Netisr n = netisr(1, DispatchPolicy.DEFERRED, PlacementPolicy.SOURCE, 8);
        n.dispatch(NetisrProtocol.IP, packet(0, 0));
        n.dispatch(NetisrProtocol.IP, packet(0, 1));
        assertEquals(2, n.stop());
        assertFalse(n.dispatch(NetisrProtocol.IP, packet(0, 2)));
        assertEquals(List.of(), seen);
        assertEquals(new NetisrStats(2, 0, 0, 1, 2, 0), n.totals());
    }

    @Test
    void unregisteredProtocolIsACountedDrop() {
        Netisr n = netisr(1, DispatchPolicy.DIRECT, PlacementPolicy.SOURCE, 8);
        assertFalse(n.dispatch(NetisrProtocol.ARP, packet(0, 0)));
        assertEquals(1, n.unregisteredDrops());
        assertEquals(NetisrStats.ZERO, n.totals());
        IllegalStateException twice = assertThrows(IllegalStateException.class,
                () -> n.register(NetisrProtocol.IP, Mbuf::freeChain));
        assertEquals("IP already has a handler", twice.getMessage());
        n.stop();
    }

    @Test
    void placementPicksTheWorkerFromSourceFlowOrCpu() throws InterruptedException {
        Netisr bySource = netisr(4, DispatchPolicy.DEFERRED, PlacementPolicy.SOURCE, 8);
        Netisr byFlow = netisr(4, DispatchPolicy.DEFERRED, PlacementPolicy.FLOW, 8);
        Netisr byCpu = netisr(4, DispatchPolicy.DEFERRED, PlacementPolicy.CPU, 8);
        Mbuf m = packet(6, 0);
        assertEquals(2, bySource.workerOf(m));
        assertEquals(Math.floorMod(NetisrTestPackets.flowHash(0), 4), byFlow.workerOf(m));
        int[] w = new int[1];
        onCpu(3, () -> w[0] = byCpu.workerOf(m));
        assertEquals(3, w[0]);
        m.freeChain();
        bySource.stop();
        byFlow.stop();
        byCpu.stop();
    }

    @Test
    void hybridRunsDirectOnlyOnTheTargetCpuWithAnEmptyQueue() throws InterruptedException {
        Netisr n = netisr(2, DispatchPolicy.HYBRID, PlacementPolicy.SOURCE, 8);
        onCpu(0, () -> n.dispatch(NetisrProtocol.IP, packet(0, 0))); // worker 0, on CPU 0, idle: direct
        assertEquals(new NetisrStats(0, 1, 1, 0, 0, 0), n.stats(0));
        onCpu(1, () -> n.dispatch(NetisrProtocol.IP, packet(0, 1))); // worker 0 from CPU 1: queued
        assertEquals(new NetisrStats(1, 1, 1, 0, 1, 1), n.stats(0));
        // Back on CPU 0 the queue is not empty: running this one directly would overtake packet 1.
        onCpu(0, () -> n.dispatch(NetisrProtocol.IP, packet(0, 2)));
        assertEquals(new NetisrStats(2, 1, 1, 0, 2, 2), n.stats(0));
        assertEquals(2, n.runPending(0, 8));
        assertEquals(List.of(0, 1, 2), seen);
        // CPU 2 of a 2-worker host counts as worker 0's CPU, as in the cpu policy: the queue is empty again
        onCpu(2, () -> n.dispatch(NetisrProtocol.IP, packet(0, 3)));
        assertEquals(new NetisrStats(2, 4, 2, 0, 2, 0), n.stats(0));
        assertEquals(List.of(0, 1, 2, 3), seen);
        n.stop();
    }

    /**
     * The cpu policy places a packet on the worker of the CPU that dispatches it. One source whose
     * packets are dispatched from two CPUs (an ithread that migrated, or a source served by two threads)
     * therefore lands on two workers, and nothing orders two workers: here worker 1 simply runs first, and
     * packet 1 reaches the socket before packet 0. The source and flow policies cannot do this, because
     * they place by a property of the packet, not of the thread.
     */
    @Test
    void cpuPolicyDoesNotKeepSourceOrderAcrossCpus() throws InterruptedException {
        Netisr n = netisr(2, DispatchPolicy.DEFERRED, PlacementPolicy.CPU, 8);
        onCpu(0, () -> n.dispatch(NetisrProtocol.IP, packet(5, 0)));
        onCpu(1, () -> n.dispatch(NetisrProtocol.IP, packet(5, 1)));
        n.startWorker(1);
        n.awaitIdle();
        assertEquals(List.of(1), seen);
        n.startWorker(0);
        n.awaitIdle();
        assertEquals(List.of(1, 0), seen);
        assertEquals(0, n.stop());
    }
}
