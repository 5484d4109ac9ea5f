package smpnet.stack.mbuf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static smpnet.stack.mbuf.Mbuf.M_NOWAIT;

import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import smpnet.locking.Schedulers;
import smpnet.stack.testing.SimulatedCpus;
import smpnet.locking.Scheduler;

/** Moving packets between workers: hand-off moves ownership, copy moves bytes into the receiver's memory. */
class MbufTransferTest {
    /** Per-CPU caches follow the workers' simulated CPUs here, whatever cores the test runs on. */
    private final Schedulers.Installation cpus = SimulatedCpus.install();

    @AfterEach
    void restoreScheduler() { cpus.close(); }

    private final MbufAllocator sender = new MbufAllocator(MbufAllocator.Config.defaults("sender").withCpus(2));
    private final MbufAllocator receiver = new MbufAllocator(MbufAllocator.Config.defaults("receiver").withCpus(2));

    /** Runs {@code body} on a worker bound to simulated CPU {@code cpu} and waits for it. */
    private static <T> T onCpu(int cpu, java.util.function.Supplier<T> body) throws InterruptedException {
        AtomicReference<T> out = new AtomicReference<>();
        Scheduler.current().startWorker("cpu" + cpu, cpu, () -> out.set(body.get())).join();
        return out.get();
    }

    @Test
    void handoffFreesIntoTheReceiversCpuCache() throws InterruptedException {
        byte[] data = MbufOpsTest.seq(1500);
        Mbuf sent = onCpu(0, () -> MbufTransfer.HANDOFF.transfer(sender.fromBytes(data, 0, 1500, M_NOWAIT), receiver, M_NOWAIT));
        Mbuf got = onCpu(1, () -> {
            sent.pkthdr();
            return sent;
        });
        assertSame(sent, got);
        assertArrayEquals(data, got.toBytes());
        onCpu(1, () -> {
            got.freeChain();
            return null;
        });
        ZoneStats s = sender.stats().mbufs();
        assertEquals(new ZoneStats.CpuStats(0, 0, 1, 0), s.perCpu().get(0));
        assertEquals(new ZoneStats.CpuStats(1, 1, 0, 1), s.perCpu().get(1), "freed into cpu1's cache");
        assertEquals(0, receiver.stats().mbufs().allocs(), "hand-off uses no receiver memory");
    }

    @Test
    void copyMovesBytesAndHeaderIntoTheReceiverAndFreesTheOriginal() throws InterruptedException {
        byte[] data = MbufOpsTest.seq(3000);
        Mbuf orig = sender.fromBytes(data, 0, 3000, M_NOWAIT);
        orig.pkthdr().setSourceId(5).setFlow(77, PacketHeader.HASH_OPAQUE);
        Mbuf second = orig.split(1000, M_NOWAIT);
        orig.concat(second);
        Mbuf copy = onCpu(0, () -> MbufTransfer.COPY.transfer(orig, receiver, M_NOWAIT));
        assertNotSame(orig, copy);
        assertTrue(orig.isFreed());
        assertEquals(0, sender.outstanding());
        assertEquals(0, sender.outstandingClusters());
        assertSame(receiver, copy.allocator());
        assertEquals(3000, copy.pktLen());
        assertEquals(5, copy.pkthdr().sourceId());
        assertEquals(77, copy.pkthdr().flowId());
        assertArrayEquals(data, copy.toBytes());
        copy.sanity();
        copy.freeChain();
    }
}
