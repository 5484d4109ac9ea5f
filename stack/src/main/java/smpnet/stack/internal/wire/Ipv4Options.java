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
            i += len;
        }
    }
}
