package smpnet.stack.internal.wire;

import java.lang.foreign.MemorySegment;

/**
 * The IPv4 option walk (RFC 791 3.1, "Options"): every option but End-of-List and No-Operation is
 * type, length, data, and a length below 2 or past the header end is malformed. smpnet acts on no option;
 * it checks them so a malformed one is a counted drop, and refuses source routes (loose 131, strict 137),
 * which let a sender steer replies through hosts of its choosing (RFC 1122 3.3.5 leaves them to policy).
 */
final class Ipv4Options {
    private static final int EOL = 0;
    private static final int NOP = 1;
    private static final int RR = 7;
    private static final int TS = 68;
    private static final int LSRR = 131;
    private static final int SSRR = 137;

    private Ipv4Options() {}

    /** Walks the options in {@code [from, to)}; throws on the first bad one. */
    static void check(MemorySegment s, int from, int to) throws MalformedPacketException {
        int i = from;
        while (i < to) {
            int type = Bytes.u8(s, i);
            if (type == EOL) return;
            if (type == NOP) {
                i++;
                continue;
            }
            if (i + 1 >= to) throw Malformed.BAD_OPTION.exception();
            int len = Bytes.u8(s, i + 1);
            if (len < 2 || i + len > to) throw Malformed.BAD_OPTION.exception();
            if (type == LSRR || type == SSRR) throw Malformed.SOURCE_ROUTE.exception();
            if (badPointer(s, i, type, len)) throw Malformed.BAD_OPTION_POINTER.exception();
            i += len;
        }
    }

    /**
     * True if option {@code type} at {@code i} keeps a pointer (its third byte) that points into its own
     * type, length or pointer bytes: RFC 791 puts record route's first slot at 4, the timestamp's at 5.
     */
    private static boolean badPointer(MemorySegment s, int i, int type, int len) throws MalformedPacketException {
        if (type != RR && type != TS) return false;
        if (len < 3) throw Malformed.BAD_OPTION.exception();
        return Bytes.u8(s, i + 2) < (type == RR ? 4 : 5);
    }

    /** The offset in the header of the first bad option pointer (for ICMP parameter problem), or -1. */
    static int badPointerOffset(MemorySegment s, int from, int to) {
        for (int i = from; i + 2 < to; ) {
            int type = Bytes.u8(s, i);
            if (type == EOL) return -1;
            if (type == NOP) {
                i++;
                continue;
            }
            int len = Bytes.u8(s, i + 1);
            if (len < 2) return -1;
            if ((type == RR || type == TS) && len >= 3 && Bytes.u8(s, i + 2) < (type == RR ? 4 : 5)) return i + 2;
            i += len;
        }
        return -1;
    }
}
