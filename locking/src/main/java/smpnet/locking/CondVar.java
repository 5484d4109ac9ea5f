package smpnet.locking;

import smpnet.witness.SleepKind;
import smpnet.witness.Witness;

/**
 * A condition variable (FreeBSD condvar(9)) used with a lock that the wait releases and retakes: a
 * {@link Mutex}, an {@link SxLock} or {@link RwLock} (held shared or exclusive; the same mode is retaken),
 * or {@link Giant}, which a wait drops completely (all recursion levels) and takes back to the same depth.
 *
 * <p>No wakeup is lost: a waiter is queued on the condition variable before it releases the lock, so a
 * signal sent by a thread that then took the lock (or by one that never held it) finds it. Signal wakes the
 * oldest waiter, broadcast all of them, in the order they began to wait. Waits are not interruptible (as
 * cv_wait, not cv_wait_sig); an interrupt stays pending for the caller. Spurious wakeups do not happen,
 * but callers re-check their condition in a loop all the same: another thread may run first. Inside a
 * {@link WakeupBatch} of the signalling thread, the waiters are signalled at once but unparked when the batch
 * ends.
 *
 * <p>Locking key: the waiter queue is guarded by its turnstile's spin lock.
 */
@LockImplementation
public final class CondVar extends CacheLinePadded {
    private final String name;
    private final Witness w;
    private final Turnstile sleepq = new Turnstile();
    /**
     * Whether anyone is queued, written under the sleepq's spin lock after every change of the queue, read
     * without it: a signal with nobody waiting (the common case: a socket buffer signals on every append)
     * then writes nothing. A waiter queues before it releases its interlock, so a signaller that takes the
     * interlock after it, or whose read comes after the queueing, sees it.
     */
    private volatile boolean anyQueued;

    /** A condition variable named {@code name} (a description, as cv_init's). */
    public CondVar(String name) { this(name, Witness.active()); }

    CondVar(String name, Witness witness) {
        this.name = name;
        this.w = witness;
    }

    public String name() { return name; }

    /** Releases {@code lock}, waits for a signal, retakes it. */
    public void await(ExclusiveLock lock) { awaitNanos(lock, Long.MAX_VALUE); }

    /**
     * As {@link #await}, for at most {@code nanos} of scheduler time ({@link Long#MAX_VALUE}: no limit).
     * Returns false if the time ran out before a signal; the lock is held again either way.
     */
    public boolean awaitNanos(ExclusiveLock lock, long nanos) {
        LockBase interlock = interlockOf(lock);
        Scheduler sched = Schedulers.current();
        long deadline = nanos == Long.MAX_VALUE ? Long.MAX_VALUE : saturatedAdd(sched.nanoTime(), nanos);
        if (LockBase.HOOKS && w != null) w.sleeping(SleepKind.CV_WAIT, lock);
        Waiter self = new Waiter(Thread.currentThread(), false);
        sleepq.lock();
        sleepq.enqueue(self);
        anyQueued = true;
        sleepq.unlock();
        int token;
        try {
            token = interlock.releaseForSleep();
        } catch (LockAssertionError e) {
            withdraw(self);
            throw e;
        }
        boolean signalled;
        try {
            signalled = self.await(sched, this, deadline) || !withdraw(self);
        } finally {
            if (LockBase.HOOKS && w != null) w.retaking(lock);
            interlock.retakeAfterSleep(token);
        }
        return signalled;
    }

    /** Wakes the oldest waiter, if any. */
    public void signal() {
        if (!anyQueued) {
            Schedulers.point();
            return;
        }
        sleepq.lock();
        Waiter first = sleepq.pollExclusive();
        anyQueued = !sleepq.isEmpty();
        sleepq.unlock();
        if (first != null) {
            Scheduler sched = Schedulers.current();
            if (!WakeupBatch.holdBack(first, sched)) first.grant(sched);
        }
        Schedulers.point();
    }

    /** Wakes every waiter. */
    public void broadcast() {
        if (!anyQueued) {
            Schedulers.point();
            return;
        }
        sleepq.lock();
        Waiter all = sleepq.drainExclusive();
        anyQueued = false;
        sleepq.unlock();
        Scheduler sched = Schedulers.current();
        if (!WakeupBatch.holdBack(all, sched)) Turnstile.grantAll(all, sched);
        Schedulers.point();
    }

    /** True if a thread is waiting (a snapshot, for tests and diagnostics). */
    public boolean hasWaiters() {
        sleepq.lock();
        boolean any = !sleepq.isEmpty();
        sleepq.unlock();
        return any;
    }

    /** A timed-out waiter leaves the queue; false if a signal took it out first (then it counts as signalled). */
    private boolean withdraw(Waiter self) {
        sleepq.lock();
        boolean removed = sleepq.remove(self);
        anyQueued = !sleepq.isEmpty();
        sleepq.unlock();
        return removed;
    }

    private static LockBase interlockOf(ExclusiveLock lock) {
        if (lock instanceof LockBase b && !(lock instanceof SpinMutex)) return b;
        throw new IllegalArgumentException("condition variable wait needs a mutex, sx, rw or rm lock or Giant, not " + lock);
    }

    private static long saturatedAdd(long a, long b) {
        long r = a + b;
        return ((a ^ r) & (b ^ r)) < 0 ? Long.MAX_VALUE : r;
    }

    @Override
    public String toString() { return "cv \"" + name + "\""; }
}
