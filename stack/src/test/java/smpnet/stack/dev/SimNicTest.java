package smpnet.stack.dev;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import smpnet.stack.locks.LockMode;
import smpnet.stack.mbuf.Mbuf;
import smpnet.stack.mbuf.MbufLeakExtension;
import smpnet.witness.junit.WitnessExtension;
import smpnet.stack.mbuf.MbufTransfer;
import smpnet.stack.net.IfAddress;
import smpnet.stack.net.IfCounters;
import smpnet.stack.net.MacAddress;

/** NICs wired back to back: RSS queue choice, source ids, exact counters, full rings, copy into the peer's memory. */
@ExtendWith({WitnessExtension.class, MbufLeakExtension.class})
class SimNicTest {
    private static final int FLOWS = 8;
    private static final int PER_FLOW = 50;

    /**
     * The RSS hash of a frame read in place from its first mbuf is the one of its bytes copied out (the
     * published vector for the UDP 4-tuple, the 2-tuple for ICMP), and so is that of a frame whose headers
     * are split over two mbufs, which is copied out.
     */
    @Test
    void rssHashReadInPlaceEqualsTheHashOfTheCopiedBytes() {
        TestHost a = new TestHost("a", 1, LockMode.FINE, NicConfig.of(2));
        byte[] udp = LoadFrames.udp(MacAddress.local(1), MacAddress.local(2), IfAddress.parseIpv4("66.9.149.187"),
                IfAddress.parseIpv4("161.142.100.80"), 2794, 1766, new byte[100]);
        byte[] icmp = udp.clone();
        icmp[14 + 9] = 1;
        for (byte[] f : List.of(udp, icmp)) {
            int expected = a.nic.rss().hashFrame(f, Math.min(f.length, 14 + 60 + 4));
            Mbuf whole = a.alloc.fromBytes(f, 0, f.length, Mbuf.M_WAIT);
            Mbuf split = a.alloc.fromBytes(f, 0, 20, Mbuf.M_WAIT);
            Mbuf rest = a.alloc.get(Mbuf.M_WAIT);
            assertTrue(rest.append(f, 20, f.length - 20, Mbuf.M_WAIT));
            split.setNext(rest);
            split.pkthdr().setPktLen(f.length);
            assertEquals(20, split.len());
            assertTrue(whole.len() >= 14 + 60 + 4, "the frame's headers are in its first mbuf");
            assertEquals(expected, a.nic.rssHashOf(whole));
            assertEquals(expected, a.nic.rssHashOf(split));
            whole.freeChain();
            split.freeChain();
        }
        assertEquals(0x51ccc178, a.nic.rss().hashFrame(udp, udp.length));
        assertEquals(0x323e8fc2, a.nic.rss().hashFrame(icmp, icmp.length));
    }

    @ParameterizedTest
    @EnumSource(LockMode.class)
    void framesCrossTheWireInFlowOrderWithSourceAndHashStamped(LockMode mode) {
        TestHost a = new TestHost("a", 1, mode, NicConfig.of(2));
        TestHost b = new TestHost("b", 2, mode, NicConfig.of(2));
        Wire wire = Wire.connect(a.nic, b.nic);
        a.nic.start();
        b.nic.start();
        int bytes = 0;
        for (int i = 0; i < PER_FLOW; i++) {
            for (int f = 0; f < FLOWS; f++) {
                Mbuf m = a.udp(b.nic.mac(), f, i, 18);
                bytes += m.pktLen();
                assertTrue(a.nic.transmit(m));
            }
        }
        a.nic.awaitTransmitted();
        b.nic.awaitReceived();
        a.nic.stop();
        b.nic.stop();

        int total = FLOWS * PER_FLOW;
        assertEquals(total, b.seen.size());
        assertEquals(total, wire.carriedAtoB());
        assertEquals(0, wire.carriedBtoA());
        assertEquals(new IfCounters(0, 0, 0, 0, total, bytes, 0, 0), a.nic.counters());
        assertEquals(new IfCounters(total, bytes, 0, 0, 0, 0, 0, 0), b.nic.counters());
        Map<Integer, Integer> next = new HashMap<>();
        for (TestHost.Seen s : b.seen) {
            int expected = next.getOrDefault(s.flow(), 0);
            assertEquals(expected, s.seq(), "flow " + s.flow() + " out of order");
            next.put(s.flow(), expected + 1);
            int hash = b.nic.rss().hashIpv4(IfAddress.parseIpv4("10.0.0.1"),
                    IfAddress.parseIpv4("10.0.1.1"), 40000 + s.flow(), 9);
            assertEquals(hash, s.flowId());
            assertEquals(b.nic.sourceId(b.nic.rss().queueOf(hash)), s.sourceId());
            assertEquals(b.nic.index(), s.rcvIf());
            assertSame(b.alloc, s.memory(), "a copy crossing the wire lives in the receiver's memory");
        }
        assertEquals(b.nic.rxCounters(0).inPackets(), b.seen.stream().filter(s -> s.sourceId() == (1 << 8)).count());
        assertTrue(b.nic.rxCounters(0).inPackets() > 0 && b.nic.rxCounters(1).inPackets() > 0,
                "RSS spreads 8 flows over both queues");
    }

