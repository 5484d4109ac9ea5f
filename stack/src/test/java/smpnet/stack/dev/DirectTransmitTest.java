package smpnet.stack.dev;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import smpnet.stack.locks.LockMode;
import smpnet.stack.mbuf.Mbuf;
import smpnet.stack.mbuf.MbufLeakExtension;
import smpnet.stack.net.IfCounters;
import smpnet.stack.net.MacAddress;
import smpnet.witness.Witness;
import smpnet.witness.junit.WitnessExtension;

/**
 * Direct transmit ({@link SimNic#transmit} on an idle queue, {@code net.link.tx_direct}): which thread puts a
 * frame on the link, under which locks, that a frame never overtakes one still on the ring, and the counters.
 */
@ExtendWith({WitnessExtension.class, MbufLeakExtension.class})
class DirectTransmitTest {
    /** What the link saw of one frame: its (flow, seq), the thread that delivered it, the locks it held. */
    private record Delivery(int flow, int seq, String thread, List<String> held) {}

    /** A link a sender may call itself, recording each frame and freeing it; {@code gate} may hold the first. */
    private static final class RecordingLink implements Link {
        final List<Delivery> seen = Collections.synchronizedList(new ArrayList<>());
        final CountDownLatch entered = new CountDownLatch(1);
        volatile CountDownLatch gate;

        @Override
        public void deliver(Mbuf frame) {
            int at = LoadFrames.HEADERS;
            seen.add(new Delivery(frame.getU32(at), frame.getU32(at + 4), Thread.currentThread().getName(),
                    Witness.active().heldLocks()));
            frame.freeChain();
            entered.countDown();
            CountDownLatch g = gate;
            if (g != null) {
                try {
                    assertTrue(g.await(10, TimeUnit.SECONDS));
                } catch (InterruptedException e) {
                    throw new AssertionError(e);
                }
            }
        }

        @Override
        public boolean callableFromSender() {
            return true;
        }
    }

    @Test
    void anIdleQueueSendsInTheSendersThreadUnderItsLocks() {
        TestHost a = new TestHost("a", 1, LockMode.GIANT, NicConfig.of(1));
        RecordingLink link = new RecordingLink();
        a.nic.attachLink(link);
        a.nic.start();
        int bytes = 0;
        a.locks.giant().lock(); // a sender deep in its host's locks, as TCP output is
        try {
            for (int i = 0; i < 4; i++) {
                Mbuf m = a.udp(MacAddress.BROADCAST, 0, i, 8);
                bytes += m.pktLen();
                assertTrue(a.nic.transmit(m));
            }
        } finally {
            a.locks.giant().unlock();
        }
        a.nic.awaitTransmitted();
        a.nic.stop();
        String me = Thread.currentThread().getName();
        List<Delivery> expected = new ArrayList<>();
        for (int i = 0; i < 4; i++) expected.add(new Delivery(0, i, me, List.of("Giant")));
        assertEquals(expected, link.seen);
        assertEquals(4, a.nic.directTransmits(0));
        assertEquals(new IfCounters(0, 0, 0, 0, 4, bytes, 0, 0), a.nic.counters());
    }

    @Test
    void offTheTransmitThreadSendsWithNoLockHeld() {
        TestHost a = new TestHost("a", 1, LockMode.GIANT, NicConfig.of(1));
        RecordingLink link = new RecordingLink();
        a.nic.attachLink(link);
        a.nic.setTransmitDirect(false);
        a.nic.start();
        a.locks.giant().lock();
        try {
            for (int i = 0; i < 3; i++) assertTrue(a.nic.transmit(a.udp(MacAddress.BROADCAST, 0, i, 8)));
        } finally {
            a.locks.giant().unlock();
        }
        a.nic.awaitTransmitted();
        a.nic.stop();
        List<Delivery> expected = new ArrayList<>();
        for (int i = 0; i < 3; i++) expected.add(new Delivery(0, i, "a-em0-tx0", List.of()));
        assertEquals(expected, link.seen);
        assertEquals(0, a.nic.directTransmits(0));
    }

