package smpnet.stack.mbuf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static smpnet.stack.mbuf.Mbuf.M_NOWAIT;
import static smpnet.stack.mbuf.Mbuf.M_WAIT;

import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import smpnet.locking.Schedulers;
import smpnet.stack.testing.SimulatedCpus;
import smpnet.locking.Scheduler;

/** The allocator: both zones, limits, waiting, netstat -m statistics and the outstanding report. */
class MbufAllocatorTest {
    /** Per-CPU caches follow the workers' simulated CPUs here, whatever cores the test runs on. */
    private final Schedulers.Installation cpus = SimulatedCpus.install();

    @AfterEach
    void restoreScheduler() { cpus.close(); }

    private static MbufAllocator allocator(int mbufs, int clusters) {
        return new MbufAllocator(MbufAllocator.Config.defaults("host1").withCpus(2).withLimits(mbufs, clusters)
                .withBucketSize(4).withWaitTimeoutNanos(Long.MAX_VALUE / 4));
    }

    /** Runs {@code body} on a worker of simulated CPU {@code cpu} and waits for it. */
    private static void onCpu(int cpu, Runnable body) throws InterruptedException {
        Scheduler.current().startWorker("cpu" + cpu, cpu, body).join();
    }

    @Test
    void statisticsPrintLikeNetstat() throws InterruptedException {
        MbufAllocator a = allocator(100, 10);
        AtomicReference<Mbuf> kept = new AtomicReference<>();
        onCpu(0, () -> {
            kept.set(a.fromBytes(new byte[3000], 0, 3000, M_NOWAIT));
            a.get(M_NOWAIT).free();
        });
        onCpu(1, () -> kept.get().next().free());
        assertEquals("""
                mbuf memory of host1:
                mbufs:   1 in use, 2 cached, 0 free, 3 created, limit 100, 0 failures, 0 sleeps
                         per CPU: cpu0 1 cached 3 allocs 1 frees; cpu1 1 cached 0 allocs 1 frees; cache busy: 0 allocs 0 frees
                clusters: 1 in use, 1 cached, 0 free, 2 created, limit 10, 0 failures, 0 sleeps
                         per CPU: cpu0 0 cached 2 allocs 0 frees; cpu1 1 cached 0 allocs 1 frees; cache busy: 0 allocs 0 frees
                """, a.stats().toString());
        kept.get().setNext(null);
        onCpu(0, () -> kept.get().freeChain());
        assertEquals(0, a.outstanding());
    }

    @Test
    void clusterExhaustionReturnsNullAndKeepsNoMbuf() {
        MbufAllocator a = allocator(10, 1);
        Mbuf c = a.getCluster(M_NOWAIT);
        assertNull(a.getHeaderCluster(M_NOWAIT));
        assertNull(a.fromBytes(new byte[500], 0, 500, M_NOWAIT));
        assertEquals(1, a.outstanding(), "the mbufs taken for the failed clusters went back");
        assertEquals(2, a.stats().clusters().failures());
        assertEquals(0, a.stats().mbufs().failures());
        c.free();
    }

    @Test
    void waitingGetReturnsWhenAnotherWorkerFrees() throws InterruptedException {
        MbufAllocator a = allocator(1, 1);
        Mbuf only = a.getHeader(M_NOWAIT);
        assertNull(a.get(M_NOWAIT));
        AtomicReference<Mbuf> got = new AtomicReference<>();
        Thread waiter = Scheduler.current().startWorker("waiter", 1, () -> got.set(a.get(M_WAIT)));
        for (int spin = 0; a.stats().mbufs().sleeps() == 0; spin++) Scheduler.current().spinWait(spin);
        only.free();
        waiter.join();
        assertNotNull(got.get());
        assertEquals("mbuf#0.2", got.get().name(), "the same storage item, second use");
        assertEquals(1, a.stats().mbufs().failures(), "only the M_NOWAIT attempt failed");
        got.get().free();
    }

    @Test
    void outstandingReportListsEachMbufWithItsSite() {
        MbufAllocator a = allocator(10, 10);
        Mbuf m = a.get(M_NOWAIT);
        int line = StackWalker.getInstance().walk(s -> s.findFirst().orElseThrow().getLineNumber()) + 1;
        Mbuf h = a.getHeaderCluster(M_NOWAIT);
        m.free();
        assertEquals(java.util.List.of("mbuf#1.1 pkthdr ext cluster#0.1 len 0 allocated at "
                + MbufAllocatorTest.class.getName() + ".outstandingReportListsEachMbufWithItsSite(MbufAllocatorTest.java:"
                + line + ")"), a.outstandingReport());
        h.free();
        assertEquals(java.util.List.of(), a.outstandingReport());
    }

    @Test
    void badAllocationFlagIsRejected() {
        MbufAllocator a = allocator(10, 10);
        assertThrows(IllegalArgumentException.class, () -> a.get(0));
        assertEquals(0, a.outstanding());
    }
}
