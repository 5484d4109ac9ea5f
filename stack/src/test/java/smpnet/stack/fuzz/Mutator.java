package smpnet.stack.fuzz;

import java.util.List;
import java.util.SplittableRandom;

/**
 * Byte-level havoc mutations, as AFL's and libFuzzer's: bit flips, random and "interesting" bytes and
 * big-endian 16/32-bit words (network order, where the headers keep their lengths and offsets), small
 * arithmetic on them, block deletion, duplication and insertion, and splicing with another corpus
 * entry. Each call stacks 1, 2, 4 or 8 of them.
 */
final class Mutator {
    private static final int[] INTERESTING_8 = {0, 1, 0x7f, 0x80, 0xff, 4, 5, 8, 16, 20, 0x40, 0x45, 0x4f};
    private static final int[] INTERESTING_16 = {0, 1, 0x7fff, 0x8000, 0xffff, 20, 28, 64, 576, 1500, 65535 - 20,
            0x2000, 0x4000, 0x1fff, 0x0800, 0x0806};
    private static final int[] INTERESTING_32 = {0, -1, 0x0a000002, 0x0a000001, 0x0a0000ff, 0x0a000102, 0x7f000001,
            0xe0000001, 0xf0000001};
    private static final int MAX_LENGTH = 2048;

    private final SplittableRandom random;

    Mutator(long seed) { this.random = new SplittableRandom(seed); }

    byte[] mutate(byte[] in, List<byte[]> corpus) {
        byte[] b = in.length == 0 ? new byte[1] : in.clone();
        int n = 1 << random.nextInt(4);
        for (int k = 0; k < n; k++) b = once(b, corpus);
        return b.length > MAX_LENGTH ? java.util.Arrays.copyOf(b, MAX_LENGTH) : b;
    }

    private byte[] once(byte[] b, List<byte[]> corpus) {
        int at = random.nextInt(Math.max(1, b.length));
        switch (random.nextInt(12)) {
            case 0 -> b[at] ^= (byte) (1 << random.nextInt(8));
            case 1 -> b[at] = (byte) random.nextInt(256);
            case 2 -> b[at] = (byte) INTERESTING_8[random.nextInt(INTERESTING_8.length)];
            case 3 -> put16(b, at, INTERESTING_16[random.nextInt(INTERESTING_16.length)]);
            case 4 -> put32(b, at, INTERESTING_32[random.nextInt(INTERESTING_32.length)]);
            case 5 -> b[at] += (byte) (random.nextInt(35) - 17);
            case 6 -> put16(b, at, get16(b, at) + random.nextInt(35) - 17);
            case 7 -> { return delete(b, at, 1 + random.nextInt(Math.min(16, b.length))); }
            case 8 -> { return insert(b, at, randomBytes(1 + random.nextInt(16))); }
            case 9 -> { return insert(b, at, slice(b, random.nextInt(b.length), 1 + random.nextInt(32))); }
            case 10 -> {
                byte[] other = corpus.get(random.nextInt(corpus.size()));
                byte[] piece = slice(other, random.nextInt(Math.max(1, other.length)), 1 + random.nextInt(64));
                System.arraycopy(piece, 0, b, at, Math.min(piece.length, b.length - at));
            }
            default -> {
                byte[] other = corpus.get(random.nextInt(corpus.size()));
                int cut = random.nextInt(b.length + 1);
                int from = random.nextInt(other.length + 1);
                byte[] out = java.util.Arrays.copyOf(b, cut + other.length - from);
                System.arraycopy(other, from, out, cut, other.length - from);
                return out.length == 0 ? new byte[1] : out;
            }
        }
        return b;
    }

    private static void put16(byte[] b, int at, int v) {
        if (at + 1 >= b.length) return;
        b[at] = (byte) (v >>> 8);
        b[at + 1] = (byte) v;
    }

    private static int get16(byte[] b, int at) { return at + 1 < b.length ? (b[at] & 0xff) << 8 | (b[at + 1] & 0xff) : 0; }

    private static void put32(byte[] b, int at, int v) {
        put16(b, at, v >>> 16);
        put16(b, at + 2, v);
    }

    private static byte[] delete(byte[] b, int at, int n) {
        if (b.length <= 1) return b;
        n = Math.min(n, b.length - at);
        byte[] out = new byte[b.length - n];
        System.arraycopy(b, 0, out, 0, at);
        System.arraycopy(b, at + n, out, at, b.length - at - n);
        return out.length == 0 ? new byte[1] : out;
    }

    private static byte[] insert(byte[] b, int at, byte[] piece) {
        byte[] out = new byte[b.length + piece.length];
        System.arraycopy(b, 0, out, 0, at);
        System.arraycopy(piece, 0, out, at, piece.length);
        System.arraycopy(b, at, out, at + piece.length, b.length - at);
        return out;
    }

    private static byte[] slice(byte[] b, int from, int n) {
        return java.util.Arrays.copyOfRange(b, from, Math.min(b.length, from + n));
    }

    private byte[] randomBytes(int n) {
        byte[] r = new byte[n];
        for (int i = 0; i < n; i++) r[i] = (byte) random.nextInt(256);
        return r;
    }
}
