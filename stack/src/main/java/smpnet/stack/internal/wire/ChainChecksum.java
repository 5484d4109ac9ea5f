package smpnet.stack.internal.wire;

import smpnet.stack.mbuf.Mbuf;

/** The Internet checksum over part of an mbuf chain: the piece-by-piece accumulation {@link Checksum} allows. */
public final class ChainChecksum {
    private ChainChecksum() {}

    /** Adds bytes {@code [off, off + len)} of the packet starting at {@code m} to {@code c}. */
    public static Checksum add(Checksum c, Mbuf m, int off, int len) {
        int skip = off;
        int left = len;
        for (Mbuf x = m; x != null && left > 0; x = x.next()) {
            int n = x.len();
            if (skip >= n) {
                skip -= n;
                continue;
            }
            int take = Math.min(n - skip, left);
            c.add(x.data(), skip, take);
            left -= take;
            skip = 0;
        }
        if (left > 0) throw new IllegalArgumentException("checksum range beyond the packet");
        return c;
    }

    /** The checksum of bytes {@code [off, off + len)} of the packet (0 if they carry a valid one). */
    public static int of(Mbuf m, int off, int len) { return add(new Checksum(), m, off, len).finish(); }

    /** The transport checksum with the IPv4 pseudo-header (RFC 768, RFC 9293 3.1). */
    public static int withPseudoHeader(Mbuf m, int off, int len, int src, int dst, int protocol) {
        return add(new Checksum().addPseudoHeader(src, dst, protocol, len), m, off, len).finish();
    }
}
