package smpnet.lectures.demo;

import java.io.PrintStream;
import smpnet.locking.GuardedBy;
import smpnet.locking.LockProfiler;
import smpnet.locking.Mutex;
import smpnet.locking.Scheduler;

/**
 * Lecture 8: what the lock profiler shows. Two workers on CPUs 0 and 1 count 200,000 events each into a
 * table of 64 counters, first under one table lock (Giant's shape), then under a lock per counter, each
 * worker counting into its own half of the table. The profiler runs in contended mode: only acquisitions
 * that had to wait are timed, and they are charged to the line of code that took the lock.
 */
public final class LockProfile {
    private static final int EVENTS = 200_000;
    private static final int COUNTERS = 64;

    private LockProfile() {}

    /**
     * The table: 64 counters, each guarded by {@code locks[i]}; with one lock, every slot of {@code locks}
     * is the same mutex ("demo_table"), else each is its own ("demo_counter").
     */
    private static final class Table {
        final Mutex[] locks = new Mutex[COUNTERS];
        @GuardedBy("locks[i]") final long[] counts = new long[COUNTERS];

        Table(boolean oneLock) {
            Mutex table = new Mutex("demo_table");
            for (int i = 0; i < COUNTERS; i++) {
                locks[i] = oneLock ? table : new Mutex("demo_counter");
            }
        }

        /** Counts an event into counter {@code i}, with a little work under the lock (a hash of the count). */
        void count(int i) {
            locks[i].lock();
            try {
                long c = counts[i] + 1;
                for (int k = 0; k < 20; k++) {
                    c = c * 0x9E3779B97F4A7C15L + k;
                }
                counts[i] += 1 + (c & 0);
            } finally {
                locks[i].unlock();
            }
        }
    }

    public static void run(PrintStream out) throws InterruptedException {
        for (boolean oneLock : new boolean[] {true, false}) {
            Table t = new Table(oneLock);
            LockProfiler.reset();
            LockProfiler.setMode(LockProfiler.Mode.CONTENDED);
            Thread[] workers = new Thread[2];
            for (int cpu = 0; cpu < 2; cpu++) {
                int half = cpu * COUNTERS / 2;
                workers[cpu] = Scheduler.current().startWorker("worker-" + cpu, cpu, () -> {
                    for (int n = 0; n < EVENTS; n++) {
                        t.count(half + n % (COUNTERS / 2));
                    }
                });
            }
            for (Thread w : workers) {
                w.join();
            }
            long total = 0;
            for (long c : t.counts) {
                total += c;
            }
            out.println((oneLock ? "one table lock" : "a lock per counter") + ": " + total + " events counted");
            out.println(LockProfiler.table());
            LockProfiler.setMode(LockProfiler.Mode.OFF);
        }
        LockProfiler.reset();
    }
}
