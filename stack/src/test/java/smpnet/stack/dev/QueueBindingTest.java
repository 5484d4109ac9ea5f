package smpnet.stack.dev;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static smpnet.stack.StackAsserts.assertNoMbufsInUse;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import smpnet.locking.DeterministicScheduler;
import smpnet.stack.Stack;
import smpnet.stack.StackConfig;
import smpnet.stack.internal.os.Posix;
import smpnet.stack.locks.LockMode;
import smpnet.stack.mbuf.MbufTransfer;
import smpnet.stack.netisr.DispatchPolicy;
import smpnet.stack.netisr.PlacementPolicy;
import smpnet.stack.socket.TcpSocket;
import smpnet.witness.junit.WitnessExtension;

/**
 * {@code net.link.bind_queues} and {@link SimNic#bindQueues}: each NIC queue's thread binds itself to the
 * processor its simulated CPU maps to, as the kernel then reports its mask; set back to 0, each thread gets
 * the mask it started with; a NIC added after the setting is bound when it starts; a connection's bytes
 * arrive exact while the threads move, and no mbuf is left.
 */
@ExtendWith(WitnessExtension.class)
class QueueBindingTest {
    private static final Duration WAIT = Duration.ofSeconds(20);

    @Test
    void simulatedCpuCMapsToTheCthProcessorOfTheMaskCountedFromTheLowest() {
        long p13 = 1L << 1 | 1L << 3;
        assertEquals(1L << 1, SimNic.QueueBinding.processorOf(0, p13));
        assertEquals(1L << 3, SimNic.QueueBinding.processorOf(1, p13));
        assertEquals(1L << 1, SimNic.QueueBinding.processorOf(2, p13));
        assertEquals(1L << 3, SimNic.QueueBinding.processorOf(3, p13));
        long p0 = 1L;
        for (int c = 0; c < 4; c++) assertEquals(1L, SimNic.QueueBinding.processorOf(c, p0));
        long high = 1L << 5 | 1L << 40 | 1L << 63;
        assertEquals(1L << 63, SimNic.QueueBinding.processorOf(2, high));
        assertEquals(1L << 5, SimNic.QueueBinding.processorOf(3, high));
        assertEquals(0, SimNic.QueueBinding.processorOf(1, 0));
    }

    @Test
    void cpuListNamesRanges() {
        assertEquals("0-1", SimNic.QueueBinding.cpuList(0b11));
        assertEquals("0,2-4,63", SimNic.QueueBinding.cpuList(0b11101 | 1L << 63));
        assertEquals("", SimNic.QueueBinding.cpuList(0));
    }

