package smpnet.stack.internal.wire;

import java.lang.foreign.MemorySegment;
import smpnet.stack.mbuf.Mbuf;

/**
 * A TCP header view (RFC 9293 3.1). The constructor checks the fixed header and the data offset.
 */
public final class TcpHeader {
    /** The fixed header, without options. */
    public static final int MIN_LENGTH = 20;
    /** The largest header: data offset 15 words. */
    public static final int MAX_LENGTH = 60;

    public static final int FIN = 0x01;
    public static final int SYN = 0x02;
    public static final int RST = 0x04;
    public static final int PSH = 0x08;
    public static final int ACK = 0x10;
    public static final int URG = 0x20;
    public static final int ECE = 0x40;
    public static final int CWR = 0x80;

    private final MemorySegment s;

    public TcpHeader(MemorySegment s) throws MalformedPacketException { this(s, s.byteSize()); }

    public TcpHeader(MemorySegment s, long available) throws MalformedPacketException {
        throw new UnsupportedOperationException();
    }

    public int sourcePort() { return Bytes.u16(s, 0); }

    public int destinationPort() { return Bytes.u16(s, 2); }

    public int seq() { return Bytes.u32(s, 4); }

    public int ack() { return Bytes.u32(s, 8); }

    public int dataOffset() { return Bytes.u8(s, 12) >>> 4; }

    public int headerLength() { return dataOffset() * 4; }

    public int flags() { return Bytes.u8(s, 13); }

    public int window() { return Bytes.u16(s, 14); }

    public int checksum() { return Bytes.u16(s, 16); }

    public int urgentPointer() { return Bytes.u16(s, 18); }

    public MemorySegment options() { return s.asSlice(MIN_LENGTH, headerLength() - MIN_LENGTH); }

    public static int write(MemorySegment s, int sport, int dport, int seq, int ack, int flags, int window, byte[] opts) {
        throw new UnsupportedOperationException();
    }

    public static void setChecksum(MemorySegment s, int computed) { throw new UnsupportedOperationException(); }

    public static int computeChecksum(Mbuf m, int off, int len, int src, int dst) { throw new UnsupportedOperationException(); }

    public static boolean checksumValid(int src, int dst, Mbuf m, int off, int len) { throw new UnsupportedOperationException(); }

    public static boolean checksumValid(int src, int dst, MemorySegment segment) { throw new UnsupportedOperationException(); }

    public static String flagsToString(int flags) { throw new UnsupportedOperationException(); }
}
