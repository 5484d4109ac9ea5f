package smpnet.stack.dev;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import smpnet.stack.internal.net.TcpLro;
import smpnet.stack.internal.wire.Checksum;
import smpnet.stack.internal.wire.TcpHeader;
import smpnet.stack.locks.LockMode;
import smpnet.stack.mbuf.Mbuf;
import smpnet.stack.mbuf.MbufLeakExtension;
import smpnet.stack.mbuf.MbufTransfer;
import smpnet.stack.mbuf.PacketHeader;
import smpnet.witness.junit.WitnessExtension;

/**
 * {@link TcpLro#CSUM_SENDER_NIC}: frames a NIC's TSO cut and checksummed, carried by a {@link Wire} (by reference
 * or copied), are merged by the peer's LRO without their checksums being summed again; a frame from anywhere
 * else is checked whatever its header says, and the mark never goes up the stack.
 */
@ExtendWith({WitnessExtension.class, MbufLeakExtension.class})
class VouchedChecksumTest {
    private static final int SEGSZ = 1448;
    private static final int HDR = 14 + 20 + 32;

    /** One IP packet as the handler saw it: its bytes (Ethernet header stripped) and checksum flags. */
    private record Up(byte[] bytes, int csumFlags) {}

    private static List<Up> record(TestHost h) {
        List<Up> up = Collections.synchronizedList(new ArrayList<>());
        h.handler = m -> {
            up.add(new Up(m.toBytes(), m.pkthdr().csumFlags()));
            m.freeChain();
        };
        return up;
    }

    @ParameterizedTest
    @EnumSource(MbufTransfer.class)
    void framesTsoCutAndAWireCarriedAreMergedWithoutSummingThemAgain(MbufTransfer transfer) {
        TestHost a = new TestHost("a", 1, LockMode.FINE, NicConfig.of(1).withTso(true));
        TestHost b = new TestHost("b", 2, LockMode.FINE, NicConfig.of(1).withLro(true));
        List<Up> up = record(b);
        Wire.connect(a.nic, b.nic, transfer);
        byte[] payload = TsoSegmenterTest.payload(4 * SEGSZ);
        a.nic.start(); // b's ithread not yet: the four frames wait on its ring, to go up in one batch
        assertTrue(a.nic.transmit(data(a, b, payload, SEGSZ)));
        a.nic.awaitTransmitted();
        b.nic.start();
        b.nic.awaitReceived();
        a.nic.stop();
        b.nic.stop();

        assertEquals(4, a.nic.tsoFrames());
        assertEquals(new SimNic.LroCounters(4, 1, 3, 0), b.nic.lroCounters());
        assertEquals(4, b.nic.lroVouched());
        assertEquals(1, up.size());
        byte[] p = up.get(0).bytes();
        assertEquals(20 + 32 + payload.length, p.length);
        assertEquals(20 + 32 + payload.length, (p[2] & 0xff) << 8 | (p[3] & 0xff), "IP total length");
        assertEquals(0, Checksum.of(MemorySegment.ofArray(p), 0, 20), "the merged packet's IP header checksum");
        assertArrayEquals(payload, Arrays.copyOfRange(p, 52, p.length));
        int flags = up.get(0).csumFlags();
        assertEquals(PacketHeader.CSUM_IP_CHECKED | PacketHeader.CSUM_IP_VALID | PacketHeader.CSUM_DATA_VALID
                | PacketHeader.CSUM_PSEUDO_HDR, flags, "checked as LRO marks it, and no longer marked");
    }

    @Test
    void withLroOffTheMarkIsClearedBeforeTheStackSeesTheFrames() {
        TestHost a = new TestHost("a", 1, LockMode.FINE, NicConfig.of(1).withTso(true));
        TestHost b = new TestHost("b", 2, LockMode.FINE, NicConfig.of(1));
        List<Up> up = record(b);
        Wire.connect(a.nic, b.nic, MbufTransfer.HANDOFF);
        a.nic.start();
        b.nic.start();
        assertTrue(a.nic.transmit(data(a, b, TsoSegmenterTest.payload(3 * SEGSZ), SEGSZ)));
        a.nic.awaitTransmitted();
        b.nic.awaitReceived();
        a.nic.stop();
        b.nic.stop();
        assertEquals(3, up.size());
        for (Up u : up) assertEquals(0, u.csumFlags(), "nothing checked, nothing marked");
        assertEquals(0, b.nic.lroVouched());
    }

