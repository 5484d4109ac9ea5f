package smpnet.stack.wire;

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
    public UdpHeader(MemorySegment s) throws MalformedPacketException {
        if (s.byteSize() < LENGTH) throw Malformed.TRUNCATED.exception();
        int len = Bytes.u16(s, 4);
        if (len < LENGTH) throw Malformed.BAD_LENGTH.exception();
        if (len > s.byteSize()) throw Malformed.TRUNCATED.exception();
        this.s = s;
    }

    public int sourcePort() { return Bytes.u16(s, 0); }

    public int destinationPort() { return Bytes.u16(s, 2); }

    public int length() { return Bytes.u16(s, 4); }

    public int checksum() { return Bytes.u16(s, 6); }

    /** RFC 768: a zero checksum means the sender computed none; otherwise the sum must verify. */
    public boolean checksumValid(int src, int dst) {
        if (checksum() == 0) return true;
        return new Checksum().addPseudoHeader(src, dst, Ipv4Header.PROTO_UDP, length())
                .add(s, 0, length()).finish() == 0;
    }

    /**
     * Writes the header at the start of {@code s} (header plus filled-in payload, exactly {@code s}'s
     * size) and its checksum; a computed 0 is sent as 0xffff (RFC 768).
     */
    public static void write(MemorySegment s, int sport, int dport, int src, int dst) {
        int len = (int) s.byteSize();
        Bytes.put16(s, 0, sport);
        Bytes.put16(s, 2, dport);
        Bytes.put16(s, 4, len);
        Bytes.put16(s, 6, 0);
        int c = new Checksum().addPseudoHeader(src, dst, Ipv4Header.PROTO_UDP, len).add(s, 0, len).finish();
        Bytes.put16(s, 6, c == 0 ? 0xffff : c);
    }
}
