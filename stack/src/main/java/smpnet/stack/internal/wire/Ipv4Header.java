package smpnet.stack.internal.wire;

import java.lang.foreign.MemorySegment;

/**
 * An IPv4 header view (RFC 791 3.1) whose constructor performs the whole input validation of
 * RFC 1122 3.2.1: version, header length, total length against the bytes present, header checksum, and
 * the option walk of {@link Ipv4Options}. After construction the accessors are plain reads.
 *
 * <pre>
 *  0       4       8              16   19          24       32
 *  |ver|ihl|  tos  |        total length             |
 *  |      identification      |flg|  fragment offset  |
 *  |  ttl  | proto |        header checksum          |
 *  |                 source address                  |
 *  |              destination address                |
 *  |              options (ihl > 5) ...              |
 * </pre>
 */
public final class Ipv4Header {
    public static final int MIN_LENGTH = 20;
    public static final int PROTO_ICMP = 1;
    public static final int PROTO_TCP = 6;
    public static final int PROTO_UDP = 17;
    public static final int FLAG_DF = 0x4000;
    public static final int FLAG_MF = 0x2000;
    private static final int OFFSET_MASK = 0x1fff;

    private final MemorySegment s;

    /** Validates the header at the start of {@code s}, which holds the whole packet. */
    public Ipv4Header(MemorySegment s) throws MalformedPacketException { this(s, s.byteSize()); }

    /**
     * Validates the header at the start of {@code s} (which holds at least the header, or all it could)
     * in a packet of which the link layer delivered {@code have} bytes: more than the total length is
     * fine (Ethernet pads short frames to 60 bytes), fewer is truncation.
     */
    public Ipv4Header(MemorySegment s, long have) throws MalformedPacketException { this(s, have, false); }

    /**
     * As {@link #Ipv4Header(MemorySegment, long)}; with {@code checksumVerified} the header checksum is not
     * summed again: the receiving device already found it valid (FreeBSD's {@code CSUM_IP_CHECKED} with
     * {@code CSUM_IP_VALID}).
     */
    public Ipv4Header(MemorySegment s, long have, boolean checksumVerified) throws MalformedPacketException {
        if (have < MIN_LENGTH || s.byteSize() < MIN_LENGTH) throw Malformed.TRUNCATED.exception();
        int vihl = Bytes.u8(s, 0);
        if ((vihl >>> 4) != 4) throw Malformed.BAD_VERSION.exception();
        int hlen = (vihl & 0xf) * 4;
        if (hlen < MIN_LENGTH || hlen > have || hlen > s.byteSize()) throw Malformed.BAD_HEADER_LENGTH.exception();
        int total = Bytes.u16(s, 2);
        if (total < hlen) throw Malformed.BAD_LENGTH.exception();
        if (total > have) throw Malformed.TRUNCATED.exception();
        if (!checksumVerified && Checksum.of(s, 0, hlen) != 0) throw Malformed.BAD_CHECKSUM.exception();
        Ipv4Options.check(s, MIN_LENGTH, hlen);
        this.s = s;
    }

    /**
     * The offset of the option pointer that made a header fail with {@link Malformed#BAD_OPTION_POINTER},
     * for the pointer of an ICMP parameter problem (RFC 792); -1 if none.
     */
    public static int badOptionPointerOffset(MemorySegment s) {
        int hlen = (Bytes.u8(s, 0) & 0xf) * 4;
        return Ipv4Options.badPointerOffset(s, MIN_LENGTH, (int) Math.min(hlen, s.byteSize()));
    }

    public int headerLength() { return headerLength(Bytes.u8(s, 0)); }

    /**
     * The header length in bytes that the header's first byte ({@code versionAndIhl}) announces, before a
     * view can be made: input uses it to make the whole header contiguous, which validation needs.
     */
    public static int headerLength(int versionAndIhl) { return (versionAndIhl & 0xf) * 4; }

    public int tos() { return Bytes.u8(s, 1); }

    public int totalLength() { return Bytes.u16(s, 2); }

    public int identification() { return Bytes.u16(s, 4); }

