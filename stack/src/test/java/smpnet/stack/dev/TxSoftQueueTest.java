package smpnet.stack.dev;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import smpnet.stack.locks.LockMode;
import smpnet.stack.mbuf.Mbuf;
import smpnet.stack.mbuf.MbufLeakExtension;
import smpnet.stack.net.IfCounters;
import smpnet.stack.net.MacAddress;
import smpnet.witness.junit.WitnessExtension;

/**
 * The software queue in front of each TX descriptor ring ({@link NicConfig#txSoftQueue()}, iflib's
 * {@code mp_ring}): a packet that finds too few descriptors free waits there, in order, whatever descriptors
 * it takes; only one that finds the software queue full is dropped (ENOBUFS), and {@link SimNic#txRingCounters}
 * counts the waits, the stalls and the drops exactly. The transmit thread is held back by not starting it.
 */
@ExtendWith({WitnessExtension.class, MbufLeakExtension.class})
class TxSoftQueueTest {
    private static final int SEGSZ = 1448;
    private static final int HEADERS = 54;

    @Test
    void aFloodBeyondRingAndSoftQueueDropsExactlyTheExcessAndTheRestLeavesInOrder() {
        // 8 descriptors and 16 packets: 24 frames are taken, the other 6 dropped
        TestHost a = new TestHost("a", 1, LockMode.FINE, NicConfig.of(1).withRingSize(8).withTxSoftQueue(16));
        for (int i = 0; i < 30; i++) {
            assertEquals(i < 24, a.nic.transmit(a.udp(MacAddress.BROADCAST, 0, i, 8)), "frame " + i);
        }
        assertEquals(new SimNic.TxRingCounters(16, 1, 6), a.nic.txRingCounters());
        assertEquals(new SimNic.TxRingCounters(16, 1, 6), a.nic.txRingCounters(0));
        assertEquals(new IfCounters(0, 0, 0, 0, 0, 0, 6, 0), a.nic.counters());

        List<Mbuf> out = TsoSegmenterTest.collect(a);
        a.nic.start();
        a.nic.awaitTransmitted();
        a.nic.stop();
        List<Integer> seqs = new ArrayList<>();
        for (Mbuf f : out) {
            seqs.add(f.getU32(LoadFrames.HEADERS + 4));
            f.freeChain();
        }
        List<Integer> expected = new ArrayList<>();
        for (int i = 0; i < 24; i++) expected.add(i);
        assertEquals(expected, seqs);
        assertEquals(24, a.nic.counters().outPackets());
        assertEquals(6, a.nic.counters().outDrops());
        assertEquals(new SimNic.TxRingCounters(16, 1, 6), a.nic.txRingCounters(), "nothing more waited or dropped");
    }

    @Test
    void aTsoPacketThatFindsTooFewDescriptorsWaitsAndWhatComesAfterWaitsBehindIt() {
        TestHost h = new TestHost("a", 1, LockMode.FINE, NicConfig.of(1).withTso(true).withRingSize(10));
        assertTrue(h.nic.transmit(packet(h, 0, 4)), "4 descriptors of 10");
        assertTrue(h.nic.transmit(packet(h, 1, 4)), "8 of 10");
        assertEquals(new SimNic.TxRingCounters(0, 0, 0), h.nic.txRingCounters());
        assertTrue(h.nic.transmit(packet(h, 2, 3)), "4 descriptors, 2 free: it waits");
        assertEquals(new SimNic.TxRingCounters(1, 1, 0), h.nic.txRingCounters());
        assertTrue(h.nic.transmit(packet(h, 3, 1)), "one descriptor would do, but it waits behind the packet");
        assertEquals(new SimNic.TxRingCounters(2, 1, 0), h.nic.txRingCounters(), "one stall, two packets waited");
        assertEquals(0, h.nic.counters().outDrops());
        assertEquals(3, h.nic.tsoQueued());
        assertEquals(12, h.nic.tsoDescriptors());

        List<Mbuf> out = TsoSegmenterTest.collect(h);
        h.nic.start();
        h.nic.awaitTransmitted();
        h.nic.stop();
        List<Integer> marks = new ArrayList<>();
        for (Mbuf f : out) {
            marks.add(f.toBytes()[HEADERS] & 0xff);
            f.freeChain();
        }
        assertEquals(List.of(0x00, 0x01, 0x02, 0x03, 0x10, 0x11, 0x12, 0x13, 0x20, 0x21, 0x22, 0x30), marks);
        assertEquals(new IfCounters(0, 0, 0, 0, 12, h.nic.counters().outBytes(), 0, 0), h.nic.counters());
        assertEquals(3, h.nic.tsoPackets());
    }

