package smpnet.stack.internal.tcp;

/**
 * SipHash-2-4 (Aumasson and Bernstein, "SipHash: a fast short-input PRF", 2012): a keyed 64-bit hash for
 * short messages, the MAC of FreeBSD's ISNs and SYN cookies. The key is two longs, {@code k0} holding key
 * bytes 0-7 and {@code k1} bytes 8-15, little-endian, as the reference reads its 16-byte key; a message
 * given as longs is likewise read little-endian, eight bytes a word. Stateless and thread-safe.
 */
public final class SipHash {
    private SipHash() {}

    /** The hash of {@code len} bytes of {@code msg} from {@code off}. */
    public static long hash(long k0, long k1, byte[] msg, int off, int len) {
        State s = new State(k0, k1);
        int i = 0;
        for (; i + 8 <= len; i += 8) s.compress(le64(msg, off + i, 8));
        return s.finish(le64(msg, off + i, len - i), len);
    }

    /** The hash of the 16-byte message {@code m0 || m1}. */
    public static long hash(long k0, long k1, long m0, long m1) {
        State s = new State(k0, k1);
        s.compress(m0);
        s.compress(m1);
        return s.finish(0, 16);
    }

    /** The hash of the message {@code m0 || m1} and the low {@code tailLen} bytes (0 to 7) of {@code tail}. */
    public static long hash(long k0, long k1, long m0, long m1, long tail, int tailLen) {
        if (tailLen < 0 || tailLen > 7) throw new IllegalArgumentException("tail of " + tailLen + " bytes");
        State s = new State(k0, k1);
        s.compress(m0);
        s.compress(m1);
        return s.finish(tailLen == 0 ? 0 : tail & (-1L >>> (64 - 8 * tailLen)), 16 + tailLen);
    }

    private static long le64(byte[] b, int off, int n) {
        long v = 0;
        for (int i = n - 1; i >= 0; i--) v = v << 8 | (b[off + i] & 0xff);
        return v;
    }

    /** The four state words; one per hash, on the caller's stack after escape analysis. */
    private static final class State {
        private long v0;
        private long v1;
        private long v2;
        private long v3;

        State(long k0, long k1) {
            v0 = k0 ^ 0x736f6d6570736575L;
            v1 = k1 ^ 0x646f72616e646f6dL;
            v2 = k0 ^ 0x6c7967656e657261L;
            v3 = k1 ^ 0x7465646279746573L;
        }

        void compress(long m) {
            v3 ^= m;
            round();
            round();
            v0 ^= m;
        }

        /** The last block: the remaining bytes and the message length in the top byte, then 4 rounds. */
        long finish(long lastBytes, int totalLen) {
            compress(lastBytes | (long) totalLen << 56);
            v2 ^= 0xff;
            round();
            round();
            round();
            round();
            return v0 ^ v1 ^ v2 ^ v3;
        }

        private void round() {
            v0 += v1;
            v1 = Long.rotateLeft(v1, 13);
            v1 ^= v0;
            v0 = Long.rotateLeft(v0, 32);
            v2 += v3;
            v3 = Long.rotateLeft(v3, 16);
            v3 ^= v2;
            v0 += v3;
            v3 = Long.rotateLeft(v3, 21);
            v3 ^= v0;
            v2 += v1;
            v1 = Long.rotateLeft(v1, 17);
            v1 ^= v2;
            v2 = Long.rotateLeft(v2, 32);
        }
    }
}
