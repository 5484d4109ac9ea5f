package smpnet.lectures.demo;

import java.io.PrintStream;
import java.util.concurrent.CountDownLatch;
import smpnet.locking.ExclusiveLock;
import smpnet.locking.GuardedBy;
import smpnet.locking.Mutex;
import smpnet.locking.SpinMutex;

/**
 * Lecture 3: fairness against throughput. Two threads take the same lock as fast as they can, and the
 * holder writes its number into a log. The log shows who got the lock after whom: a ticket spin lock
 * serves waiters in turn, so the owners alternate; the sleep mutex lets a running thread barge in ahead of
 * a woken waiter, so one thread keeps it for long runs, and the pair gets more done.
 */
public final class Fairness {
    private static final int PER_THREAD = 50_000;

    private Fairness() {}

    public static void run(PrintStream out) throws InterruptedException {
        out.printf("%-12s %10s %14s %12s%n", "lock", "ms", "owner changes", "longest run");
        for (int round = 0; round < 2; round++) {     // the first round warms the JIT up; print the second
            Result spin = contend(new SpinMutex("demo_spin"));
            Result mtx = contend(new Mutex("demo_mtx"));
            if (round == 1) {
                spin.print(out, "SpinMutex");
                mtx.print(out, "Mutex");
            }
        }
        out.println("(2 threads x " + PER_THREAD + " acquisitions; owner changes: how often the next holder was"
                + " the other thread)");
    }

    private record Result(long millis, int changes, int longestRun) {
        void print(PrintStream out, String name) {
            out.printf("%-12s %10d %14d %12d%n", name, millis, changes, longestRun);
        }
    }

    private static Result contend(ExclusiveLock lock) throws InterruptedException {
        Log log = new Log(2 * PER_THREAD);
        CountDownLatch ready = new CountDownLatch(2);
        CountDownLatch go = new CountDownLatch(1);      // both threads start together: no head start
        Thread[] threads = new Thread[2];
        for (int t = 0; t < 2; t++) {
            byte id = (byte) t;
            threads[t] = new Thread(() -> {
                ready.countDown();
                StartGate.await(go);
                long x = id + 1;
                for (int i = 0; i < PER_THREAD; i++) {
                    lock.lock();
                    try {
                        log.appendLocked(id);
                    } finally {
                        lock.unlock();
                    }
                    x = work(x);           // a little work between acquisitions, as a real caller has
                }
                SINK[id] = x;
            }, "demo-" + t);
        }
        for (Thread t : threads) {
            t.start();
        }
        ready.await();
        long start = System.nanoTime();
        go.countDown();
        for (Thread t : threads) {
            t.join();
        }
        long millis = (System.nanoTime() - start) / 1_000_000;
        return new Result(millis, log.changes(), log.longestRun());
    }

    /** Written so the JIT cannot drop {@link #work}. */
    private static final long[] SINK = new long[2];

    /** About a hundred nanoseconds of arithmetic. */
    private static long work(long x) {
        for (int i = 0; i < 32; i++) {
            x ^= x << 13;
            x ^= x >>> 7;
            x ^= x << 17;
        }
        return x;
    }


    /** Who held the lock, acquisition after acquisition. */
    private static final class Log {
        @GuardedBy("the contended lock")
        private final byte[] owners;
        @GuardedBy("the contended lock")
        private int size;

        Log(int capacity) { owners = new byte[capacity]; }

        void appendLocked(byte owner) { owners[size++] = owner; }

        /** Read after both threads were joined. */
        int changes() {
            int n = 0;
            for (int i = 1; i < size; i++) {
                n += owners[i] != owners[i - 1] ? 1 : 0;
            }
            return n;
        }

        int longestRun() {
            int best = 0;
            int run = 0;
            for (int i = 0; i < size; i++) {
                run = i > 0 && owners[i] == owners[i - 1] ? run + 1 : 1;
                best = Math.max(best, run);
            }
            return best;
        }
    }
}
