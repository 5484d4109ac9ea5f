package smpnet.stack.internal.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import smpnet.stack.mbuf.Mbuf;
import smpnet.stack.mbuf.MbufAllocator;

class TcpHeaderTest {
    private static final int SRC = 0x0a000001;
    private static final int DST = 0x0a000002;

    private static byte[] hex(String h) { return HexFormat.of().parseHex(h.replace(" ", "")); }

    private static Malformed reason(HeaderViewsTest.ThrowingView v) {
        return assertThrows(MalformedPacketException.class, v::make).reason();
    }

    /** A SYN from 10.0.0.1:40000 to 10.0.0.2:80, seq 0x01020304, FreeBSD's SYN options, and 3 data bytes. */
    private static MemorySegment syn() { return syn(3); }

    private static MemorySegment syn(int dataLen) {
        int total = 40 + dataLen;
        MemorySegment s = MemorySegment.ofArray(new byte[total]);
        byte[] opts = hex("020405b4 01030306 0402 080a 00000064 00000000");
        int hlen = TcpHeader.write(s, 40000, 80, 0x01020304, 0, TcpHeader.SYN, 65535, opts);
        assertEquals(40, hlen);
        for (int i = 40; i < total; i++) s.set(ValueLayout.JAVA_BYTE, i, (byte) (i * 31 + 'x'));
        TcpHeader.setChecksum(s, new Checksum().addPseudoHeader(SRC, DST, 6, total).add(s, 0, total).finish());
        return s;
    }

    @Test void writesAndReadsEveryField() throws Exception {
        MemorySegment s = syn();
        assertArrayEquals(hex("9c40 0050 01020304 00000000 a0 02 ffff"), s.asSlice(0, 16).toArray(ValueLayout.JAVA_BYTE));
        TcpHeader h = new TcpHeader(s);
        assertEquals(40000, h.sourcePort());
        assertEquals(80, h.destinationPort());
        assertEquals(0x01020304, h.seq());
        assertEquals(0, h.ack());
        assertEquals(10, h.dataOffset());
        assertEquals(40, h.headerLength());
        assertEquals(TcpHeader.SYN, h.flags());
        assertTrue(h.has(TcpHeader.SYN));
        assertFalse(h.has(TcpHeader.ACK));
        assertEquals(65535, h.window());
        assertEquals(0, h.urgentPointer());
        assertEquals(20, h.options().byteSize());
        assertEquals(2, h.options().get(ValueLayout.JAVA_BYTE, 0));
        assertTrue(TcpHeader.checksumValid(SRC, DST, s));
    }

    @Test void highSequenceNumbersAndPortsStayUnsignedBits() throws Exception {
        MemorySegment s = MemorySegment.ofArray(new byte[20]);
        TcpHeader.write(s, 65535, 65534, 0xfedcba98, 0x80000001, TcpHeader.ACK | TcpHeader.FIN, 0x8000, null);
        TcpHeader h = new TcpHeader(s);
        assertEquals(65535, h.sourcePort());
        assertEquals(65534, h.destinationPort());
        assertEquals(0xfedcba98, h.seq());
        assertEquals(0x80000001, h.ack());
        assertEquals(0x8000, h.window());
        assertEquals(0, h.options().byteSize());
    }

    @Test void checksumCatchesACorruptedByteAndWorksOnAChain() {
        MemorySegment s = syn(2961);
        byte[] bytes = s.toArray(ValueLayout.JAVA_BYTE);
        MbufAllocator alloc = MbufAllocator.create("tcp-cksum");
        // IP header room in front, and the segment split over several mbufs at odd lengths.
        byte[] withIp = new byte[20 + bytes.length];
        System.arraycopy(bytes, 0, withIp, 20, bytes.length);
        Mbuf m = alloc.fromBytes(withIp, 0, 31, Mbuf.M_WAIT);
        m.concat(alloc.fromBytes(withIp, 31, 1999, Mbuf.M_WAIT));
        m.concat(alloc.fromBytes(withIp, 2030, withIp.length - 2030, Mbuf.M_WAIT));
        assertTrue(m.next() != null && m.next().next() != null, "three mbufs");
        assertTrue(TcpHeader.checksumValid(SRC, DST, m, 20, bytes.length));
        assertFalse(TcpHeader.checksumValid(SRC, DST + 1, m, 20, bytes.length), "the pseudo-header counts");
        m.freeChain();
        bytes[41] ^= 0x10;
        assertFalse(TcpHeader.checksumValid(SRC, DST, MemorySegment.ofArray(bytes)));
        assertEquals(0, alloc.outstanding());
    }

