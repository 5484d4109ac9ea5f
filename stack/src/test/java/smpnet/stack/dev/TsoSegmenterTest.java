package smpnet.stack.dev;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import smpnet.stack.internal.wire.Checksum;
import smpnet.stack.internal.wire.Ipv4Header;
import smpnet.stack.internal.wire.TcpHeader;
import smpnet.stack.locks.LockMode;
import smpnet.stack.mbuf.Mbuf;
import smpnet.stack.mbuf.MbufAllocator;
import smpnet.stack.mbuf.MbufLeakExtension;
import smpnet.stack.mbuf.PacketHeader;
import smpnet.stack.net.IfAddress;
import smpnet.stack.net.IfCounters;
import smpnet.stack.net.MacAddress;
import smpnet.witness.junit.WitnessExtension;

/**
 * The NIC's half of TSO on hand-made TSO frames: the frames it puts on the link, byte for byte (headers
 * rewritten per frame, FIN and PSH on the last only, CWR on the first only, both checksums valid, payload
 * shared), its counters, and its refusal when it offers no TSO ({@link TxRingDescriptorsTest} has the ring's
 * accounting).
 */
@ExtendWith({WitnessExtension.class, MbufLeakExtension.class})
class TsoSegmenterTest {
    private static final int SEGSZ = 1448;
    private static final int SRC = IfAddress.parseIpv4("10.0.0.1");
    private static final int DST = IfAddress.parseIpv4("10.0.0.2");
    private static final int SEQ = 0xfffff000; // the frames' sequence numbers wrap
    private static final int ID = 0xfffe; // and so do their IP ids
    private static final int FLAGS = TcpHeader.ACK | TcpHeader.PSH | TcpHeader.FIN | TcpHeader.CWR;

    @Test
    void aTsoFrameLeavesAsMtuFramesWithTheirOwnHeadersAndTheSharedPayload() {
        TestHost h = new TestHost("a", 1, LockMode.FINE, NicConfig.of(1).withTso(true));
        List<Mbuf> out = collect(h);
        byte[] payload = payload(3 * SEGSZ + 1); // the last frame carries one byte
        h.nic.start();
        assertTrue(h.nic.transmit(tsoFrame(h, payload, 12)));
        h.nic.awaitTransmitted();
        h.nic.stop();

        assertEquals(4, out.size());
        for (int i = 0; i < out.size(); i++) {
            Mbuf f = out.get(i);
            int len = Math.min(SEGSZ, payload.length - i * SEGSZ);
            byte[] b = f.toBytes();
            int hdr = 14 + 20 + 32;
            assertEquals(Math.max(60, hdr + len), b.length, "frame " + i);
            assertEquals(20 + 32 + len, u16(b, 16), "IP total length");
            assertEquals((ID + i) & 0xffff, u16(b, 18), "IP id");
            assertEquals(0, Checksum.of(MemorySegment.ofArray(b), 14, 20), "IP checksum");
            assertEquals(SEQ + i * SEGSZ, u32(b, 38), "sequence number");
            int flags = b[47] & 0xff;
            int expected = TcpHeader.ACK | (i == 0 ? TcpHeader.CWR : 0) | (i == 3 ? TcpHeader.PSH | TcpHeader.FIN : 0);
            assertEquals(expected, flags, "flags of frame " + i);
            int sum = new Checksum().addPseudoHeader(SRC, DST, 6, 32 + len).add(MemorySegment.ofArray(b), 34, 32 + len)
                    .finish();
            assertEquals(0, sum, "TCP checksum of frame " + i);
            byte[] options = Arrays.copyOfRange(b, 54, 66);
            assertArrayEquals(timestampOption(), options, "options copied to every frame");
            assertArrayEquals(Arrays.copyOfRange(payload, i * SEGSZ, i * SEGSZ + len), Arrays.copyOfRange(b, hdr, hdr + len));
            f.freeChain();
        }
        assertEquals(1, h.nic.tsoPackets());
        assertEquals(4, h.nic.tsoFrames());
        assertEquals(0, h.nic.tsoPayloadBytesCopied());
        IfCounters c = h.nic.counters();
        assertEquals(4, c.outPackets());
        assertEquals(3L * (66 + SEGSZ) + 67, c.outBytes());
    }

    @Test
    void payloadInAPlainMbufIsCopiedAndCounted() {
        TestHost h = new TestHost("a", 1, LockMode.FINE, NicConfig.of(1).withTso(true));
        List<Mbuf> out = collect(h);
        h.nic.start();
        // fromBytes puts a frame of two clusters and 100 bytes in clusters, then a plain mbuf for the 100
        int payloadLen = 2 * Mbuf.MCLBYTES + 100 - 66;
        assertTrue(h.nic.transmit(tsoFrame(h, payload(payloadLen), 12)));
        h.nic.awaitTransmitted();
        h.nic.stop();
        assertEquals(3, out.size());
        assertEquals(100, h.nic.tsoPayloadBytesCopied());
        out.forEach(Mbuf::freeChain);
    }

    @Test
    void aShortLastFrameIsPaddedToTheEthernetMinimum() {
        TestHost h = new TestHost("a", 1, LockMode.FINE, NicConfig.of(1).withTso(true));
        List<Mbuf> out = collect(h);
        h.nic.start();
        assertTrue(h.nic.transmit(tsoFrame(h, payload(SEGSZ + 2), 0)));
        h.nic.awaitTransmitted();
        h.nic.stop();
        assertEquals(2, out.size());
        byte[] last = out.get(1).toBytes();
        assertEquals(60, last.length);
        assertEquals(20 + 20 + 2, u16(last, 16), "IP total length leaves the padding out");
        assertArrayEquals(new byte[4], Arrays.copyOfRange(last, 56, 60));
        out.forEach(Mbuf::freeChain);
    }

