package smpnet.witness;

/**
 * An open-addressing set of non-zero longs, owned by one thread: the cache of chain keys that thread has
 * already validated. It grows without limit (witness has no fixed tables), doubling at half load.
 */
final class LongSet {
    private long[] slots = new long[64];
    private int size;

    boolean contains(long key) {
        long[] s = slots;
        int mask = s.length - 1;
        for (int i = spread(key) & mask; ; i = (i + 1) & mask) {
            long v = s[i];
            if (v == key) {
                return true;
            }
            if (v == 0) {
                return false;
            }
        }
    }

    void add(long key) {
        if (insert(slots, key)) {
            size++;
            if (size * 2 > slots.length) {
                grow();
            }
        }
    }

    int size() { return size; }

    void clear() {
        if (size > 0) {
            java.util.Arrays.fill(slots, 0);
            size = 0;
        }
    }

    private static boolean insert(long[] s, long key) {
        int mask = s.length - 1;
        for (int i = spread(key) & mask; ; i = (i + 1) & mask) {
            if (s[i] == key) {
                return false;
            }
            if (s[i] == 0) {
                s[i] = key;
                return true;
            }
        }
    }

    private void grow() {
        long[] bigger = new long[slots.length * 2];
        for (long v : slots) {
            if (v != 0) {
                insert(bigger, v);
            }
        }
        slots = bigger;
    }

    private static int spread(long key) {
        return (int) (key ^ (key >>> 32));
    }
}
