package smpnet.stack.internal.wire;

import java.lang.foreign.MemorySegment;

/**
 * An ARP packet view for Ethernet and IPv4 (RFC 826): the only format smpnet speaks, so the constructor
 * refuses other hardware/protocol types or address lengths.
 *
 * <pre>
 *  0    2    4  5  6    8     14    18    24    28
 *  |htyp|ptyp|hl|pl| op | sha | spa | tha | tpa |
 * </pre>
 */
public final class ArpPacket {
    public static final int LENGTH = 28;
    public static final int OP_REQUEST = 1;
    public static final int OP_REPLY = 2;
    private static final int HTYPE_ETHERNET = 1;

    private final MemorySegment s;

    public ArpPacket(MemorySegment s) throws MalformedPacketException {
        if (s.byteSize() < LENGTH) throw Malformed.TRUNCATED.exception();
        if (Bytes.u16(s, 0) != HTYPE_ETHERNET || Bytes.u16(s, 2) != EthernetHeader.TYPE_IPV4
                || Bytes.u8(s, 4) != 6 || Bytes.u8(s, 5) != 4) {
            throw Malformed.UNSUPPORTED_FORMAT.exception();
        }
        this.s = s;
    }

    public int operation() { return Bytes.u16(s, 6); }

    public long senderMac() { return Bytes.u48(s, 8); }

    public int senderIp() { return Bytes.u32(s, 14); }

    public long targetMac() { return Bytes.u48(s, 18); }

    public int targetIp() { return Bytes.u32(s, 24); }

    /** Writes a complete ARP packet at the start of {@code s}. */
    public static void write(MemorySegment s, int op, long sha, int spa, long tha, int tpa) {
        Bytes.put16(s, 0, HTYPE_ETHERNET);
        Bytes.put16(s, 2, EthernetHeader.TYPE_IPV4);
        Bytes.put8(s, 4, 6);
        Bytes.put8(s, 5, 4);
        Bytes.put16(s, 6, op);
        Bytes.put48(s, 8, sha);
        Bytes.put32(s, 14, spa);
        Bytes.put48(s, 18, tha);
        Bytes.put32(s, 24, tpa);
    }
}
