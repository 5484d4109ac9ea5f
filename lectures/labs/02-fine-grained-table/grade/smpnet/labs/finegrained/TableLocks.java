package smpnet.labs.finegrained;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import smpnet.locking.Mutex;
import smpnet.witness.LockFlags;
import smpnet.witness.Witness;

/**
 * Where the table's locks come from (part of the lab's bench: do not change it). Every lock the table
 * uses is made here, so witness knows its class, and so the grader can see which bucket locks a thread
 * holds together and in which order:
 * <pre>
 *   table()       "flowtable"    one lock for the whole table (the starter's Giant)
 *   bucket(i)     "flow_bucket"  bucket i's lock; DUPOK: two may be held together, lower index first
 *   totals()      "flow_totals"  the table-wide counters, if you keep them apart from the buckets
 * </pre>
 * Witness learns no order among locks of one DUPOK class (FreeBSD's WITNESS neither): their order is the
 * code's to keep, and {@link BucketLock} checks it here.
 */
public final class TableLocks {
    private static final ThreadLocal<ArrayDeque<Integer>> HELD = ThreadLocal.withInitial(ArrayDeque::new);
    private static final List<String> VIOLATIONS = new ArrayList<>();
    private static final Set<Integer> USED = new HashSet<>();

    static {
        Witness.hideFrames(TableLocks.class.getName());   // reports start at the table's code, not here
    }

    private TableLocks() {}

    public static Mutex table() { return new Mutex("flowtable"); }

    public static Mutex bucket(int index) { return new BucketLock(index); }

    public static Mutex totals() { return new Mutex("flow_totals"); }

    /** Orders of bucket locks that broke "lower index first", as sentences; and forgets them. */
    static synchronized List<String> takeViolations() {
        List<String> v = List.copyOf(VIOLATIONS);
        VIOLATIONS.clear();
        return v;
    }

    /** How many distinct bucket indexes were locked since the last call; and forgets them. */
    static synchronized int takeBucketsUsed() {
        int n = USED.size();
        USED.clear();
        return n;
    }

    private static synchronized void record(int index, ArrayDeque<Integer> held) {
        USED.add(index);
        for (int h : held) {
            if (h >= index) {
                VIOLATIONS.add("took bucket " + index + "'s lock while holding bucket " + h + "'s");
            }
        }
    }

    /** A bucket's mutex that tells the bench which buckets each thread holds, in order. */
    private static final class BucketLock extends Mutex {
        private final int index;

        BucketLock(int index) {
            super("flow_bucket", LockFlags.DUPOK);
            this.index = index;
        }

        @Override
        public void lock() {
            record(index, HELD.get());
            super.lock();
            HELD.get().push(index);
        }

        @Override
        public boolean tryLock() {
            boolean got = super.tryLock();
            if (got) {
                synchronized (TableLocks.class) {
                    USED.add(index);
                }
                HELD.get().push(index);    // a try never waits: no order to check
            }
            return got;
        }

        @Override
        public void unlock() {
            HELD.get().removeFirstOccurrence(index);
            super.unlock();
        }
    }
}
