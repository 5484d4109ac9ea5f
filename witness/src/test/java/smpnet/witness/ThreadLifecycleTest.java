package smpnet.witness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.junit.jupiter.api.Test;

/**
 * Witness's per-thread state ends with its thread: many short-lived threads leave no state, no Thread
 * object and no lock they took behind (the locks that cached a state keep only a retired shell); threads
 * that ended holding locks are reported, and only the most recent of them stay listed for "show locks".
 */
class ThreadLifecycleTest {
    /**
     * A lock that keeps witness's state of its last user and the held-stack entry it was pushed into, as
     * smpnet's primitives do (the adapters keep the state only).
     */
    static final class CachingLock {
        final Witness w;
        final LockClass cls;
        ThreadState last;
        ThreadState.Entry entry;

        CachingLock(Witness w, String name) {
            this.w = w;
            this.cls = w.lockClass(name, LockKind.MUTEX, 0);
        }

        void lock() {
            if (!w.reacquired(last, entry, this, cls, true)) {
                last = w.acquired(last, this, cls, true);
                ThreadState.Entry e = w.entryOf(last, this);
                if (e != null) {
                    entry = e;
                }
            }
        }

        void unlock() {
            if (!w.releasedTop(last, entry, this, true)) {
                last = w.unlocked(last, this, cls, true);
            }
        }
    }

    private static final int THREADS = 2000;
    private static final int BATCH = 8;

    @Test
    void shortLivedThreadsLeaveNothingBehind() throws Exception {
        Witness w = FakeLock.countingWitness();
        CachingLock outer = new CachingLock(w, "lc_outer");
        CachingLock inner = new CachingLock(w, "lc_inner");
        AtomicReferenceArray<WeakReference<Object>> theirLocks = new AtomicReferenceArray<>(THREADS);
        List<WeakReference<Thread>> threads = new ArrayList<>();
        int mostTracked = 0;
        for (int b = 0; b < THREADS; b += BATCH) {
            List<Thread> batch = new ArrayList<>();
            for (int i = b; i < b + BATCH; i++) {
                int n = i;
                Thread t = new Thread(() -> {
                    CachingLock own = new CachingLock(w, "lc_own"); // one per thread, nested between the shared two
                    theirLocks.set(n, new WeakReference<>(own));
                    outer.lock();
                    own.lock();
                    inner.lock();
                    inner.unlock();
                    own.unlock();
                    inner.lock(); // inner's entry is now the one own was pushed into, and the reverse
                    inner.unlock();
                    own.lock();
                    own.unlock();
                    outer.unlock();
                }, "short-" + n);
                threads.add(new WeakReference<>(t));
                batch.add(t);
                t.start();
            }
            for (Thread t : batch) {
                t.join();
            }
            mostTracked = Math.max(mostTracked, w.trackedThreads());
        }
        assertTrue(mostTracked <= 64 + BATCH, "states listed at once, at most: " + mostTracked);
        w.reportDeadThreads(); // looks for ended threads now (as a waiter, "show locks" or a new thread does)
        assertEquals(0, w.trackedThreads());
        assertEquals(0, w.reportCount());
        assertEquals("witness: show locks\n  no locks held\n", w.showLocks());
        collect(() -> countLive(theirLocks) + countLiveThreads(threads));
        assertEquals(0, countLive(theirLocks), "locks the ended threads took are kept by nothing");
        assertEquals(0, countLiveThreads(threads), "ended Thread objects are kept by nothing");
        assertTrue(outer.last.thread == null && inner.last.thread == null, "the shared locks cache only retired states");
    }

    @Test
    void threadsThatEndHoldingLocksAreReportedAndTheLatestStayListed() throws Exception {
        Witness w = FakeLock.countingWitness();
        int n = 100;
        AtomicReferenceArray<WeakReference<Object>> leftHeld = new AtomicReferenceArray<>(n);
        for (int i = 0; i < n; i++) {
            int k = i;
            Thread t = new Thread(() -> {
                CachingLock l = new CachingLock(w, "lc_left");
                leftHeld.set(k, new WeakReference<>(l));
                l.lock(); // and never unlocked
            }, "leaver-" + i);
            t.start();
            t.join();
        }
        w.reportDeadThreads();
        List<Report> died = w.reports().stream().filter(r -> r.kind() == ReportKind.THREAD_DIED_HOLDING).toList();
        assertEquals(n, died.size(), "each ended holder is reported once");
        assertEquals("leaver-0", died.get(0).thread());
        assertEquals(n, w.reportCount());
        assertEquals(Checker.ENDED_HOLDERS_KEPT, w.trackedThreads());
        String shown = w.showLocks();
        assertEquals(Checker.ENDED_HOLDERS_KEPT, shown.split("\\(ended\\)", -1).length - 1, shown);
        assertTrue(shown.contains("thread \"leaver-" + (n - 1) + "\" (ended):\n    1. lc_left (mutex, exclusive)"), shown);
        assertTrue(!shown.contains("\"leaver-0\""), "the oldest ended holders are no longer listed");
        assertEquals(n, w.reportCount(), "listing them again reports nothing new");
        collect(() -> countLive(leftHeld) - Checker.ENDED_HOLDERS_KEPT);
        assertEquals(Checker.ENDED_HOLDERS_KEPT, countLive(leftHeld), "only the listed holders' locks are kept");
    }

    /** Runs the collector until {@code live} reaches zero or ten rounds passed. */
    private static void collect(java.util.function.IntSupplier live) throws InterruptedException {
        for (int round = 0; round < 10 && live.getAsInt() > 0; round++) {
            System.gc();
            Thread.sleep(20);
        }
    }

    private static int countLive(AtomicReferenceArray<WeakReference<Object>> refs) {
        int live = 0;
        for (int i = 0; i < refs.length(); i++) {
            if (refs.get(i).get() != null) live++;
        }
        return live;
    }

    private static int countLiveThreads(List<WeakReference<Thread>> refs) {
        int live = 0;
        for (WeakReference<Thread> r : refs) {
            if (r.get() != null) live++;
        }
        return live;
    }
}
