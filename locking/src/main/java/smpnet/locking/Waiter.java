package smpnet.locking;

/**
 * One thread waiting on a {@link Turnstile}: for a lock it is granted ownership by the releasing thread
 * (direct hand-off) or, for a {@link Mutex}, possibly only woken to compete for it; for a condition
 * variable it is granted a signal.
 */
@LockImplementation
final class Waiter {
    final Thread thread;
    final boolean shared;
    /** Set once, by the granting thread, after it has made the waiter the owner (or signalled it). */
    private volatile boolean granted;
    /** For a mutex waiter: set before {@link #grant} when it is made the owner, not merely woken. */
    private boolean handedOver;
    @GuardedBy("the turnstile's spin lock")
    Waiter next;

    Waiter(Thread thread, boolean shared) {
        this.thread = thread;
        this.shared = shared;
    }

    boolean granted() { return granted; }

    /** Marks a mutex waiter as made the owner; its {@link #grant} publishes that. */
    void handOver() { handedOver = true; }

    /** After {@link #await}: true if the lock was handed over, false if the waiter was only woken. */
    boolean handedOver() { return handedOver; }

    /**
     * Marks a condition-variable waiter signalled without waking it: a {@link WakeupBatch} unparks it later.
     * Called after it was dequeued, outside the turnstile lock.
     */
    void markGranted() { granted = true; }

    /** Marks the waiter granted and wakes it. Called after it was dequeued, outside the turnstile lock. */
    void grant(Scheduler sched) {
        granted = true;
        sched.unpark(thread);
    }

    /**
     * Parks through {@code sched} until granted, or until the scheduler clock passes {@code deadline}
     * ({@link Long#MAX_VALUE}: never). Kernel sleeps here are not interruptible: an interrupt is kept for
     * the caller to see afterwards. Returns true if granted.
     */
    boolean await(Scheduler sched, Object blocker, long deadline) {
        boolean interrupted = false;
        if (!granted) WakeupBatch.flushCurrent(); // never block holding back wake-ups: they may be what we wait for
        try {
            while (!granted) {
                if (deadline == Long.MAX_VALUE) {
                    sched.park(blocker);
                } else {
                    long left = deadline - sched.nanoTime();
                    if (left <= 0) return false;
                    sched.parkNanos(blocker, left);
                }
                interrupted |= Thread.interrupted();
            }
            return true;
        } finally {
            if (interrupted) thread.interrupt();
        }
    }
}
