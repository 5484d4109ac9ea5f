package smpnet.labs.finegrained;

import java.util.HashMap;
import java.util.Map;
import smpnet.locking.GuardedBy;
import smpnet.locking.Mutex;

/**
 * Per-flow packet and byte counters, as a router keeps them: a hash table of {@link Flow}s in
 * {@link #BUCKETS} buckets (flow id modulo BUCKETS), plus the totals over all flows.
 *
 * <p>Locking key, in the order the locks are taken:
 * <pre>
 *   flow_bucket  one per bucket: that bucket's map and every flow in it; two are taken lower index first
 *   flow_totals  totalPackets and totalBytes; taken last, inside a bucket's lock, never the other way
 * </pre>
 * Two threads on flows of different buckets share no lock but {@code flow_totals}, held for two additions.
 * The totals are updated inside the bucket's lock so that {@link #clear}, which holds every bucket and
 * then the totals, sees no packet counted in a flow and not yet in the totals.
 */
public final class FlowTable {
    /** How many buckets the flows are spread over. */
    public static final int BUCKETS = 16;

    private final Mutex[] locks = new Mutex[BUCKETS];
    @GuardedBy("flow_bucket")
    private final Map<Integer, Flow>[] buckets;
    private final Mutex totalsLock = TableLocks.totals();
    @GuardedBy("flow_totals")
    private long totalPackets;
    @GuardedBy("flow_totals")
    private long totalBytes;

    @SuppressWarnings("unchecked")
    public FlowTable() {
        buckets = new Map[BUCKETS];
        for (int i = 0; i < BUCKETS; i++) {
            buckets[i] = new HashMap<>();
            locks[i] = TableLocks.bucket(i);
        }
    }

    /** The bucket that holds {@code flow}. */
    public static int bucketOf(int flow) { return Math.floorMod(flow, BUCKETS); }

    /** Counts one packet of {@code bytes} bytes for {@code flow}, creating the flow on its first packet. */
    public void account(int flow, int bytes) {
        int b = bucketOf(flow);
        locks[b].lock();
        try {
            flowLocked(b, flow).addLocked(1, bytes);
            totalsLock.lock();               // flow_bucket -> flow_totals
            totalPackets++;
            totalBytes += bytes;
            totalsLock.unlock();
        } finally {
            locks[b].unlock();
        }
    }

    /** {@code flow}'s counters, or null if it has none. */
    public Flow.Snapshot get(int flow) {
        int b = bucketOf(flow);
        locks[b].lock();
        try {
            Flow f = buckets[b].get(flow);
            return f == null ? null : f.snapshotLocked();
        } finally {
            locks[b].unlock();
        }
    }

    /**
     * Moves every count of flow {@code from} into flow {@code to} (created if needed) and removes
     * {@code from}, as if all of from's packets had been to's. Nothing happens if from has no counters or
     * is to. The totals do not change.
     */
    public void merge(int from, int to) {
        if (from == to) {
            return;
        }
        int bf = bucketOf(from);
        int bt = bucketOf(to);
        // The source's bucket, then the destination's.
        int first = bf;
        int second = bt;
        locks[first].lock();
        if (second != first) {
            locks[second].lock();
        }
        try {
            Flow f = buckets[bf].remove(from);
            if (f != null) {
                Flow.Snapshot s = f.snapshotLocked();
                flowLocked(bt, to).addLocked(s.packets(), s.bytes());
            }
        } finally {
            if (second != first) {
                locks[second].unlock();
            }
            locks[first].unlock();
        }
    }

    /** Packets and bytes over all flows. */
    public Flow.Snapshot totals() {
        totalsLock.lock();
        try {
            return new Flow.Snapshot(totalPackets, totalBytes);
        } finally {
            totalsLock.unlock();
        }
    }

    /**
     * Removes every flow and zeroes the totals, as one step: no thread sees the flows gone and the totals
     * not yet zero, or the other way round. Every bucket, in index order, then the totals.
     */
    public void clear() {
        for (Mutex l : locks) {
            l.lock();
        }
        try {
            for (Map<Integer, Flow> b : buckets) {
                b.clear();
            }
            totalsLock.lock();
            totalPackets = 0;
            totalBytes = 0;
            totalsLock.unlock();
        } finally {
            for (int i = BUCKETS - 1; i >= 0; i--) {
                locks[i].unlock();
            }
        }
    }

    /** The flow {@code flow} of bucket {@code b}, created with that bucket's lock as its guard. */
    @GuardedBy("flow_bucket")
    private Flow flowLocked(int b, int flow) {
        locks[b].assertOwned();
        return buckets[b].computeIfAbsent(flow, id -> new Flow(id, locks[b]));
    }
}
