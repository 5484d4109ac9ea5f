package smpnet.stack.internal.tcp;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * TCP Fast Open's client cookie cache (FreeBSD's {@code tcp_fastopen_ccache}): per path {client address,
 * server address, server port}, the server's cookie and MSS, or the time the path was disabled. The paths
 * hash (SipHash keyed by a per-cache secret) into a power-of-two number of buckets; a bucket holds at most a
 * limit of entries, the most recently stored first, and a store into a full bucket pushes its oldest entry
 * out (FreeBSD reuses the bucket's last entry).
 *
 * <p>Locking: none. Each bucket is an immutable list that a store replaces by compare-and-set, retrying when
 * another store got there first, so no store is lost and a lookup sees a bucket as some store left it.
 */
final class FastOpenCookieCache {
    /** {@link Entry#disabledAt} of a path that is not disabled. */
    static final long NOT_DISABLED = Long.MIN_VALUE;

    /** One path's entry (struct tcp_fastopen_ccache_entry); an empty cookie: none known. */
    record Entry(int laddr, int faddr, int fport, int serverMss, byte[] cookie, long disabledAt) {
        boolean matches(int la, int fa, int fp) { return laddr == la && faddr == fa && fport == fp; }

        boolean disabled() { return disabledAt != NOT_DISABLED; }
    }

    private final AtomicReferenceArray<List<Entry>> buckets;
    private final int mask;
    private final long secret;

    /** {@code n} buckets, a power of two; {@code secret} keys the hash. */
    FastOpenCookieCache(int n, long secret) {
        if (n <= 0 || Integer.bitCount(n) != 1) throw new IllegalArgumentException("buckets " + n);
        buckets = new AtomicReferenceArray<>(n);
        for (int i = 0; i < n; i++) buckets.set(i, List.of());
        mask = n - 1;
        this.secret = secret;
    }

    private int bucketOf(int laddr, int faddr, int fport) {
        if (mask == 0) return 0; // one bucket: nothing to hash
        long h = SipHash.hash(secret, ~secret, (laddr & 0xffff_ffffL) | (long) faddr << 32, fport);
        return (int) h & mask;
    }

    /** The path's entry, or null. */
    Entry lookup(int laddr, int faddr, int fport) {
        for (Entry e : buckets.get(bucketOf(laddr, faddr, fport))) {
            if (e.matches(laddr, faddr, fport)) return e;
        }
        return null;
    }

    /** {@code e} becomes its path's entry, first in its bucket, which keeps at most {@code limit} entries. */
    void store(Entry e, int limit) {
        int b = bucketOf(e.laddr(), e.faddr(), e.fport());
        while (true) {
            List<Entry> old = buckets.get(b);
            List<Entry> n = new ArrayList<>(Math.min(old.size() + 1, limit));
            n.add(e);
            for (Entry x : old) {
                if (n.size() >= limit) break;
                if (!x.matches(e.laddr(), e.faddr(), e.fport())) n.add(x);
            }
            if (buckets.compareAndSet(b, old, List.copyOf(n))) return;
        }
    }

    /** Every bucket keeps its {@code limit} most recent entries (a lowered ccache_bucket_limit). */
    void trim(int limit) {
        for (int i = 0; i < buckets.length(); i++) {
            buckets.updateAndGet(i, l -> l.size() <= limit ? l : List.copyOf(l.subList(0, limit)));
        }
    }

    /** Every entry, bucket by bucket, the most recent first in each (a bucket as some store left it). */
    List<Entry> entries() {
        List<Entry> all = new ArrayList<>();
        for (int i = 0; i < buckets.length(); i++) all.addAll(buckets.get(i));
        return all;
    }

    /** Entries in all buckets. */
    int size() {
        int n = 0;
        for (int i = 0; i < buckets.length(); i++) n += buckets.get(i).size();
        return n;
    }
}