    /**
     * A marked frame that reaches the NIC by {@link SimNic#receive} (another link, a TAP device, a test) is
     * checked: a bad TCP checksum is counted and the frame goes up alone, unmarked; a good one is merged as
     * checked, not vouched. So is a marked frame the stack hands to {@link SimNic#transmit} and a wire carries.
     */
    @Test
    void aMarkedFrameFromAnywhereElseIsCheckedAsAnyOther() {
        TestHost a = new TestHost("a", 1, LockMode.FINE, NicConfig.of(1));
        TestHost b = new TestHost("b", 2, LockMode.FINE, NicConfig.of(1).withLro(true));
        List<Up> up = record(b);
        Wire.connect(a.nic, b.nic, MbufTransfer.HANDOFF);
        b.nic.start();
        assertTrue(b.nic.receive(marked(single(a, b, 100, true))));
        b.nic.awaitReceived();
        assertEquals(new SimNic.LroCounters(0, 0, 0, 1), b.nic.lroCounters());
        assertTrue(b.nic.receive(marked(single(a, b, 100, false))));
        b.nic.awaitReceived();
        assertEquals(new SimNic.LroCounters(1, 1, 0, 1), b.nic.lroCounters());
        a.nic.start();
        assertTrue(a.nic.transmit(marked(single(a, b, 100, true))));
        a.nic.awaitTransmitted();
        b.nic.awaitReceived();
        a.nic.stop();
        b.nic.stop();
        assertEquals(new SimNic.LroCounters(1, 1, 0, 2), b.nic.lroCounters());
        assertEquals(0, b.nic.lroVouched());
        assertEquals(3, up.size());
        assertEquals(0, up.get(0).csumFlags(), "a bad one goes up unchecked, for TCP to count");
        assertEquals(PacketHeader.CSUM_IP_CHECKED | PacketHeader.CSUM_IP_VALID | PacketHeader.CSUM_DATA_VALID
                | PacketHeader.CSUM_PSEUDO_HDR, up.get(1).csumFlags());
        assertEquals(0, up.get(2).csumFlags());
    }

    /** A TCP segment from a to b's MAC, ACK only, with the timestamp option; for TSO when {@code segsz > 0}. */
    private static Mbuf data(TestHost a, TestHost b, byte[] payload, int segsz) {
        Mbuf m = TsoSegmenterTest.frame(a.alloc, a.nic.mac(), payload, 12, segsz);
        byte[] mac = new byte[6];
        b.nic.mac().write(mac, 0);
        m.putBytes(0, mac, 0, 6);
        m.putU8(14 + 20 + 13, TcpHeader.ACK);
        return m;
    }

    /** One ordinary segment of {@code n} bytes with its TCP checksum computed, or off by one when {@code bad}. */
    private static Mbuf single(TestHost a, TestHost b, int n, boolean bad) {
        Mbuf m = data(a, b, TsoSegmenterTest.payload(n), 0);
        byte[] f = m.toBytes();
        m.freeChain();
        int tcpLen = f.length - 34;
        int sum = new Checksum().addPseudoHeader(0x0a000001, 0x0a000002, 6, tcpLen)
                .add(MemorySegment.ofArray(f), 34, tcpLen).finish();
        if (bad) sum ^= 1;
        f[34 + 16] = (byte) (sum >>> 8);
        f[34 + 17] = (byte) sum;
        return a.alloc.fromBytes(f, 0, f.length, Mbuf.M_WAIT);
    }

    private static Mbuf marked(Mbuf m) {
        m.pkthdr().setCsumFlags(TcpLro.CSUM_SENDER_NIC);
        return m;
    }
}
