package smpnet.stack.internal.tcp;

import smpnet.stack.internal.mbuf.Zone;

/**
 * The zones a host's stream buffers take their rings from (as a FreeBSD sockbuf's mbufs and clusters come
 * from UMA's zones): one zone per ring size from {@link StreamBuffer#MIN_RING} up to {@link #MAX_ZONED}, each
 * twice the one before. A bulk receiver's buffer empties at every read and fills again, its ring growing
 * through these sizes each time: from zones, the rings are neither new garbage nor zeroed anew at every read
 * (that was about 4% of a bulk transfer's CPU). Larger rings are allocated and left to the collector.
 *
 * <p>Each zone's per-CPU caches and reserve are bounded ({@link Zone}), their buckets getting smaller as the
 * rings get larger (one ring from 64 KB up), and a zone makes a ring only when all it has are in use: one
 * bulk connection's buffers leave at most one ring of each size behind.
 *
 * <p>Locking key: none of its own; each zone has its locks, taken one at a time.
 */
public final class RingZones {
    /** The largest ring a zone holds: as large as a buffer grows by default (net.inet.tcp.recvbuf_max). */
    public static final int MAX_ZONED = 2 * 1024 * 1024;
    /** Rings moved between a CPU's cache and the smallest zone's pool at once (fewer for the larger sizes). */
    private static final int SMALLEST_BUCKET = 32;

    private final Zone<byte[]>[] zones;

    /** Zones with {@code cpus} CPU caches each; their limit is the heap's. */
    public static RingZones of(int cpus) {
        int n = Integer.numberOfTrailingZeros(MAX_ZONED / StreamBuffer.MIN_RING) + 1;
        @SuppressWarnings("unchecked") Zone<byte[]>[] z = (Zone<byte[]>[]) new Zone<?>[n];
        for (int k = 0; k < n; k++) {
            int size = StreamBuffer.MIN_RING << k;
            z[k] = new Zone<>(k == 0 ? "sockbuf rings" : "sockbuf rings " + size / 1024 + "k", cpus, Integer.MAX_VALUE,
                    Math.max(1, SMALLEST_BUCKET >> k), 0, i -> new byte[size]);
        }
        return new RingZones(z);
    }

    /** Only the smallest rings zoned, from {@code smallest}; larger ones allocated. */
    public static RingZones smallestOnly(Zone<byte[]> smallest) {
        @SuppressWarnings("unchecked") Zone<byte[]>[] z = (Zone<byte[]>[]) new Zone<?>[] {smallest};
        return new RingZones(z);
    }

    private RingZones(Zone<byte[]>[] zones) { this.zones = zones; }

    /** The zone of the smallest rings. */
    public Zone<byte[]> smallest() { return zones[0]; }

    /** A ring of {@code size} bytes ({@link StreamBuffer#MIN_RING} times a power of two); its bytes are stale. */
    byte[] alloc(int size) {
        int k = indexOf(size);
        return k >= 0 ? zones[k].alloc(Zone.NOWAIT) : new byte[size];
    }

    /** Gives {@code ring} back to its zone (one of a size no zone holds goes to the collector). */
    void free(byte[] ring) {
        int k = indexOf(ring.length);
        if (k >= 0) zones[k].free(ring);
    }

    /** The zone of {@code size}-byte rings, or null if none holds them. */
    Zone<byte[]> zoneOf(int size) {
        int k = indexOf(size);
        return k >= 0 ? zones[k] : null;
    }

    private int indexOf(int size) {
        if (size < StreamBuffer.MIN_RING || Integer.bitCount(size) != 1) return -1;
        int k = Integer.numberOfTrailingZeros(size / StreamBuffer.MIN_RING);
        return k < zones.length ? k : -1;
    }
}