    public boolean dontFragment() { return (Bytes.u16(s, 6) & FLAG_DF) != 0; }

    public boolean moreFragments() { return (Bytes.u16(s, 6) & FLAG_MF) != 0; }

    /** Fragment offset in bytes. */
    public int fragmentOffset() { return (Bytes.u16(s, 6) & OFFSET_MASK) * 8; }

    public boolean isFragment() { return (Bytes.u16(s, 6) & (FLAG_MF | OFFSET_MASK)) != 0; }

    public int ttl() { return Bytes.u8(s, 8); }

    public int protocol() { return Bytes.u8(s, 9); }

    public int source() { return Bytes.u32(s, 12); }

    public int destination() { return Bytes.u32(s, 16); }

    /**
     * Lowers the TTL by one and patches the checksum incrementally (RFC 1624 eqn. 3), as a router does
     * for every forwarded packet.
     */
    public void decrementTtl() {
        int oldWord = Bytes.u16(s, 8);
        int newWord = oldWord - 0x100;
        Bytes.put16(s, 8, newWord);
        int sum = (~Bytes.u16(s, 10) & 0xffff) + (~oldWord & 0xffff) + (newWord & 0xffff);
        sum = (sum & 0xffff) + (sum >>> 16);
        sum = (sum & 0xffff) + (sum >>> 16);
        Bytes.put16(s, 10, ~sum & 0xffff);
    }

    /**
     * Writes an option-less header at the start of {@code s} with its checksum. {@code flagsAndOffset} is
     * the raw 16-bit word (flags | offset in 8-byte units).
     */
    public static void write(MemorySegment s, int totalLength, int id, int flagsAndOffset, int ttl, int protocol,
                             int src, int dst) {
        write(s, 0, totalLength, id, flagsAndOffset, ttl, protocol, src, dst);
    }

    /** As above, with {@code tos} as the type-of-service byte (DSCP and the ECN field, RFC 3168 5). */
    public static void write(MemorySegment s, int tos, int totalLength, int id, int flagsAndOffset, int ttl,
                             int protocol, int src, int dst) {
        Bytes.put8(s, 0, 0x45);
        Bytes.put8(s, 1, tos);
        Bytes.put16(s, 2, totalLength);
        Bytes.put16(s, 4, id);
        Bytes.put16(s, 6, flagsAndOffset);
        Bytes.put8(s, 8, ttl);
        Bytes.put8(s, 9, protocol);
        Bytes.put16(s, 10, 0);
        Bytes.put32(s, 12, src);
        Bytes.put32(s, 16, dst);
        Bytes.put16(s, 10, Checksum.of(s, 0, MIN_LENGTH));
    }

    /** Rewrites total length and fragment word of a copied header and recomputes its checksum. */
    public static void rewriteForFragment(MemorySegment s, int totalLength, int flagsAndOffset) {
        int hlen = (Bytes.u8(s, 0) & 0xf) * 4;
        Bytes.put16(s, 2, totalLength);
        Bytes.put16(s, 6, flagsAndOffset);
        Bytes.put16(s, 10, 0);
        Bytes.put16(s, 10, Checksum.of(s, 0, hlen));
    }

    /** Dotted quad of an address held in an int. */
    public static String addressToString(int a) {
        return (a >>> 24) + "." + ((a >>> 16) & 0xff) + "." + ((a >>> 8) & 0xff) + "." + (a & 0xff);
    }

    /** Parses a dotted quad; throws IllegalArgumentException on anything else. */
    public static int parseAddress(String dotted) {
        String[] p = dotted.split("\\.", -1);
        if (p.length != 4) throw new IllegalArgumentException("not an IPv4 address: " + dotted);
        int a = 0;
        for (String part : p) {
            int v;
            try {
                v = part.chars().allMatch(Character::isDigit) ? Integer.parseInt(part) : -1;
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("not an IPv4 address: " + dotted, e);
            }
            if (v < 0 || v > 255 || part.isEmpty() || part.length() > 3) {
                throw new IllegalArgumentException("not an IPv4 address: " + dotted);
            }
            a = (a << 8) | v;
        }
        return a;
    }
}