    @Test
    void aFrameNeverOvertakesOneOnTheRing() throws Exception {
        TestHost a = new TestHost("a", 1, LockMode.FINE, NicConfig.of(1));
        RecordingLink link = new RecordingLink();
        link.gate = new CountDownLatch(1);
        a.nic.attachLink(link);
        assertTrue(a.nic.transmit(a.udp(MacAddress.BROADCAST, 0, 0, 8))); // not started: onto the ring
        a.nic.start();
        assertTrue(link.entered.await(10, TimeUnit.SECONDS)); // the transmit thread is in the link with frame 0
        assertTrue(a.nic.transmit(a.udp(MacAddress.BROADCAST, 0, 1, 8))); // a batch is out: the ring, behind it
        assertTrue(a.nic.transmit(a.udp(MacAddress.BROADCAST, 0, 2, 8)));
        assertEquals(1, link.seen.size());
        link.gate.countDown();
        link.gate = null;
        a.nic.awaitTransmitted();
        assertTrue(a.nic.transmit(a.udp(MacAddress.BROADCAST, 0, 3, 8))); // idle again: this thread sends
        a.nic.awaitTransmitted();
        a.nic.stop();
        assertEquals(List.of(0, 1, 2, 3), link.seen.stream().map(Delivery::seq).toList());
        assertEquals(List.of("a-em0-tx0", "a-em0-tx0", "a-em0-tx0", Thread.currentThread().getName()),
                link.seen.stream().map(Delivery::thread).toList());
        assertEquals(1, a.nic.directTransmits(0));
    }

    @Test
    void concurrentSendersKeepTheirOwnOrder() throws Exception {
        TestHost a = new TestHost("a", 1, LockMode.FINE, NicConfig.of(1).withRingSize(4096));
        RecordingLink link = new RecordingLink();
        a.nic.attachLink(link);
        a.nic.start();
        int perSender = 2000;
        Thread[] senders = new Thread[2];
        for (int s = 0; s < senders.length; s++) {
            int flow = s;
            senders[s] = new Thread(() -> {
                for (int i = 0; i < perSender; i++) assertTrue(a.nic.transmit(a.udp(MacAddress.BROADCAST, flow, i, 8)));
            }, "sender-" + s);
        }
        for (Thread t : senders) t.start();
        for (Thread t : senders) t.join();
        a.nic.awaitTransmitted();
        a.nic.stop();
        assertEquals(2 * perSender, link.seen.size());
        int[] next = new int[senders.length];
        long direct = 0;
        for (Delivery d : link.seen) {
            assertEquals(next[d.flow()]++, d.seq(), "sender " + d.flow() + " out of order");
            if (d.thread().startsWith("sender-")) direct++;
        }
        assertEquals(direct, a.nic.directTransmits(0));
        assertEquals(2L * perSender, a.nic.counters().outPackets());
    }

    @Test
    void aWireIsCalledFromTheSenderAndTheHostSysctlTurnsItOff() {
        TestHost a = new TestHost("a", 1, LockMode.FINE, NicConfig.of(1));
        TestHost b = new TestHost("b", 2, LockMode.FINE, NicConfig.of(1));
        Wire w = Wire.connect(a.nic, b.nic);
        a.nic.start();
        b.nic.start();
        assertTrue(a.nic.transmit(a.udp(b.nic.mac(), 0, 0, 8)));
        a.nic.awaitTransmitted();
        a.nic.setTransmitDirect(false);
        assertTrue(a.nic.transmit(a.udp(b.nic.mac(), 0, 1, 8)));
        a.nic.awaitTransmitted();
        b.nic.awaitReceived();
        a.nic.stop();
        b.nic.stop();
        assertEquals(2, w.carriedAtoB());
        assertEquals(1, a.nic.directTransmits(0));
        assertEquals(List.of(0, 1), b.seen.stream().map(TestHost.Seen::seq).toList());
    }
}
