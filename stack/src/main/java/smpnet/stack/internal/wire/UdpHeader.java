package smpnet.stack.internal.wire;

import java.lang.foreign.MemorySegment;

/**
 * A UDP header view (RFC 768). The constructor checks the length field against the bytes present; the
 * checksum needs the pseudo-header, so {@link #checksumValid} takes the IP addresses.
 *
 * <pre>
 *  0       2       4       6       8
 *  | sport | dport | length| cksum | payload ...
 * </pre>
 */
public final class UdpHeader {
    public static final int LENGTH = 8;

    private final MemorySegment s;

    /** Views the datagram {@code s} (header and payload, as delimited by the IP total length). */
    public UdpHeader(MemorySegment s) throws MalformedPacketException { this(s, s.byteSize()); }

    /**
     * Views the header at the start of {@code s} in a datagram of which IP delivered {@code available}
     * bytes (the payload may continue in other buffers).
     */
    public UdpHeader(MemorySegment s, long available) throws MalformedPacketException {
        if (s.byteSize() < LENGTH || available < LENGTH) throw Malformed.TRUNCATED.exception();
        int len = Bytes.u16(s, 4);
        if (len < LENGTH) throw Malformed.BAD_LENGTH.exception();
        if (len > available) throw Malformed.TRUNCATED.exception();
        this.s = s;
    }

    public int sourcePort() { return Bytes.u16(s, 0); }

    public int destinationPort() { return Bytes.u16(s, 2); }

    public int length() { return Bytes.u16(s, 4); }

    public int checksum() { return Bytes.u16(s, 6); }

    /**
     * Writes the header at the start of {@code s} with a zero checksum; the caller sums pseudo-header,
     * header and payload and calls {@link #setChecksum}.
     */
    public static void write(MemorySegment s, int sport, int dport, int length) {
        Bytes.put16(s, 0, sport);
        Bytes.put16(s, 2, dport);
        Bytes.put16(s, 4, length);
        Bytes.put16(s, 6, 0);
    }

    /** Stores a computed checksum; a computed 0 is sent as 0xffff, since 0 means "none" (RFC 768). */
    public static void setChecksum(MemorySegment s, int computed) { Bytes.put16(s, 6, computed == 0 ? 0xffff : computed); }
}
