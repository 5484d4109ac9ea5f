package smpnet.stack.internal.wire;

import java.lang.foreign.MemorySegment;

/**
 * An Ethernet II header view (IEEE 802.3 with an EtherType, RFC 894): destination MAC, source MAC, type.
 *
 * <pre>
 *  0      6      12   14
 *  | dst  | src  |type| payload ...
 * </pre>
 * MAC addresses are carried as the low 48 bits of a long.
 */
public final class EthernetHeader {
    public static final int LENGTH = 14;
    public static final int TYPE_IPV4 = 0x0800;
    public static final int TYPE_ARP = 0x0806;
    public static final long BROADCAST = 0xffff_ffff_ffffL;

    private final MemorySegment s;

    /** Views the header at the start of {@code s}; throws if fewer than 14 bytes. */
    public EthernetHeader(MemorySegment s) throws MalformedPacketException {
        if (s.byteSize() < LENGTH) throw Malformed.TRUNCATED.exception();
        this.s = s;
    }

    public long destination() { return Bytes.u48(s, 0); }

    public long source() { return Bytes.u48(s, 6); }

    public int etherType() { return Bytes.u16(s, 12); }

    /** Writes a header at the start of {@code s} (which must hold 14 bytes). */
    public static void write(MemorySegment s, long dst, long src, int etherType) {
        Bytes.put48(s, 0, dst);
        Bytes.put48(s, 6, src);
        Bytes.put16(s, 12, etherType);
    }

    /** "02:00:00:00:00:01" for a MAC held in the low 48 bits. */
    public static String macToString(long mac) {
        StringBuilder b = new StringBuilder(17);
        for (int shift = 40; shift >= 0; shift -= 8) {
            if (shift != 40) b.append(':');
            b.append(String.format("%02x", (mac >>> shift) & 0xff));
        }
        return b.toString();
    }
}
