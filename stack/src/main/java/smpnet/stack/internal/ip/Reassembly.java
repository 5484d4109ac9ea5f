package smpnet.stack.internal.ip;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Supplier;
import smpnet.locking.ExclusiveLock;
import smpnet.locking.GuardedBy;
import smpnet.locking.Scheduler;
import smpnet.stack.config.ReassemblyLimits;

/**
 * IPv4 reassembly (RFC 791 3.2, RFC 815): fragments wait in per-datagram queues, hashed into buckets by
 * (source, destination, protocol, identification), until the holes are filled, the timer fires, or a limit
 * refuses them. Fragments are opaque to this class ({@code P}: the packet with its IP header); the caller
 * joins a completed list.
 *
 * <p>Overlapping fragments (other than an exact duplicate, which is ignored) discard the whole datagram:
 * overlaps are how fragment attacks hide headers, and RFC 5722 made the same choice for IPv6.
 *
 * <p>Locking key: each bucket has its own {@code ipq} mutex guarding its map and the queues in it. The
 * totals across buckets are atomics, reserved before a fragment is queued and returned when it leaves, so
 * no lock spans buckets. Nothing else is locked under {@code ipq}: completed datagrams, evicted fragments
 * and timeout notices are handed out after the bucket is unlocked.
 *
 * @param <P> a fragment packet
 */
final class Reassembly<P> {
    /** What became of a fragment offered to {@link #insert}. */
    enum Outcome { QUEUED, COMPLETED, DUPLICATE, DROPPED_OVERLAP, DROPPED_LIMIT, DROPPED_TOO_LONG }

    /** Told about datagrams given up on, after their bucket is unlocked. */
    interface Listener<P> {
        /** A datagram timed out; {@code first} is its offset-0 fragment (now the listener's) or null. */
        void timedOut(P first, int droppedFragments);
    }

    private final Bucket<P>[] buckets;
    /** Replaced whole by a sysctl write; each use reads it once. */
    private volatile ReassemblyLimits limits;
    private final Consumer<P> free;
    private final Listener<P> listener;
    private final Consumer<Runnable> entryPoint;
    private final Scheduler scheduler;
    private final AtomicInteger packets = new AtomicInteger();
    private final AtomicInteger bytes = new AtomicInteger();
    private final AtomicInteger fragments = new AtomicInteger();

    @SuppressWarnings("unchecked")
    Reassembly(int nbuckets, Supplier<ExclusiveLock> ipqLocks, ReassemblyLimits limits, Consumer<P> free,
               Listener<P> listener, Consumer<Runnable> entryPoint, Scheduler scheduler) {
        this.scheduler = scheduler;
        this.buckets = new Bucket[nbuckets];
        for (int i = 0; i < nbuckets; i++) buckets[i] = new Bucket<>(ipqLocks.get());
        this.limits = limits;
        this.free = free;
        this.listener = listener;
        this.entryPoint = entryPoint;
    }

    /** Identity of a datagram being reassembled (RFC 791: source, destination, protocol, identification). */
    record Key(int src, int dst, int protocol, int id) {}

    /**
     * What {@link #insert} did: {@code completed} holds the datagram's fragments in offset order, or null;
     * {@code discarded} counts the fragments freed (the offered one and any queued ones given up with it).
     */
    record Result<P>(Outcome outcome, List<P> completed, int discarded) {}

    /**
     * Offers fragment {@code p} carrying payload bytes {@code [offset, offset + len)} behind a header of
     * {@code hlen} bytes; {@code more} is its MF bit. Takes ownership of {@code p}.
     */
    Result<P> insert(Key key, int offset, int len, int hlen, boolean more, P p) {
        // The datagram's length is the first fragment's header plus all payload (RFC 791): the limit
        // takes this header if it is the first, else the smallest header the first can have.
        if (offset + len > 65535 - (offset == 0 ? hlen : 20)) return refuse(p, Outcome.DROPPED_TOO_LONG);
        Bucket<P> b = buckets[Math.floorMod(key.hashCode(), buckets.length)];
        List<P> finished;
        Outcome outcome;
        b.lock.lock();
        try {
            Queue<P> q = b.queues.get(key);
            if (q == null) q = newQueueLocked(b, key);
            outcome = q == null ? Outcome.DROPPED_LIMIT : q.addLocked(offset, len, hlen, more, p, this);
            if (outcome == Outcome.QUEUED && q.isCompleteLocked()) outcome = Outcome.COMPLETED;
            if (q == null || outcome == Outcome.QUEUED || outcome == Outcome.DUPLICATE) {
                finished = null;
            } else {
                removeLocked(b, q);
                finished = q.packetsInOrder();
            }
        } finally {
            b.lock.unlock();
        }
        if (outcome == Outcome.COMPLETED) return new Result<>(outcome, finished, 0);
        if (outcome == Outcome.QUEUED) return new Result<>(outcome, null, 0);
        if (finished != null) finished.forEach(free);
        if (outcome == Outcome.DROPPED_LIMIT && finished == null) free.accept(p);
        return new Result<>(outcome, null, 1 + (finished == null ? 0 : finished.size()));
    }

    /** A new queue for {@code key}, or null when the datagram limit is reached. */
    private Queue<P> newQueueLocked(Bucket<P> b, Key key) {
        b.lock.assertOwned();
        if (packets.incrementAndGet() > limits.packets()) {
            packets.decrementAndGet();
            return null;
        }
        Queue<P> q = new Queue<>(key, b.lock);
        b.queues.put(key, q);
        q.timer = arm(b, q);
        return q;
    }

