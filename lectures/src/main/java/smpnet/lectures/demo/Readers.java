package smpnet.lectures.demo;

import java.io.PrintStream;
import java.util.concurrent.CountDownLatch;
import smpnet.locking.RmLock;
import smpnet.locking.RwLock;
import smpnet.locking.Schedulers;
import smpnet.locking.SharedExclusiveLock;

/**
 * Lecture 3: what a read acquisition costs when two threads read at once, and what a write costs. An rw
 * lock's readers all add to one count (one cache line, written by both cores); an rm lock's readers count
 * in their own CPU's slot, and its writer pays by waiting for every slot to drain.
 */
public final class Readers {
    private static final int READS = 2_000_000;
    private static final int WRITES = 20_000;

    private Readers() {}

    public static void run(PrintStream out) throws InterruptedException {
        out.printf("%-8s %22s %22s%n", "lock", "ns per read (2 threads)", "ns per write (alone)");
        for (int round = 0; round < 2; round++) {     // the first round warms the JIT up; print the second
            SharedExclusiveLock rw = new RwLock("demo_rw");
            SharedExclusiveLock rm = new RmLock("demo_rm");
            double rwRead = reads(rw);
            double rmRead = reads(rm);
            double rwWrite = writes(rw);
            double rmWrite = writes(rm);
            if (round == 1) {
                out.printf("%-8s %22.1f %22.1f%n", "RwLock", rwRead, rwWrite);
                out.printf("%-8s %22.1f %22.1f%n", "RmLock", rmRead, rmWrite);
            }
        }
    }

    /** Wall-clock nanoseconds per read lock+unlock, two threads reading together. */
    private static double reads(SharedExclusiveLock lock) throws InterruptedException {
        Thread[] threads = new Thread[2];
        CountDownLatch go = new CountDownLatch(1);
        for (int t = 0; t < threads.length; t++) {
            // Worker t runs as simulated CPU t, as a netisr worker does: its reads count in slot t.
            threads[t] = Schedulers.current().startWorker("reader-" + t, t, () -> {
                StartGate.await(go);
                for (int i = 0; i < READS; i++) {
                    lock.lockShared();
                    lock.unlockShared();
                }
            });
        }
        long start = System.nanoTime();
        go.countDown();
        for (Thread t : threads) {
            t.join();
        }
        return (System.nanoTime() - start) / (double) READS;
    }


    private static double writes(SharedExclusiveLock lock) {
        long start = System.nanoTime();
        for (int i = 0; i < WRITES; i++) {
            lock.lock();
            lock.unlock();
        }
        return (System.nanoTime() - start) / (double) WRITES;
    }
}