    @Test
    void handoffKeepsTheSendersMemory() {
        TestHost a = new TestHost("a", 1, LockMode.FINE, NicConfig.of(1));
        TestHost b = new TestHost("b", 2, LockMode.FINE, NicConfig.of(1));
        Wire.connect(a.nic, b.nic, MbufTransfer.HANDOFF);
        a.nic.start();
        b.nic.start();
        a.nic.transmit(a.udp(b.nic.mac(), 0, 0, 8));
        a.nic.awaitTransmitted();
        b.nic.awaitReceived();
        a.nic.stop();
        b.nic.stop();
        assertEquals(1, b.seen.size());
        assertSame(a.alloc, b.seen.get(0).memory());
    }

    @Test
    void theLinkIsCalledWithNoLockHeld() {
        TestHost a = new TestHost("a", 1, LockMode.GIANT, NicConfig.of(2));
        List<List<String>> held = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
        a.nic.attachLink(frame -> {
            held.add(smpnet.witness.Witness.active().heldLocks());
            frame.freeChain();
        });
        a.nic.start();
        a.locks.giant().lock(); // a sender deep in its host's locks: the link must not run under them
        try {
            for (int f = 0; f < 4; f++) assertTrue(a.nic.transmit(a.udp(MacAddress.BROADCAST, f, 0, 8)));
        } finally {
            a.locks.giant().unlock();
        }
        a.nic.awaitTransmitted();
        a.nic.stop();
        assertEquals(List.of(List.of(), List.of(), List.of(), List.of()), held);
    }

    @Test
    void fullRxRingDropsAndCounts() {
        TestHost b = new TestHost("b", 2, LockMode.FINE, NicConfig.of(1).withRingSize(4));
        for (int i = 0; i < 6; i++) assertEquals(i < 4, b.nic.receive(b.udp(b.nic.mac(), 0, i, 8)));
        assertEquals(2, b.nic.rxCounters(0).inDrops());
        b.nic.start();
        b.nic.awaitReceived();
        b.nic.stop();
        assertEquals(List.of(0, 1, 2, 3), b.seen.stream().map(TestHost.Seen::seq).toList());
        assertEquals(4, b.nic.counters().inPackets());
        assertEquals(2, b.nic.counters().inDrops());
    }

    @Test
    void fullTxRingWithoutSoftQueueDropsAndStopFreesTheRest() {
        TestHost a = new TestHost("a", 1, LockMode.FINE, NicConfig.of(1).withRingSize(3).withTxSoftQueue(0));
        for (int i = 0; i < 5; i++) assertEquals(i < 3, a.nic.transmit(a.udp(MacAddress.BROADCAST, 0, i, 8)));
        a.nic.stop(); // never started: the three queued frames are freed
        assertEquals(new IfCounters(0, 0, 0, 0, 0, 0, 2, 0), a.nic.counters());
    }

    @Test
    void oversizedFramesAndMissingLinkAreErrors() {
        TestHost a = new TestHost("a", 1, LockMode.FINE, NicConfig.of(1));
        a.nic.start();
        assertFalse(a.nic.transmit(a.udp(MacAddress.BROADCAST, 0, 0, 1500 - 28 + 1)));
        assertTrue(a.nic.transmit(a.udp(MacAddress.BROADCAST, 0, 1, 1500 - 28)));
        a.nic.awaitTransmitted();
        a.nic.stop();
        assertEquals(new IfCounters(0, 0, 0, 0, 0, 0, 0, 2), a.nic.counters());
    }

    @Test
    void runtFramesAndFramesWithoutHandlerAreInputErrors() {
        TestHost b = new TestHost("b", 2, LockMode.FINE, NicConfig.of(1));
        b.nic.receive(b.alloc.fromBytes(new byte[10], 0, 10, Mbuf.M_WAIT));
        b.nic.start();
        b.nic.awaitReceived();
        b.nic.attach(null, null); // no Ethernet layer: as a frame arriving before the host attached the NIC
        b.nic.receive(b.udp(b.nic.mac(), 0, 0, 8));
        b.nic.awaitReceived();
        b.nic.stop();
        assertEquals(new IfCounters(0, 0, 0, 2, 0, 0, 0, 0), b.nic.counters());
        assertEquals(0, b.seen.size());
    }

    @Test
    void addressesAndMacsFormatAsTheToolsPrintThem() {
        TestHost a = new TestHost("a", 1, LockMode.GIANT, NicConfig.of(1));
        assertEquals("10.0.0.255", IfAddress.formatIpv4(IfAddress.parse("10.0.0.1/24").broadcast()));
        assertEquals("02:00:00:00:00:01", a.nic.mac().toString());
    }

    @Test
    void loopbackHandsSentFramesUpThroughItsOwnIthread() {
        TestHost h = new TestHost("h", 1, LockMode.FINE, NicConfig.of(1));
        Loopback lo = new Loopback("lo0", 2, h.locks);
        h.attach(lo);
        lo.start();
        Mbuf m = h.udp(MacAddress.ZERO, 3, 7, 8);
        int len = m.pktLen();
        assertTrue(lo.transmit(m));
        lo.awaitReceived();
        lo.stop();
        assertEquals(1, h.seen.size());
        assertEquals(lo.sourceId(0), h.seen.get(0).sourceId());
        assertEquals(lo.index(), h.seen.get(0).rcvIf());
        assertEquals(new IfCounters(1, len, 0, 0, 1, len, 0, 0), lo.counters());
    }
}
