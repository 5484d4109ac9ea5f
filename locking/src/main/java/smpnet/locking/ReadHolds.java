package smpnet.locking;

/**
 * The shared holds of one thread: which reader/writer locks it holds shared, how many times, and the
 * profiling record of each. Kept per thread (as ReentrantReadWriteLock does) so shared assertions, shared
 * recursion past waiting writers, and read hold times are exact. Touched only by its own thread.
 */
@LockImplementation
final class ReadHolds extends CacheLinePadded {
    private static final ThreadLocal<ReadHolds> CURRENT = ThreadLocal.withInitial(ReadHolds::new);

    /** One lock held shared by this thread. */
    static final class Entry extends CacheLinePadded {
        LockBase lock;
        /** The reader slot an {@link RmLock} hold counted itself in; unused by the other locks. */
        int slot;
        int count;
        LockProfiler.Hold hold;
        Entry next;
    }

    private Entry head;
    /** A released entry kept for the next acquisition, so the common lock/unlock allocates nothing. */
    private Entry spare;

    static ReadHolds current() { return CURRENT.get(); }

    Entry find(LockBase lock) {
        for (Entry e = head; e != null; e = e.next) {
            if (e.lock == lock) return e;
        }
        return null;
    }

    int count(LockBase lock) {
        Entry e = find(lock);
        return e == null ? 0 : e.count;
    }

    Entry add(LockBase lock) {
        Entry e = spare;
        if (e == null) e = new Entry(); else spare = null;
        e.lock = lock;
        e.count = 1;
        e.next = head;
        head = e;
        return e;
    }

    void remove(Entry e) {
        if (head == e) {
            head = e.next;
        } else {
            Entry p = head;
            while (p.next != e) p = p.next;
            p.next = e.next;
        }
        e.lock = null;
        e.next = null;
        e.hold = null;
        spare = e;
    }
}