    @Test
    void aFullSoftQueueDropsATsoPacketAsOneAndStopFreesWhatWaits() {
        TestHost h = new TestHost("a", 1, LockMode.FINE,
                NicConfig.of(1).withTso(true).withRingSize(10).withTxSoftQueue(2));
        assertTrue(h.nic.transmit(packet(h, 0, 4)));
        assertTrue(h.nic.transmit(packet(h, 1, 4)));
        assertTrue(h.nic.transmit(packet(h, 2, 4)), "waits: 2 descriptors free");
        assertTrue(h.nic.transmit(packet(h, 3, 4)), "waits behind it");
        assertFalse(h.nic.transmit(packet(h, 4, 4)), "the software queue's 2 packets are taken: ENOBUFS");
        assertFalse(h.nic.transmit(packet(h, 5, 1)), "an ordinary frame too");
        assertEquals(new SimNic.TxRingCounters(2, 1, 2), h.nic.txRingCounters());
        assertEquals(new IfCounters(0, 0, 0, 0, 0, 0, 2, 0), h.nic.counters());
        h.nic.stop(); // never started: the two packets on the ring and the two waiting are freed
        assertEquals(2, h.nic.counters().outDrops(), "stop frees, it does not count drops");
    }

    @Test
    void withoutASoftQueueAPacketThatDoesNotFitIsDroppedAtOnce() {
        TestHost h = new TestHost("a", 1, LockMode.FINE,
                NicConfig.of(1).withTso(true).withRingSize(10).withTxSoftQueue(0));
        assertTrue(h.nic.transmit(packet(h, 0, 4)));
        assertTrue(h.nic.transmit(packet(h, 1, 4)));
        assertFalse(h.nic.transmit(packet(h, 2, 4)));
        assertTrue(h.nic.transmit(packet(h, 3, 1)), "a frame still fits");
        assertEquals(new SimNic.TxRingCounters(0, 0, 1), h.nic.txRingCounters());
        h.nic.stop();
    }

    @Test
    void theSoftQueueIsConfiguredAndChecked() {
        assertEquals(2048, NicConfig.DEFAULT_TX_SOFT_QUEUE);
        assertEquals(NicConfig.DEFAULT_TX_SOFT_QUEUE, NicConfig.of(2).txSoftQueue());
        assertEquals(5, NicConfig.of(1).withTxSoftQueue(5).withRingSize(64).withTso(true).withBatch(4)
                .withLro(true).withCpus(2).withTsoLimits(9000, 8, 2048).txSoftQueue(), "every wither keeps it");
        assertEquals(0, NicConfig.of(1).withTxSoftQueue(0).txSoftQueue());
        assertThrows(IllegalArgumentException.class, () -> NicConfig.of(1).withTxSoftQueue(-1));
        TestHost h = new TestHost("a", 1, LockMode.FINE, NicConfig.of(2));
        assertThrows(IllegalArgumentException.class, () -> h.nic.txRingCounters(2));
    }

    /** As {@link TxRingDescriptorsTest}'s: {@code segments} segments, each starting with {@code 16 * packet + i}. */
    private static Mbuf packet(TestHost h, int packet, int segments) {
        byte[] payload = new byte[segments * SEGSZ];
        for (int i = 0; i < segments; i++) payload[i * SEGSZ] = (byte) (16 * packet + i);
        return TsoSegmenterTest.frame(h.alloc, h.nic.mac(), payload, 0, segments > 1 ? SEGSZ : 0);
    }
}