    /** Datagrams now waiting for fragments. */
    int pending() { return packets.get(); }

    /** Fragments now held, all datagrams together. */
    int fragmentsHeld() { return fragments.get(); }

    ReassemblyLimits limits() { return limits; }

    void setLimits(ReassemblyLimits l) { limits = l; }

    /** Bytes of fragment payload now held. */
    int bytesHeld() { return bytes.get(); }

    /** Frees everything still queued (host shutdown). */
    void drain() {
        for (Bucket<P> b : buckets) {
            List<P> out = new ArrayList<>();
            b.lock.lock();
            try {
                for (Queue<P> q : List.copyOf(b.queues.values())) {
                    removeLocked(b, q);
                    out.addAll(q.packetsInOrder());
                }
            } finally {
                b.lock.unlock();
            }
            out.forEach(free);
        }
    }

    private Result<P> refuse(P p, Outcome why) {
        free.accept(p);
        return new Result<>(why, null, 1);
    }

    private Scheduler.Cancellable arm(Bucket<P> b, Queue<P> q) {
        return scheduler.schedule(limits.timeoutNanos(), () -> entryPoint.accept(() -> expire(b, q)));
    }

    private void expire(Bucket<P> b, Queue<P> q) {
        List<P> all;
        b.lock.lock();
        try {
            if (b.queues.get(q.key) != q) return; // completed or dropped meanwhile
            removeLocked(b, q);
            all = q.packetsInOrder();
        } finally {
            b.lock.unlock();
        }
        P first = !all.isEmpty() && q.firstOffset() == 0 ? all.removeFirst() : null;
        all.forEach(free);
        listener.timedOut(first, all.size() + (first == null ? 0 : 1));
    }

    private void removeLocked(Bucket<P> b, Queue<P> q) {
        b.lock.assertOwned();
        b.queues.remove(q.key);
        if (q.timer != null) q.timer.cancel();
        packets.decrementAndGet();
        bytes.addAndGet(-q.bytes);
        fragments.addAndGet(-q.frags.size());
    }

    boolean reserveBytes(int n) {
        if (bytes.addAndGet(n) > limits.bytes()) {
            bytes.addAndGet(-n);
            return false;
        }
        return true;
    }

    int fragmentsPerPacket() { return limits.fragmentsPerPacket(); }

    private static final class Bucket<P> {
        final ExclusiveLock lock;
        @GuardedBy("ipq") final Map<Key, Queue<P>> queues = new HashMap<>();

        Bucket(ExclusiveLock lock) { this.lock = lock; }
    }

    /** The fragments of one datagram, sorted by offset (FreeBSD's struct ipq). All fields under its bucket's ipq. */
    private static final class Queue<P> {
        final Key key;
        /** Its bucket's ipq lock. */
        final ExclusiveLock lock;
        @GuardedBy("ipq") final List<int[]> ranges = new ArrayList<>(4);
        @GuardedBy("ipq") final List<P> frags = new ArrayList<>(4);
        @GuardedBy("ipq") int bytes;
        @GuardedBy("ipq") int totalLength = -1;
        /** The first fragment's header length once it came; until then the smallest it can be. */
        @GuardedBy("ipq") int firstHeaderLength = 20;
        @GuardedBy("ipq") Scheduler.Cancellable timer;

        Queue(Key key, ExclusiveLock lock) {
            this.key = key;
            this.lock = lock;
        }

        Outcome addLocked(int offset, int len, int hlen, boolean more, P p, Reassembly<P> r) {
            lock.assertOwned();
            int end = offset + len;
            int last = ranges.isEmpty() ? end : Math.max(end, ranges.getLast()[1]);
            if (last + (offset == 0 ? hlen : firstHeaderLength) > 65535) {
                r.free.accept(p); // with the first fragment's real header the datagram would pass 65535
                return Outcome.DROPPED_TOO_LONG;
            }
            int at = 0;
            while (at < ranges.size() && ranges.get(at)[0] < offset) at++;
            for (int[] rg : ranges) {
                if (rg[0] == offset && rg[1] == end) return r.refuseDuplicate(p);
                if (offset < rg[1] && rg[0] < end) return r.refuseOverlap(p);
            }
            if (!more && (totalLength >= 0 || (!ranges.isEmpty() && ranges.getLast()[1] > end))) {
                return r.refuseOverlap(p); // two last fragments, or data beyond the end: inconsistent
            }
            if (totalLength >= 0 && end > totalLength) return r.refuseOverlap(p);
            if (frags.size() >= r.fragmentsPerPacket() || !r.reserveBytes(len)) {
                r.free.accept(p);
                return Outcome.DROPPED_LIMIT;
            }
            ranges.add(at, new int[] {offset, end});
            frags.add(at, p);
            bytes += len;
            if (!more) totalLength = end;
            if (offset == 0) firstHeaderLength = hlen;
            r.fragments.incrementAndGet();
            return Outcome.QUEUED;
        }

        boolean isCompleteLocked() {
            lock.assertOwned();
            if (totalLength < 0) return false;
            int next = 0;
            for (int[] rg : ranges) {
                if (rg[0] != next) return false;
                next = rg[1];
            }
            return next == totalLength;
        }

        int firstOffset() { return ranges.isEmpty() ? -1 : ranges.getFirst()[0]; }

        List<P> packetsInOrder() { return new ArrayList<>(frags); }
    }

    private Outcome refuseDuplicate(P p) {
        free.accept(p);
        return Outcome.DUPLICATE;
    }

    private Outcome refuseOverlap(P p) {
        free.accept(p);
        return Outcome.DROPPED_OVERLAP;
    }
}