    @Test
    void aNicWithoutTsoRefusesATsoFrame() {
        TestHost h = new TestHost("a", 1, LockMode.FINE, NicConfig.of(1));
        assertEquals(0, h.nic.tsoMax());
        List<Mbuf> out = collect(h);
        h.nic.start();
        assertFalse(h.nic.transmit(tsoFrame(h, payload(5000), 0)));
        h.nic.stop();
        assertEquals(List.of(), out);
        assertEquals(1, h.nic.counters().outErrors());
        assertEquals(0, h.nic.tsoPackets());
    }

    @Test
    void framesTheWirePausesPartWayWaitAtTheRingsHeadAndFollowInOrder() {
        TestHost a = new TestHost("a", 1, LockMode.FINE, NicConfig.of(1).withTso(true));
        TestHost b = new TestHost("b", 2, LockMode.FINE, NicConfig.of(1).withRingSize(2));
        List<Integer> ids = Collections.synchronizedList(new ArrayList<>());
        b.handler = m -> {
            ids.add(m.getU16(4));
            m.freeChain();
        };
        Wire wire = Wire.connect(a.nic, b.nic);
        a.nic.start(); // b's ithread not yet: its 2-slot ring takes two frames, then the wire pauses
        assertTrue(a.nic.transmit(tsoFrame(a, payload(4 * SEGSZ), 12)), "the rest waits on a's ring");
        assertEquals(2, a.nic.directTransmits(0), "two frames went from the sender itself");
        b.nic.start();
        a.nic.awaitTransmitted();
        b.nic.awaitReceived();
        a.nic.stop();
        b.nic.stop();
        assertEquals(List.of(ID, (ID + 1) & 0xffff, (ID + 2) & 0xffff, (ID + 3) & 0xffff), ids);
        assertTrue(wire.pauses() >= 1, "pauses " + wire.pauses());
        assertEquals(4, wire.carriedAtoB());
        assertEquals(4, a.nic.counters().outPackets());
    }

    /** Attaches a link to {@code h}'s NIC that keeps every frame it gets. */
    static List<Mbuf> collect(TestHost h) {
        List<Mbuf> out = Collections.synchronizedList(new ArrayList<>());
        h.nic.attachLink(out::add);
        return out;
    }

    /** One TSO frame from 10.0.0.1 to 10.0.0.2 with {@code optlen} bytes of TCP options and {@code payload}. */
    static Mbuf tsoFrame(TestHost h, byte[] payload, int optlen) {
        return frame(h.alloc, h.nic.mac(), payload, optlen, SEGSZ);
    }

    /**
     * A TCP frame from 10.0.0.1 to 10.0.0.2 (to the broadcast MAC from {@code mac}, sequence number {@link #SEQ}, IP id
     * {@link #ID}) with {@code optlen} bytes of TCP options and {@code payload}; with {@code segsz > 0} marked
     * for TSO with that segment size.
     */
    static Mbuf frame(MbufAllocator alloc, MacAddress mac, byte[] payload, int optlen, int segsz) {
        int tcpLen = TcpHeader.MIN_LENGTH + optlen;
        byte[] f = new byte[14 + 20 + tcpLen + payload.length];
        MacAddress.BROADCAST.write(f, 0);
        mac.write(f, 6);
        f[12] = 0x08;
        Ipv4Header.write(MemorySegment.ofArray(f).asSlice(14), 0, 20 + tcpLen + payload.length, ID,
                Ipv4Header.FLAG_DF, 64, Ipv4Header.PROTO_TCP, SRC, DST);
        int t = 34;
        put16(f, t, 40000);
        put16(f, t + 2, 80);
        put16(f, t + 4, SEQ >>> 16);
        put16(f, t + 6, SEQ);
        f[t + 12] = (byte) ((tcpLen / 4) << 4);
        f[t + 13] = (byte) FLAGS;
        put16(f, t + 14, 1000);
        if (optlen > 0) System.arraycopy(timestampOption(), 0, f, t + 20, optlen);
        System.arraycopy(payload, 0, f, t + tcpLen, payload.length);
        Mbuf m = alloc.fromBytes(f, 0, f.length, Mbuf.M_WAIT);
        if (segsz > 0) m.pkthdr().setCsumFlags(PacketHeader.CSUM_TSO | PacketHeader.CSUM_TCP).setTsoSegsz(segsz);
        return m;
    }

    private static byte[] timestampOption() { return new byte[] {1, 1, 8, 10, 0, 0, 0, 7, 0, 0, 0, 9}; }

    static byte[] payload(int n) {
        byte[] p = new byte[n];
        for (int i = 0; i < n; i++) p[i] = (byte) (i * 31 + 7);
        return p;
    }

    private static void put16(byte[] b, int at, int v) {
        b[at] = (byte) (v >>> 8);
        b[at + 1] = (byte) v;
    }

    private static int u16(byte[] b, int at) { return (b[at] & 0xff) << 8 | (b[at + 1] & 0xff); }

    private static int u32(byte[] b, int at) { return u16(b, at) << 16 | u16(b, at + 2); }
}
