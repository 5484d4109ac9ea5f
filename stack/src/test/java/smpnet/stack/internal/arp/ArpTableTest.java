package smpnet.stack.internal.arp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import smpnet.stack.internal.net.Ether;
import smpnet.stack.internal.net.IfIndex;
import smpnet.stack.internal.netisr.Netisr;
import smpnet.stack.netisr.DispatchPolicy;
import smpnet.stack.netisr.NetisrConfig;
import smpnet.stack.netisr.PlacementPolicy;
import smpnet.stack.testing.RecordingIfnet;
import smpnet.stack.locks.LockMode;
import smpnet.stack.locks.StackLocks;
import smpnet.stack.mbuf.Mbuf;
import smpnet.stack.mbuf.MbufAllocator;
import smpnet.stack.stats.Counters;
import smpnet.stack.testing.ManualClock;
import smpnet.witness.junit.WitnessExtension;
import smpnet.stack.config.ArpConfig;
import smpnet.stack.stats.ArpStat;

/** The ARP cache against a recording link and a manual clock: hold queue, rate limit, expiry, give-up. */
@ExtendWith(WitnessExtension.class)
class ArpTableTest {
    private static final long OUR_MAC = 0x020000000001L;
    private static final long PEER_MAC = 0x020000000002L;
    private static final int US = 0x0a000001;
    private static final int PEER = 0x0a000002;
    private static final long SECOND = 1_000_000_000L;

    private final ManualClock clock = new ManualClock();
    private final MbufAllocator alloc = MbufAllocator.create("arp-test");
    private final StackLocks locks = new StackLocks(LockMode.FINE);
    private final Netisr netisr = new Netisr("arp-test", NetisrConfig.of(1, DispatchPolicy.DIRECT, PlacementPolicy.SOURCE),
            locks);
    private final Ether ether = new Ether(netisr);
    private final Arp host = new Arp(locks, clock, new ArpConfig(10 * SECOND, 2, SECOND, 2), alloc, ether, new IfIndex(),
            netisr);
    private final Counters<ArpStat> stats = host.stats();
    private final RecordingIfnet link = new RecordingIfnet("rec0", 1, OUR_MAC, locks);
    private final ArpTable arp = new ArpTable(host, link, US, 24);

    @AfterEach
    void drain() { arp.drain(); }

    private Mbuf packet(int marker) {
        byte[] b = new byte[20];
        b[0] = (byte) marker;
        return alloc.fromBytes(b, 0, b.length, 16, Mbuf.M_WAIT);
    }

    private void input(int op, long sha, int spa, long tha, int tpa) {
        byte[] a = new byte[28];
        smpnet.stack.internal.wire.ArpPacket.write(java.lang.foreign.MemorySegment.ofArray(a), op, sha, spa, tha, tpa);
        arp.input(alloc.fromBytes(a, 0, a.length, Mbuf.M_WAIT));
    }

    @Test void holdRateLimitReplyAndExpiry() {
        assertTrue(arp.output(PEER, packet(1)));
        assertTrue(arp.output(PEER, packet(2)));
        assertTrue(arp.output(PEER, packet(3)));
        assertEquals(1, link.frames.size(), "one request; the next two are rate limited");
        assertEquals("ffffffffffff" + "020000000001" + "0806" + "0001080006040001" + "020000000001" + "0a000001"
                + "000000000000" + "0a000002" + "00".repeat(18), link.hex(0), "a broadcast request padded to 60 bytes");
        assertEquals(2, arp.held(PEER), "hold queue of 2: packet 1 was dropped for packet 3");
        input(2, PEER_MAC, PEER, OUR_MAC, US);
        assertEquals(PEER_MAC, arp.lookup(PEER));
        assertEquals(3, link.frames.size(), "the two held packets went out on the reply");
        assertEquals("020000000002" + "020000000001" + "0800" + "02", link.hex(1).substring(0, 30));
        assertEquals("03", link.hex(2).substring(28, 30));
        assertTrue(arp.output(PEER, packet(4)));
        assertEquals(4, link.frames.size(), "resolved: sent at once");
        clock.advance(11 * SECOND);
        assertEquals(-1, arp.lookup(PEER), "expired after 10 s");
        assertTrue(arp.output(PEER, packet(5)));
        assertEquals("0806", link.hex(4).substring(24, 28), "a new request");
        assertEquals("RECEIVED=1 REPLIES_RECEIVED=1 REQUESTS_SENT=2 FOR_US=1 HELD=4 HOLD_OVERFLOW=1 RATE_LIMITED=2 EXPIRED=1",
                stats.nonZero());
    }

    @Test void givesUpAfterMaxTries() {
        arp.output(PEER, packet(1));
        clock.advance(SECOND);
        arp.output(PEER, packet(2));
        clock.advance(SECOND);
        arp.output(PEER, packet(3));
        assertEquals(1, arp.held(PEER), "after 2 unanswered requests the held packets were dropped");
        assertEquals("REQUESTS_SENT=3 HELD=3 UNRESOLVED=2", stats.nonZero());
    }

    @Test void answersRequestsForUsOnlyAndLearnsTheAsker() {
        input(1, PEER_MAC, PEER, 0, US);
        assertEquals(1, link.frames.size());
        assertEquals("020000000002" + "020000000001" + "0806" + "0001080006040002" + "020000000001" + "0a000001"
                + "020000000002" + "0a000002", link.hex(0).substring(0, 84));
        assertEquals(PEER_MAC, arp.lookup(PEER), "RFC 826: the target learns the sender");
        input(1, 0x020000000003L, 0x0a000003, 0, 0x0a000009);
        assertEquals(1, link.frames.size(), "not for us: no reply");
        assertEquals(-1, arp.lookup(0x0a000003), "and no entry for a stranger");
        assertEquals("RECEIVED=2 REQUESTS_RECEIVED=2 REPLIES_SENT=1 NOT_FOR_US=1 FOR_US=1", stats.nonZero());
    }
}
