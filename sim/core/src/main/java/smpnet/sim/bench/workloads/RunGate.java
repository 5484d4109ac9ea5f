package smpnet.sim.bench.workloads;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import smpnet.locking.Scheduler;

/**
 * Where a workload's load-generating threads wait while their child is not being measured. While the
 * parent measures another child, this one must use no CPU at all (a spinning or polling generator would
 * steal the very core the other child is measured on), so a closed gate parks its threads through the
 * scheduler seam until it opens again.
 *
 * <p>Locking key: none. {@code open} is volatile; a thread that finds it false registers in {@code waiters}
 * before it reads {@code open} again and parks, and {@link #open()} sets it before unparking every
 * registered thread, so no thread can park after missing the wake-up (an unpark before the park leaves a
 * permit).
 */
final class RunGate {
    /** How long a paused workload's threads may take to finish their batches and arrive. */
    static final long PAUSE_TIMEOUT_NANOS = 5_000_000_000L;
    /** How often {@link #close} looks whether every thread has arrived. */
    private static final long POLL_NANOS = 200_000;

    private final Scheduler scheduler = Scheduler.current();
    private final Set<Thread> waiters = ConcurrentHashMap.newKeySet();
    private final AtomicInteger held = new AtomicInteger();
    private volatile boolean open;

    /** Called by a load-generating thread before each batch: returns at once while open, else parks. */
    void pass() {
        if (open) return;
        Thread self = Thread.currentThread();
        held.incrementAndGet();
        waiters.add(self);
        try {
            while (!open) scheduler.park(this);
        } finally {
            waiters.remove(self);
            held.decrementAndGet();
        }
    }

    /** Lets every thread through until the next {@link #close}. */
    void open() {
        open = true;
        for (Thread t : waiters) scheduler.unpark(t);
    }

    /**
     * Closes the gate and waits until {@code parties} threads are held at it (each has finished the batch
     * it was in), at most {@code timeoutNanos}; returns whether they all arrived.
     */
    boolean close(int parties, long timeoutNanos) {
        open = false;
        long deadline = scheduler.nanoTime() + timeoutNanos;
        while (held.get() < parties) {
            if (scheduler.nanoTime() - deadline > 0) return false;
            scheduler.parkNanos(this, POLL_NANOS);
        }
        return true;
    }

    /** Threads parked (or about to park) at the gate now. */
    int held() {
        return held.get();
    }
}
