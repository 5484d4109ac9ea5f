package smpnet.labs.finegrained;

import java.util.HashMap;
import java.util.Map;
import smpnet.locking.GuardedBy;
import smpnet.locking.Mutex;

/**
 * Per-flow packet and byte counters, as a router keeps them: a hash table of {@link Flow}s in
 * {@link #BUCKETS} buckets (flow id modulo BUCKETS), plus the totals over all flows.
 *
 * <p>This version is Giant-locked: one mutex, {@code flowtable}, guards every bucket and the totals, so
 * two threads counting packets of two unrelated flows wait for each other. Your job (README.md) is to give
 * each bucket its own lock, keep the totals right, and let witness find no lock-order reversal.
 *
 * <p>Locking key: {@code buckets}, every flow in them, {@code totalPackets} and {@code totalBytes} are
 * guarded by {@code lock} (class "flowtable").
 */
public final class FlowTable {
    /** How many buckets the flows are spread over. */
    public static final int BUCKETS = 16;

    private final Mutex lock = TableLocks.table();
    @GuardedBy("flowtable")
    private final Map<Integer, Flow>[] buckets;
    @GuardedBy("flowtable")
    private long totalPackets;
    @GuardedBy("flowtable")
    private long totalBytes;

    @SuppressWarnings("unchecked")
    public FlowTable() {
        buckets = new Map[BUCKETS];
        for (int i = 0; i < BUCKETS; i++) {
            buckets[i] = new HashMap<>();
        }
    }

    /** The bucket that holds {@code flow}. */
    public static int bucketOf(int flow) { return Math.floorMod(flow, BUCKETS); }

    /** Counts one packet of {@code bytes} bytes for {@code flow}, creating the flow on its first packet. */
    public void account(int flow, int bytes) {
        lock.lock();
        try {
            buckets[bucketOf(flow)].computeIfAbsent(flow, id -> new Flow(id, lock)).addLocked(1, bytes);
            totalPackets++;
            totalBytes += bytes;
        } finally {
            lock.unlock();
        }
    }

    /** {@code flow}'s counters, or null if it has none. */
    public Flow.Snapshot get(int flow) {
        lock.lock();
        try {
            Flow f = buckets[bucketOf(flow)].get(flow);
            return f == null ? null : f.snapshotLocked();
        } finally {
            lock.unlock();
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
        lock.lock();
        try {
            Flow f = buckets[bucketOf(from)].remove(from);
            if (f != null) {
                Flow.Snapshot s = f.snapshotLocked();
                buckets[bucketOf(to)].computeIfAbsent(to, id -> new Flow(id, lock)).addLocked(s.packets(), s.bytes());
            }
        } finally {
            lock.unlock();
        }
    }

    /** Packets and bytes over all flows. */
    public Flow.Snapshot totals() {
        lock.lock();
        try {
            return new Flow.Snapshot(totalPackets, totalBytes);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Removes every flow and zeroes the totals, as one step: no thread sees the flows gone and the totals
     * not yet zero, or the other way round.
     */
    public void clear() {
        lock.lock();
        try {
            for (Map<Integer, Flow> b : buckets) {
                b.clear();
            }
            totalPackets = 0;
            totalBytes = 0;
        } finally {
            lock.unlock();
        }
    }
}
