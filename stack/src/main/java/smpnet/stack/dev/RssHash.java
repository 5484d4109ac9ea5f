package smpnet.stack.dev;

import smpnet.stack.mbuf.Mbuf;

/**
 * Receive-side scaling as NICs compute it: a Toeplitz hash of a flow's addresses (and ports, for TCP and
 * UDP) under a 40-byte secret key, and an indirection table from the hash's low 7 bits to an RX queue.
 *
 * <p>The Toeplitz hash XORs, for every set bit i of the input (most significant bit of the first byte
 * first), the 32-bit window of the key that starts at key bit i.
 */
public final class RssHash {
    /** The key Microsoft's RSS verification suite uses (and many drivers default to). */
    public static final byte[] MICROSOFT_KEY = hex(
            "6d5a56da255b0ec24167253d43a38fb0d0ca2bcbae7b30b477cb2da38030f20c6a42b73bbeac01fa");

    /** Indirection table size of common NICs (128 entries, indexed by the hash's low 7 bits). */
    public static final int INDIRECTION_ENTRIES = 128;

    /** Input bytes a flow's hash reads at most: an IPv4 4-tuple. */
    private static final int TUPLE_BYTES = 12;

    private final byte[] key;
    private final int[] indirection;
    /**
     * The hash's contribution of input byte i with value b, at {@code [i * 256 + b]}, for the first
     * {@link #TUPLE_BYTES} bytes: the XOR of the key windows of b's set bits. A tuple's hash is then the XOR
     * of one entry per byte, 12 reads where the bit loop takes 96 steps (DPDK's and drivers' table Toeplitz).
     */
    private final int[] byByte;

    /** An RSS unit spreading flows over {@code queues} queues with {@code key} (at least 12 bytes). */
    public RssHash(byte[] key, int queues) {
        if (key.length < 12) throw new IllegalArgumentException("RSS key needs 12+ bytes for a 4-tuple");
        if (queues < 1) throw new IllegalArgumentException("queues must be >= 1");
        this.key = key.clone();
        this.indirection = new int[INDIRECTION_ENTRIES];
        for (int i = 0; i < indirection.length; i++) indirection[i] = i % queues;
        this.byByte = new int[TUPLE_BYTES * 256];
        for (int i = 0; i < TUPLE_BYTES; i++) {
            for (int b = 0; b < 256; b++) {
                int r = 0;
                for (int bit = 0; bit < 8; bit++) {
                    if ((b & (0x80 >>> bit)) != 0) r ^= window(i * 8 + bit);
                }
                byByte[i * 256 + b] = r;
            }
        }
    }

    /**
     * The 32 bits of the key that start at its bit {@code k} (bit 0: the most significant of its first byte);
     * bits past a short key's end read as 0.
     */
    private int window(int k) {
        long v = 0;
        for (int j = 0; j < 5; j++) v = (v << 8) | (k / 8 + j < key.length ? key[k / 8 + j] & 0xff : 0);
        return (int) (v >>> (8 - (k & 7)));
    }

    /** The Toeplitz hash of {@code len} bytes of {@code input} from {@code off}. */
    public int toeplitz(byte[] input, int off, int len) {
        if (len + 4 > key.length) throw new IllegalArgumentException("input longer than key allows: " + len);
        long state = start();
        for (int i = 0; i < len; i++) state = shiftIn(state, input[off + i] & 0xff, i);
        return (int) (state >>> 32);
    }

    /** The hash's state before its first byte: the result (high half) 0, the window (low half) the key's first 4 bytes. */
    private long start() {
        return (((key[0] & 0xff) << 24) | ((key[1] & 0xff) << 16) | ((key[2] & 0xff) << 8) | (key[3] & 0xff)) & 0xffffffffL;
    }

    /** Input byte number {@code i}, {@code b}, shifted into the hash's {@code state} (result and window). */
    private long shiftIn(long state, int b, int i) {
        int result = (int) (state >>> 32), window = (int) state;
        int next = key[i + 4] & 0xff;
        for (int bit = 7; bit >= 0; bit--) {
            if ((b & (1 << bit)) != 0) result ^= window;
            window = (window << 1) | ((next >>> bit) & 1);
        }
        return ((long) result << 32) | (window & 0xffffffffL);
    }

