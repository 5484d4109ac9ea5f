package smpnet.stack.internal.wire;

import java.lang.foreign.MemorySegment;
import smpnet.stack.mbuf.Mbuf;

/**
 * A TCP header view (RFC 9293 3.1). The constructor checks what FreeBSD's {@code tcp_input} checks before it
 * looks at a field: the fixed header is present ({@link Malformed#TRUNCATED}, counted as tcps_rcvshort) and
 * the data offset is at least 5 words and within the segment ({@link Malformed#BAD_OFFSET}, counted as
 * tcps_rcvbadoff). The checksum needs the pseudo-header, so {@link #checksumValid} takes the IP addresses;
 * the options are left to {@code TcpOptions}, which never refuses a segment.
 *
 * <pre>
 *  0       2       4               8               12  13  14      16      18      20
 *  | sport | dport |      seq      |      ack      |off|flg|  win  | cksum |  urp  | options ... | data
 *                                                  off: data offset in the high 4 bits, in 32-bit words
 * </pre>
 */
public final class TcpHeader {
    /** The fixed header, without options. */
    public static final int MIN_LENGTH = 20;
    /** The largest header: data offset 15 words, 40 bytes of options. */
    public static final int MAX_LENGTH = 60;
    /** The IP protocol number. */
    public static final int PROTO = 6;

    public static final int FIN = 0x01;
    public static final int SYN = 0x02;
    public static final int RST = 0x04;
    public static final int PSH = 0x08;
    public static final int ACK = 0x10;
    public static final int URG = 0x20;
    public static final int ECE = 0x40;
    public static final int CWR = 0x80;

    private static final String FLAG_LETTERS = "FSRP.UEW";

    private final MemorySegment s;

    /** Views the segment {@code s} (header, options and data, as delimited by the IP total length). */
    public TcpHeader(MemorySegment s) throws MalformedPacketException { this(s, s.byteSize()); }

    /**
     * Views the header at the start of {@code s} in a segment of which IP delivered {@code available} bytes
     * (the data may continue in other buffers; the header with its options must be in {@code s}, so the
     * caller pulls it up first, as FreeBSD's m_pullup of the data offset).
     */
    public TcpHeader(MemorySegment s, long available) throws MalformedPacketException {
        if (s.byteSize() < MIN_LENGTH || available < MIN_LENGTH) throw Malformed.TRUNCATED.exception();
        int hlen = (Bytes.u8(s, 12) >>> 4) * 4;
        if (hlen < MIN_LENGTH || hlen > available) throw Malformed.BAD_OFFSET.exception();
        if (hlen > s.byteSize()) throw Malformed.TRUNCATED.exception();
        this.s = s;
    }

    /**
     * The header length the data offset of the segment at the start of {@code s} announces, read before the
     * view is made: how much TCP input pulls up into the first mbuf (FreeBSD reads th_off, then m_pullup's
     * that much). {@code s} holds at least the fixed header; the value is not checked (the constructor does).
     */
    public static int peekHeaderLength(MemorySegment s) { return (Bytes.u8(s, 12) >>> 4) * 4; }

    public int sourcePort() { return Bytes.u16(s, 0); }

    public int destinationPort() { return Bytes.u16(s, 2); }

    /** The sequence number, its 32 bits in an int (compare through TcpSeq). */
    public int seq() { return Bytes.u32(s, 4); }

    public int ack() { return Bytes.u32(s, 8); }

    /** The data offset field: the header length in 32-bit words (5 to 15). */
    public int dataOffset() { return Bytes.u8(s, 12) >>> 4; }

    /** The header length in bytes, options included. */
    public int headerLength() { return dataOffset() * 4; }

    /** The eight flag bits ({@link #FIN} ... {@link #CWR}). */
    public int flags() { return Bytes.u8(s, 13); }

    public boolean has(int flag) { return (flags() & flag) != 0; }

    /** The window field as sent (not yet scaled). */
    public int window() { return Bytes.u16(s, 14); }

    public int checksum() { return Bytes.u16(s, 16); }

    public int urgentPointer() { return Bytes.u16(s, 18); }

    /** The option bytes (empty for a 20-byte header). */
    public MemorySegment options() { return s.asSlice(MIN_LENGTH, headerLength() - MIN_LENGTH); }

    /**
     * Writes a header at the start of {@code s} with a zero checksum and urgent pointer, followed by
     * {@code opts} (whose length must be a multiple of 4, at most 40: TcpOptions pads its layouts); returns
     * the header length. The caller sums pseudo-header, header and data and calls {@link #setChecksum}.
     */
    public static int write(MemorySegment s, int sport, int dport, int seq, int ack, int flags, int window, byte[] opts) {
        int olen = opts == null ? 0 : opts.length;
        if (olen % 4 != 0 || olen > MAX_LENGTH - MIN_LENGTH) {
            throw new IllegalArgumentException("TCP options of " + olen + " bytes (a multiple of 4, at most 40)");
        }
        int hlen = MIN_LENGTH + olen;
        Bytes.put16(s, 0, sport);
        Bytes.put16(s, 2, dport);
        Bytes.put32(s, 4, seq);
        Bytes.put32(s, 8, ack);
        Bytes.put8(s, 12, (hlen / 4) << 4);
        Bytes.put8(s, 13, flags);
        Bytes.put16(s, 14, window);
        Bytes.put16(s, 16, 0);
        Bytes.put16(s, 18, 0);
        if (olen > 0) MemorySegment.copy(MemorySegment.ofArray(opts), 0, s, MIN_LENGTH, olen);
        return hlen;
    }

    /** Stores a computed checksum (unlike UDP's, a TCP checksum of 0 is sent as 0: it is never optional). */
    public static void setChecksum(MemorySegment s, int computed) { Bytes.put16(s, 16, computed); }

    /**
     * The checksum of the segment at bytes {@code [off, off + len)} of the packet starting at {@code m},
     * with the IPv4 pseudo-header (RFC 9293 3.1): the value to store, when the checksum field holds 0, or
     * 0 when the segment carries a valid checksum.
     */
    public static int computeChecksum(Mbuf m, int off, int len, int src, int dst) {
        return ChainChecksum.withPseudoHeader(m, off, len, src, dst, PROTO);
    }

    /** True if the segment at {@code [off, off + len)} of the packet verifies with its pseudo-header. */
    public static boolean checksumValid(int src, int dst, Mbuf m, int off, int len) {
        return computeChecksum(m, off, len, src, dst) == 0;
    }

    /** True if the whole of {@code segment} (header and data) verifies with its pseudo-header. */
    public static boolean checksumValid(int src, int dst, MemorySegment segment) {
        int len = (int) segment.byteSize();
        return new Checksum().addPseudoHeader(src, dst, PROTO, len).add(segment, 0, len).finish() == 0;
    }

    /**
     * The flags as tcpdump and packetdrill print them: one letter each, in the order F S R P . U E W
     * ("S." is SYN+ACK), the empty string for none.
     */
    public static String flagsToString(int flags) {
        StringBuilder sb = new StringBuilder(8);
        for (int i = 0; i < 8; i++) if ((flags & (1 << i)) != 0) sb.append(FLAG_LETTERS.charAt(i));
        return sb.toString();
    }
}
