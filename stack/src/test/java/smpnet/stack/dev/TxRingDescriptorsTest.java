package smpnet.stack.dev;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import smpnet.stack.locks.LockMode;
import smpnet.stack.mbuf.Mbuf;
import smpnet.stack.mbuf.MbufLeakExtension;
import smpnet.stack.net.IfCounters;
import smpnet.witness.junit.WitnessExtension;

/**
 * The TX ring counts descriptors: an ordinary frame takes one, a TSO packet one per DMA segment (each mbuf
 * of its chain, cut at {@link NicConfig#tsoMaxSegSize()}) plus a context descriptor, and goes on the ring
 * whole, to be cut into frames by the transmit thread as it sends them. Exact counts of what fits, what is
 * refused (ENOBUFS, counted as a drop: the first test has no software queue in front of the ring, see
 * {@link TxSoftQueueTest} for one), what the NIC's TSO limits refuse (an error), and the frames' order.
 */
@ExtendWith({WitnessExtension.class, MbufLeakExtension.class})
class TxRingDescriptorsTest {
    private static final int SEGSZ = 1448;
    /** Ethernet, IPv4 and TCP headers of {@link TsoSegmenterTest#frame} without options. */
    private static final int HEADERS = 54;

    @Test
    void aTsoPacketTakesItsDmaSegmentsAndAContextDescriptorAndTheRingRefusesWhatDoesNotFit() {
        // not started: everything waits on the ring, which holds 10 descriptors, with no software queue
        TestHost h = new TestHost("a", 1, LockMode.FINE,
                NicConfig.of(1).withTso(true).withRingSize(10).withTxSoftQueue(0));
        Mbuf p0 = packet(h, 0, 4);
        // 54 + 4 * 1448 = 5,846 bytes in three clusters (2,048, 2,048, 1,750): 3 DMA segments and a context
        assertEquals(4, h.nic.descriptorsOf(p0));
        assertTrue(h.nic.transmit(p0));
        assertTrue(h.nic.transmit(packet(h, 1, 4)));
        assertFalse(h.nic.transmit(packet(h, 2, 3)), "4 descriptors (3 segments of a 4,398-byte chain) in 2");
        assertTrue(h.nic.transmit(packet(h, 3, 1)), "an ordinary frame takes one");
        assertTrue(h.nic.transmit(packet(h, 4, 1)));
        assertFalse(h.nic.transmit(packet(h, 5, 1)), "the ring's 10 descriptors are taken");
        assertEquals(2, h.nic.counters().outDrops());
        assertEquals(new SimNic.TxRingCounters(0, 0, 2), h.nic.txRingCounters());
        assertEquals(2, h.nic.tsoQueued());
        assertEquals(8, h.nic.tsoDescriptors());
        assertEquals(0, h.nic.tsoPackets(), "nothing is cut before the transmit thread sends it");

        List<Mbuf> out = TsoSegmenterTest.collect(h);
        h.nic.start();
        h.nic.awaitTransmitted();
        h.nic.stop();
        List<Integer> marks = new ArrayList<>();
        for (Mbuf f : out) {
            marks.add(f.toBytes()[HEADERS] & 0xff);
            f.freeChain();
        }
        assertEquals(List.of(0x00, 0x01, 0x02, 0x03, 0x10, 0x11, 0x12, 0x13, 0x30, 0x40), marks);
        assertEquals(2, h.nic.tsoPackets());
        assertEquals(8, h.nic.tsoFrames());
        assertEquals(0, h.nic.tsoPayloadBytesCopied());
        IfCounters c = h.nic.counters();
        assertEquals(10, c.outPackets());
        assertEquals(2, c.outDrops());
        assertEquals(0, c.outErrors());
    }

    @Test
    void dmaSegmentsAreCutAtTheSegmentSizeAndAPlainMbufIsOneSegment() {
        TestHost small = new TestHost("a", 1, LockMode.FINE,
                NicConfig.of(1).withTso(true).withTsoLimits(NicConfig.DEFAULT_TSO_MAX, 35, 1024));
        Mbuf p = packet(small, 0, 4); // clusters of 2,048, 2,048 and 1,750 bytes: 2 + 2 + 2 segments
        assertEquals(7, small.nic.descriptorsOf(p));
        p.freeChain();
        TestHost h = new TestHost("b", 2, LockMode.FINE, NicConfig.of(1).withTso(true));
        // 4,196 bytes: two clusters and a plain mbuf of 100
        Mbuf q = TsoSegmenterTest.frame(h.alloc, h.nic.mac(), TsoSegmenterTest.payload(2 * 2048 + 100 - HEADERS), 0,
                SEGSZ);
        assertEquals(4, h.nic.descriptorsOf(q));
        q.freeChain();
    }

