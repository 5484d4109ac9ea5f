package smpnet.stack.fuzz;

/**
 * The edge-coverage map the instrumented stack writes (after AFL): every probe site has a random 16-bit
 * id; a probe bumps the counter of {@code id ^ (previous id >> 1)}, so the map counts transitions
 * between basic blocks, not only blocks. The fuzzer reads the map after each input, sorts each counter
 * into a bucket (1, 2, 3, 4-7, 8-15, 16-31, 32-127, 128+ hits) and keeps the input if any edge reached a
 * bucket never seen before.
 *
 * <p>Not thread-safe on purpose, as AFL's shared map: the stack's threads (an ithread, netisr workers)
 * write it racily, a lost increment costs a little precision, and the reader sees the writes through
 * the host's own synchronisation once the host is quiet.
 */
public final class EdgeCoverage {
    public static final int SIZE = 1 << 16;
    /** Counters of the input now running; cleared before each. */
    public static final byte[] MAP = new byte[SIZE];
    private static int previous;
    /** Off while a target tidies up between inputs: only the input's own processing counts. */
    private static boolean recording = true;

    private EdgeCoverage() {}

    /** The probe the loader inserts: one call per basic block entered. */
    public static void hit(int id) {
        if (!recording) return;
        int i = (id ^ previous) & (SIZE - 1);
        MAP[i]++;
        previous = id >>> 1;
    }

    static void reset() {
        java.util.Arrays.fill(MAP, (byte) 0);
        previous = 0;
        recording = true;
    }

    /** Stops counting until the next input (a target calls this before its own housekeeping). */
    public static void pause() { recording = false; }

    /** AFL's hit-count buckets, one bit each. */
    static int bucket(int hits) {
        if (hits == 0) return 0;
        if (hits <= 3) return 1 << (hits - 1);
        if (hits <= 7) return 8;
        if (hits <= 15) return 16;
        if (hits <= 31) return 32;
        if (hits <= 127) return 64;
        return 128;
    }

    /** Merges the current map's buckets into {@code seen}; returns how many new (edge, bucket) pairs it had. */
    static int mergeInto(byte[] seen) {
        int fresh = 0;
        for (int i = 0; i < SIZE; i++) {
            int m = MAP[i];
            if (m == 0) continue;
            int b = bucket(m & 0xff);
            if ((seen[i] & b) == 0) {
                seen[i] |= (byte) b;
                fresh++;
            }
        }
        return fresh;
    }

    /** Edges with any hit in {@code seen}. */
    static int edges(byte[] seen) {
        int n = 0;
        for (byte b : seen) if (b != 0) n++;
        return n;
    }
}