    /**
     * The hash of the big-endian bytes of {@code words}' first {@code len} bytes (8 or 12; no array: it runs
     * per packet), by the per-byte table: the same value as {@link #toeplitz} of those bytes.
     */
    private int toeplitzWords(int len, int w0, int w1, int w2) {
        int r = word(0, w0) ^ word(4, w1);
        return len > 8 ? r ^ word(8, w2) : r;
    }

    /** The contribution of input bytes {@code i..i+3}, the big-endian bytes of {@code w}. */
    private int word(int i, int w) {
        int at = i * 256;
        return byByte[at + (w >>> 24)] ^ byByte[at + 256 + ((w >>> 16) & 0xff)] ^ byByte[at + 512 + ((w >>> 8) & 0xff)]
                ^ byByte[at + 768 + (w & 0xff)];
    }

    /** The hash of an IPv4 2-tuple (source, destination address), as for non-TCP/UDP packets. */
    public int hashIpv4(int src, int dst) { return toeplitzWords(8, src, dst, 0); }

    /** The hash of an IPv4 4-tuple (source, destination address, source, destination port). */
    public int hashIpv4(int src, int dst, int srcPort, int dstPort) {
        return toeplitzWords(12, src, dst, ((srcPort & 0xffff) << 16) | (dstPort & 0xffff));
    }

    /**
     * The hash of an Ethernet frame's first bytes: the 4-tuple for unfragmented IPv4 TCP/UDP, the 2-tuple
     * for other IPv4, and 0 for anything else (non-IPv4 or too short), which then lands on queue 0.
     */
    public int hashFrame(byte[] frame, int len) { return hashFrame(frame, null, len); }

    /** As {@link #hashFrame(byte[], int)}, read in place from {@code m}, whose first mbuf holds the {@code len} bytes. */
    int hashFrame(Mbuf m, int len) { return hashFrame(null, m, len); }

    /** The frame's bytes are {@code frame}'s, or else {@code m}'s. */
    private static int u8(byte[] frame, Mbuf m, int i) { return frame != null ? frame[i] & 0xff : m.getU8(i); }

    private static int u16(byte[] frame, Mbuf m, int i) { return (u8(frame, m, i) << 8) | u8(frame, m, i + 1); }

    private static int u32(byte[] frame, Mbuf m, int i) { return (u16(frame, m, i) << 16) | u16(frame, m, i + 2); }

    private int hashFrame(byte[] frame, Mbuf m, int len) {
        if (len < 14 + 20 || u8(frame, m, 12) != 0x08 || u8(frame, m, 13) != 0x00) return 0;
        int v = u8(frame, m, 14);
        int ihl = (v & 0x0f) * 4;
        if ((v & 0xf0) != 0x40 || ihl < 20 || len < 14 + ihl) return 0;
        int src = u32(frame, m, 14 + 12);
        int dst = u32(frame, m, 14 + 16);
        int proto = u8(frame, m, 14 + 9);
        boolean fragment = ((u8(frame, m, 14 + 6) & 0x3f) | u8(frame, m, 14 + 7)) != 0;
        int l4 = 14 + ihl;
        if ((proto == 6 || proto == 17) && !fragment && len >= l4 + 4) {
            return hashIpv4(src, dst, u16(frame, m, l4), u16(frame, m, l4 + 2));
        }
        return hashIpv4(src, dst);
    }

    /** The RX queue the indirection table assigns to {@code hash}. */
    public int queueOf(int hash) { return indirection[hash & (INDIRECTION_ENTRIES - 1)]; }

    static byte[] hex(String s) {
        byte[] b = new byte[s.length() / 2];
        for (int i = 0; i < b.length; i++) b[i] = (byte) Integer.parseInt(s.substring(2 * i, 2 * i + 2), 16);
        return b;
    }

    static void putInt(byte[] b, int off, int v) {
        b[off] = (byte) (v >>> 24);
        b[off + 1] = (byte) (v >>> 16);
        b[off + 2] = (byte) (v >>> 8);
        b[off + 3] = (byte) v;
    }
}