    @Test
    void aPacketOverTheNicsTsoLimitsIsAnOutputError() {
        TestHost fewSegments = new TestHost("a", 1, LockMode.FINE,
                NicConfig.of(1).withTso(true).withTsoLimits(NicConfig.DEFAULT_TSO_MAX, 2, 2048));
        Mbuf p = packet(fewSegments, 0, 4);
        assertEquals(-1, fewSegments.nic.descriptorsOf(p), "3 DMA segments, 2 allowed");
        assertFalse(fewSegments.nic.transmit(p));
        assertEquals(new IfCounters(0, 0, 0, 0, 0, 0, 0, 1), fewSegments.nic.counters());

        TestHost shortMax = new TestHost("b", 2, LockMode.FINE, NicConfig.of(1).withTso(true).withTsoLimits(5000, 35, 2048));
        assertEquals(5000, shortMax.nic.tsoMax());
        assertFalse(shortMax.nic.transmit(packet(shortMax, 0, 4)), "5,846 bytes over a tsomax of 5,000");
        assertEquals(1, shortMax.nic.counters().outErrors());
        assertEquals(0, shortMax.nic.tsoQueued());
    }

    @Test
    void theNicOffersFreeBsdsDefaultLimitsCappedByItsRing() {
        TestHost h = new TestHost("a", 1, LockMode.FINE, NicConfig.of(1).withTso(true));
        assertEquals(65518, h.nic.tsoMax());
        assertEquals(35, h.nic.tsoMaxSegCount());
        assertEquals(2048, h.nic.tsoMaxSegSize());
        TestHost tiny = new TestHost("b", 2, LockMode.FINE, NicConfig.of(1).withTso(true).withRingSize(8));
        assertEquals(7, tiny.nic.tsoMaxSegCount(), "a context descriptor and 7 segments fill an empty ring of 8");
        tiny.nic.setTso(false);
        assertEquals(0, tiny.nic.tsoMax());
        assertEquals(0, tiny.nic.tsoMaxSegCount());
        assertThrows(IllegalArgumentException.class, () -> NicConfig.of(1).withRingSize(1).withTso(true));
        assertThrows(IllegalArgumentException.class, () -> NicConfig.of(1).withTsoLimits(65536, 35, 2048));
        assertThrows(IllegalArgumentException.class, () -> NicConfig.of(1).withTsoLimits(65518, 0, 2048));
    }

    @Test
    void framesTheWireHoldsBackKeepTheirPacketsPlaceAheadOfThePacketsQueuedBehind() {
        // 9 descriptors: the first packet's 4 (held by its frames that wait, until the transmit thread takes
        // them), the second's 4, the frame's 1
        TestHost a = new TestHost("a", 1, LockMode.FINE, NicConfig.of(1).withTso(true).withRingSize(9));
        TestHost b = new TestHost("b", 2, LockMode.FINE, NicConfig.of(1).withRingSize(2));
        List<Integer> marks = Collections.synchronizedList(new ArrayList<>());
        b.handler = m -> {
            marks.add(m.getU8(HEADERS - 14) & 0xff); // the IP packet: its payload after 20 + 20 bytes
            m.freeChain();
        };
        Wire wire = Wire.connect(a.nic, b.nic);
        a.nic.start(); // b's ithread not yet: its 2-slot ring takes two frames, then the wire pauses
        assertTrue(a.nic.transmit(packet(a, 0, 4)), "two frames leave, two wait at the ring's head");
        assertEquals(2, a.nic.directTransmits(0));
        assertTrue(a.nic.transmit(packet(a, 1, 3)));
        assertTrue(a.nic.transmit(packet(a, 2, 1)));
        b.nic.start();
        a.nic.awaitTransmitted();
        b.nic.awaitReceived();
        a.nic.stop();
        b.nic.stop();
        assertEquals(List.of(0x00, 0x01, 0x02, 0x03, 0x10, 0x11, 0x12, 0x20), marks);
        assertEquals(8, wire.carriedAtoB());
        assertEquals(8, a.nic.counters().outPackets());
        assertEquals(2, a.nic.tsoPackets());
        assertEquals(7, a.nic.tsoFrames());
        assertEquals(1, a.nic.tsoQueued(), "the second went on the ring whole");
    }

    /**
     * A TCP frame whose payload is {@code segments} segments of {@link #SEGSZ} bytes, each starting with the
     * byte {@code 16 * packet + its index}; marked for TSO if it has more than one segment.
     */
    private static Mbuf packet(TestHost h, int packet, int segments) {
        byte[] payload = new byte[segments * SEGSZ];
        for (int i = 0; i < segments; i++) payload[i * SEGSZ] = (byte) (16 * packet + i);
        return TsoSegmenterTest.frame(h.alloc, h.nic.mac(), payload, 0, segments > 1 ? SEGSZ : 0);
    }
}
