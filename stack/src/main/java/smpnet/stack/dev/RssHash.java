package smpnet.stack.dev;

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

    private final byte[] key;
    private final int[] indirection;

    /** An RSS unit spreading flows over {@code queues} queues with {@code key} (at least 12 bytes). */
    public RssHash(byte[] key, int queues) {
        if (key.length < 12) throw new IllegalArgumentException("RSS key needs 12+ bytes for a 4-tuple");
        if (queues < 1) throw new IllegalArgumentException("queues must be >= 1");
        this.key = key.clone();
        this.indirection = new int[INDIRECTION_ENTRIES];
        for (int i = 0; i < indirection.length; i++) indirection[i] = i % queues;
    }

    /** The Toeplitz hash of {@code len} bytes of {@code input} from {@code off}. */
    public int toeplitz(byte[] input, int off, int len) {
        if (len + 4 > key.length) throw new IllegalArgumentException("input longer than key allows: " + len);
        int result = 0;
        int window = ((key[0] & 0xff) << 24) | ((key[1] & 0xff) << 16) | ((key[2] & 0xff) << 8) | (key[3] & 0xff);
        for (int i = 0; i < len; i++) {
            int b = input[off + i] & 0xff;
            int next = key[i + 4] & 0xff;
            for (int bit = 7; bit >= 0; bit--) {
                if ((b & (1 << bit)) != 0) result ^= window;
                window = (window << 1) | ((next >>> bit) & 1);
            }
        }
        return result;
    }

    /** The hash of an IPv4 2-tuple (source, destination address), as for non-TCP/UDP packets. */
    public int hashIpv4(int src, int dst) {
        byte[] in = new byte[8];
        putInt(in, 0, src);
        putInt(in, 4, dst);
        return toeplitz(in, 0, 8);
    }

    /** The hash of an IPv4 4-tuple (source, destination address, source, destination port). */
    public int hashIpv4(int src, int dst, int srcPort, int dstPort) {
        byte[] in = new byte[12];
        putInt(in, 0, src);
        putInt(in, 4, dst);
        in[8] = (byte) (srcPort >>> 8);
        in[9] = (byte) srcPort;
        in[10] = (byte) (dstPort >>> 8);
        in[11] = (byte) dstPort;
        return toeplitz(in, 0, 12);
    }

    /**
     * The hash of an Ethernet frame's first bytes: the 4-tuple for unfragmented IPv4 TCP/UDP, the 2-tuple
     * for other IPv4, and 0 for anything else (non-IPv4 or too short), which then lands on queue 0.
     */
    public int hashFrame(byte[] frame, int len) {
        if (len < 14 + 20 || (frame[12] & 0xff) != 0x08 || frame[13] != 0x00) return 0;
        int ihl = (frame[14] & 0x0f) * 4;
        if ((frame[14] & 0xf0) != 0x40 || ihl < 20 || len < 14 + ihl) return 0;
        int src = getInt(frame, 14 + 12);
        int dst = getInt(frame, 14 + 16);
        int proto = frame[14 + 9] & 0xff;
        boolean fragment = ((frame[14 + 6] & 0x3f) | (frame[14 + 7] & 0xff)) != 0;
        int l4 = 14 + ihl;
        if ((proto == 6 || proto == 17) && !fragment && len >= l4 + 4) {
            return hashIpv4(src, dst, getShort(frame, l4), getShort(frame, l4 + 2));
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

    static int getInt(byte[] b, int off) {
        return ((b[off] & 0xff) << 24) | ((b[off + 1] & 0xff) << 16) | ((b[off + 2] & 0xff) << 8) | (b[off + 3] & 0xff);
    }

    static int getShort(byte[] b, int off) { return ((b[off] & 0xff) << 8) | (b[off + 1] & 0xff); }
}