    @Test void computedChecksumVerifies() throws Exception {
        MemorySegment s = syn();
        TcpHeader.setChecksum(s, 0);
        MbufAllocator alloc = MbufAllocator.create("tcp-cksum2");
        Mbuf m = alloc.fromBytes(s.toArray(ValueLayout.JAVA_BYTE), 0, 43, Mbuf.M_WAIT);
        int c = TcpHeader.computeChecksum(m, 0, 43, SRC, DST);
        TcpHeader.setChecksum(m.data(), c);
        assertTrue(TcpHeader.checksumValid(SRC, DST, m, 0, 43));
        assertEquals(new TcpHeader(syn()).checksum(), c, "the chain sum equals the contiguous one");
        m.freeChain();
        assertEquals(0, alloc.outstanding());
    }

    @Test void rejectsEachRule() {
        MemorySegment s = syn();
        assertEquals(Malformed.TRUNCATED, reason(() -> new TcpHeader(s.asSlice(0, 19))));
        assertEquals(Malformed.TRUNCATED, reason(() -> new TcpHeader(s, 19)));
        MemorySegment low = copy(s);
        low.set(ValueLayout.JAVA_BYTE, 12, (byte) 0x40);
        assertEquals(Malformed.BAD_OFFSET, reason(() -> new TcpHeader(low)));
        low.set(ValueLayout.JAVA_BYTE, 12, (byte) 0x00);
        assertEquals(Malformed.BAD_OFFSET, reason(() -> new TcpHeader(low)));
        // Offset 10 words (40 bytes) in a segment IP says has 39 bytes.
        assertEquals(Malformed.BAD_OFFSET, reason(() -> new TcpHeader(s, 39)));
        // Offset 15 words: 60 bytes, beyond the 43 of the segment.
        MemorySegment high = copy(s);
        high.set(ValueLayout.JAVA_BYTE, 12, (byte) 0xf0);
        assertEquals(Malformed.BAD_OFFSET, reason(() -> new TcpHeader(high)));
        // The segment is long enough, but the header with its options is not all in this buffer: the caller
        // pulls up as much as the data offset says, and the view then accepts it.
        assertEquals(Malformed.TRUNCATED, reason(() -> new TcpHeader(s.asSlice(0, 30), 43)));
        assertEquals(40, TcpHeader.peekHeaderLength(s.asSlice(0, 20)));
    }

    @Test void writeRefusesUnpaddedOptions() {
        MemorySegment s = MemorySegment.ofArray(new byte[80]);
        assertThrows(IllegalArgumentException.class, () -> TcpHeader.write(s, 1, 2, 3, 4, 0, 5, new byte[3]));
        assertThrows(IllegalArgumentException.class, () -> TcpHeader.write(s, 1, 2, 3, 4, 0, 5, new byte[44]));
    }

    @Test void flagsPrintAsPacketdrillDoes() {
        assertEquals("S", TcpHeader.flagsToString(TcpHeader.SYN));
        assertEquals("S.", TcpHeader.flagsToString(TcpHeader.SYN | TcpHeader.ACK));
        assertEquals("FP.", TcpHeader.flagsToString(TcpHeader.FIN | TcpHeader.PSH | TcpHeader.ACK));
        assertEquals("R.", TcpHeader.flagsToString(TcpHeader.RST | TcpHeader.ACK));
        assertEquals("SEW", TcpHeader.flagsToString(TcpHeader.SYN | TcpHeader.ECE | TcpHeader.CWR));
        assertEquals(".U", TcpHeader.flagsToString(TcpHeader.ACK | TcpHeader.URG));
        assertEquals("", TcpHeader.flagsToString(0));
    }

    private static MemorySegment copy(MemorySegment s) {
        return MemorySegment.ofArray(s.toArray(ValueLayout.JAVA_BYTE));
    }
}