    @Test
    void eachQueueThreadRunsOnItsProcessorWhileBoundAndOnItsStartMaskOnceUnbound() throws Exception {
        if (!Posix.isLinux()) { // where threads cannot be bound, the setting is refused and changes nothing
            Stack h = Stack.create(StackConfig.defaults("h"));
            try {
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> h.sysctl("net.link.bind_queues", 1));
                assertTrue(e.getMessage().contains("Linux only"), e.getMessage());
                assertEquals(0, h.sysctl("net.link.bind_queues"));
            } finally {
                h.close();
            }
            return;
        }
        long processors = Posix.processCpus();
        long start = Posix.currentThreadCpus(); // the queue threads' creator's: their mask when they start
        Stack a = Stack.create(StackConfig.defaults("a").withMode(LockMode.FINE)
                .withNetisr(2, DispatchPolicy.DIRECT, PlacementPolicy.SOURCE));
        Stack b = Stack.create(StackConfig.defaults("b").withMode(LockMode.FINE)
                .withNetisr(2, DispatchPolicy.DIRECT, PlacementPolicy.SOURCE));
        try {
            SimNic na = a.addNic("em0", "10.9.0.1/24", NicConfig.of(2));
            b.sysctl("net.link.bind_queues", 1); // before its NIC exists: bound as it is added, applied at start
            SimNic nb = b.addNic("em0", "10.9.0.2/24", NicConfig.of(2));
            Wire.connect(na, nb, MbufTransfer.HANDOFF);
            assertEquals(0, a.sysctl("net.link.bind_queues"));
            assertEquals(1, b.sysctl("net.link.bind_queues"));
            for (SimNic.QueueBinding q : nb.queueBindings()) {
                assertFalse(q.applied(), q.toString()); // not started: nothing has bound itself yet
                assertEquals(SimNic.QueueBinding.processorOf(q.cpu(), processors), q.wanted(), q.toString());
            }
            a.start();
            b.start();
            assertBound(nb, processors);
            for (SimNic.QueueBinding q : na.queueBindings()) { // never asked: as it started, never bound
                assertEquals(0, q.wanted(), q.toString());
                assertEquals(0, q.bound(), q.toString());
            }

            TcpSocket lis = b.openTcp().bind(new InetSocketAddress("10.9.0.2", 80)).listen(5);
            lis.setReceiveTimeout(WAIT);
            TcpSocket c = a.openTcp().setReceiveTimeout(WAIT).setSendTimeout(WAIT);
            c.connect(new InetSocketAddress("10.9.0.2", 80));
            TcpSocket s = lis.accept().setReceiveTimeout(WAIT);
            byte[] data = new byte[600_000];
            for (int i = 0; i < data.length; i++) data[i] = (byte) (i * 7 + (i >>> 9));
            AtomicReference<Throwable> failed = new AtomicReference<>();
            Thread writer = new Thread(() -> {
                try {
                    for (int off = 0; off < data.length; off += 20_000) {
                        c.write(data, off, 20_000);
                        // the threads move while the connection runs: both hosts' bound, unbound, bound again
                        if (off == 200_000) a.sysctl("net.link.bind_queues", 1);
                        if (off == 300_000) b.sysctl("net.link.bind_queues", 0);
                        if (off == 400_000) b.sysctl("net.link.bind_queues", 1);
                    }
                    c.close();
                } catch (Throwable e) {
                    failed.set(e);
                }
            }, "writer");
            writer.start();
            byte[] got = new byte[data.length];
            int n = 0;
            for (int r; n < got.length && (r = s.read(got, n, got.length - n)) > 0; ) n += r;
            writer.join();
            assertNull(failed.get());
            assertEquals(data.length, n);
            assertArrayEquals(data, got);
            assertEquals(-1, s.read(new byte[1]));
            s.close();
            lis.close();
            assertBound(na, processors);
            assertBound(nb, processors);

            a.sysctl("net.link.bind_queues", 0);
            assertEquals(0, a.sysctl("net.link.bind_queues"));
            for (SimNic.QueueBinding q : awaitApplied(na)) {
                assertEquals(0, q.wanted(), q.toString());
                assertEquals(start, q.bound(), q.toString());
                assertNull(q.failure(), q.toString());
                assertTrue(q.toString().contains("unbound, on processors " + SimNic.QueueBinding.cpuList(start)), q.toString());
            }
            for (int i = 0; i < 3; i++) {
                a.quiesce();
                b.quiesce();
            }
            assertNoMbufsInUse(a, b);
        } finally {
            a.close();
            b.close();
        }
    }

    @Test
    void anIdleNicsThreadsBindAtOnceAndAHostClosesWithABindingPending() throws Exception {
        if (!Posix.isLinux()) return; // refused there: the test above checks it
        long processors = Posix.processCpus();
        long start = Posix.currentThreadCpus();
        Stack a = Stack.create(StackConfig.defaults("a").withNetisr(2, DispatchPolicy.DIRECT, PlacementPolicy.SOURCE));
        Stack b = Stack.create(StackConfig.defaults("b").withNetisr(2, DispatchPolicy.DIRECT, PlacementPolicy.SOURCE));
        SimNic nb = null;
        try {
            SimNic na = a.addNic("em0", "10.9.1.1/24", NicConfig.of(2));
            nb = b.addNic("em0", "10.9.1.2/24", NicConfig.of(2));
            Wire.connect(na, nb, MbufTransfer.HANDOFF);
            a.start();
            b.start();
            a.quiesce(); // nothing is sent from here on: every queue thread waits for work
            a.sysctl("net.link.bind_queues", 1);
            assertBound(na, processors); // woken to bind itself, no frame needed
            a.sysctl("net.link.bind_queues", 0);
            for (SimNic.QueueBinding q : awaitApplied(na)) assertEquals(start, q.bound(), q.toString());
            assertEquals(0, na.counters().inPackets());
            assertEquals(0, nb.counters().inPackets());
            b.sysctl("net.link.bind_queues", 1); // and closed at once, applied or not
        } finally {
            a.close();
            b.close();
        }
        // closed: the threads have ended (close joined them), whether or not they bound themselves first
        for (SimNic.QueueBinding q : nb.queueBindings()) {
            assertEquals(SimNic.QueueBinding.processorOf(q.cpu(), processors), q.wanted(), q.toString());
        }
        assertNoMbufsInUse(a, b);
    }

    @Test
    void aDeterministicRunRefusesToBindItsThreads() {
        DeterministicScheduler sched = new DeterministicScheduler(DeterministicScheduler.Options.seed(3));
        AtomicReference<Throwable> refused = new AtomicReference<>();
        AtomicReference<Long> after = new AtomicReference<>();
        sched.spawn("test", () -> {
            Stack h = Stack.create(StackConfig.defaults("h").withScheduler(sched));
            try {
                h.sysctl("net.link.bind_queues", 1);
            } catch (IllegalArgumentException e) {
                refused.set(e);
            }
            after.set(h.sysctl("net.link.bind_queues"));
            h.close();
        });
        sched.run();
        assertTrue(refused.get() != null, "the setting was accepted");
        assertEquals("sysctl net.link.bind_queues: a deterministic run runs one thread at a time: its threads are not "
                + "bound to processors", refused.get().getMessage());
        assertEquals(0L, after.get());
    }

    /** Every queue of {@code nic} (2 RX, 2 TX on 2 simulated CPUs) runs on its one processor of {@code processors}. */
    private static void assertBound(SimNic nic, long processors) throws InterruptedException {
        List<SimNic.QueueBinding> all = awaitApplied(nic);
        assertEquals(4, all.size());
        for (SimNic.QueueBinding q : all) {
            long want = SimNic.QueueBinding.processorOf(q.cpu(), processors);
            assertEquals(1, Long.bitCount(want));
            assertEquals(want, q.wanted(), q.toString());
            assertNull(q.failure(), q.toString());
            assertEquals(want, q.bound(), q.toString()); // read back from the kernel by the thread itself
            assertEquals(q.queue() + " (CPU " + q.cpu() + "): bound to processor " + Long.numberOfTrailingZeros(want),
                    q.toString());
        }
        assertEquals(List.of(0, 1, 0, 1), all.stream().map(SimNic.QueueBinding::cpu).toList());
        assertEquals(List.of(nic.name() + "-rx0", nic.name() + "-rx1", nic.name() + "-tx0", nic.name() + "-tx1"),
                all.stream().map(SimNic.QueueBinding::queue).toList());
    }

    /** The NIC's bindings once every queue's thread has applied what it was asked (it is woken to). */
    private static List<SimNic.QueueBinding> awaitApplied(SimNic nic) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (true) {
            List<SimNic.QueueBinding> all = nic.queueBindings();
            if (all.stream().allMatch(SimNic.QueueBinding::applied)) return all;
            assertTrue(System.nanoTime() < deadline, "not applied in " + WAIT + ": " + all);
            Thread.sleep(5);
        }
    }
}
