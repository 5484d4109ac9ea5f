package smpnet.stack.dev;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import smpnet.stack.locks.LockMode;
import smpnet.stack.mbuf.MbufLeakExtension;
import smpnet.stack.net.IfCounters;
import smpnet.witness.junit.WitnessExtension;

/**
 * A {@link Wire}'s flow control: a peer whose RX ring is full holds the sender back (as Ethernet PAUSE
 * frames do) instead of dropping: a direct sender puts its frame back at the head of its own TX ring, the
 * transmit thread waits for room, every frame arrives in order, and nothing is dropped or leaked.
 */
@ExtendWith({WitnessExtension.class, MbufLeakExtension.class})
class WireFlowControlTest {
    private static final int FRAMES = 40;

    /**
     * Wires a to b (b's ring holds 4 frames), makes b's ithread block in its handler on frame 0 until the
     * returned latch is opened, sends frames 0 to {@code last} from this thread, and waits until the
     * sender has paused twice (see the first test).
     */
    private static CountDownLatch sendIntoABlockedPeer(TestHost a, TestHost b, Wire w, int last) throws Exception {
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        blockFirst(b, entered, release);
        a.nic.start();
        b.nic.start();
        assertTrue(a.nic.transmit(a.udp(b.nic.mac(), 0, 0, 8)));
        assertTrue(entered.await(10, TimeUnit.SECONDS)); // b's ithread holds frame 0: its ring is empty
        for (int i = 1; i <= last; i++) assertTrue(a.nic.transmit(a.udp(b.nic.mac(), 0, i, 8)));
        awaitPauses(w, 2);
        return release;
    }

    /** b's ithread blocks in its handler on the first frame until {@code release}: its 4-frame ring fills. */
    private static void blockFirst(TestHost b, CountDownLatch entered, CountDownLatch release) {
        b.handler = m -> {
            if (entered.getCount() > 0) {
                entered.countDown();
                try {
                    assertTrue(release.await(10, TimeUnit.SECONDS));
                } catch (InterruptedException e) {
                    throw new AssertionError(e);
                }
            }
            b.record(m);
        };
    }

    private static void awaitPauses(Wire w, long n) throws InterruptedException {
        for (int i = 0; i < 10_000 && w.pauses() < n; i++) Thread.sleep(1);
        assertEquals(n, w.pauses());
    }

    @Test
    void aFullPeerRingHoldsTheSenderBackAndNothingIsLost() throws Exception {
        TestHost a = new TestHost("a", 1, LockMode.FINE, NicConfig.of(1).withRingSize(64));
        TestHost b = new TestHost("b", 2, LockMode.FINE, NicConfig.of(1).withRingSize(4));
        Wire w = Wire.connect(a.nic, b.nic);
        // Frames 1-4 fill b's ring from this thread; frame 5 is refused (one pause) and goes back to a's ring,
        // whose transmit thread finds b's ring full too (a second pause) and waits; 6-39 queue behind.
        CountDownLatch release = sendIntoABlockedPeer(a, b, w, FRAMES - 1);
        assertEquals(5, a.nic.directTransmits(0));
        assertEquals(new IfCounters(1, 50, 0, 0, 0, 0, 0, 0), b.nic.counters()); // frame 0 taken, 50 bytes; no drop
        release.countDown();
        a.nic.awaitTransmitted();
        b.nic.awaitReceived();
        a.nic.stop();
        b.nic.stop();
        assertEquals(IntStream.range(0, FRAMES).boxed().toList(), b.seen.stream().map(TestHost.Seen::seq).toList());
        assertEquals(FRAMES, w.carriedAtoB());
        assertEquals(FRAMES, a.nic.counters().outPackets());
        assertEquals(0, a.nic.counters().outDrops());
        assertEquals(FRAMES, b.nic.counters().inPackets());
        assertEquals(0, b.nic.counters().inDrops());
        assertTrue(w.pauses() >= 2, "pauses " + w.pauses());
    }

    @Test
    void aTransmitThreadPausedOnAStuckPeerStopsAndDropsItsFrames() throws Exception {
        TestHost a = new TestHost("a", 1, LockMode.GIANT, NicConfig.of(1).withRingSize(8));
        TestHost b = new TestHost("b", 2, LockMode.GIANT, NicConfig.of(1).withRingSize(4));
        Wire w = Wire.connect(a.nic, b.nic);
        CountDownLatch release = sendIntoABlockedPeer(a, b, w, 5);
        // a stops while its transmit thread waits for b with frame 5: that frame is dropped and counted.
        a.nic.stop();
        assertEquals(new IfCounters(0, 0, 0, 0, 5, a.nic.counters().outBytes(), 1, 0), a.nic.counters());
        release.countDown();
        b.nic.awaitReceived();
        b.nic.stop();
        assertEquals(List.of(0, 1, 2, 3, 4), b.seen.stream().map(TestHost.Seen::seq).toList());
        assertEquals(0, b.nic.counters().inDrops());
    }
}
