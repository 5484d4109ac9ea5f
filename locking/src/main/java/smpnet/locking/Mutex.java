package smpnet.locking;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import smpnet.witness.LockFlags;
import smpnet.witness.LockKind;
import smpnet.witness.SleepKind;
import smpnet.witness.Witness;

/**
 * A sleep mutex (FreeBSD mtx(9), MTX_DEF): blocks when contended and is handed directly to the oldest
 * waiter on release, so waiters are served first come, first served and a releasing thread cannot barge
 * back in ahead of them. Its holder must not sleep (no cv wait except on this mutex, no sx acquisition):
 * witness checks that. Recursion only with {@link LockFlags#RECURSABLE}.
 *
 * <p>Locking key: {@code state} is changed by CAS, and under the turnstile's spin lock whenever the
 * WAITERS bit is involved; {@code owner}, {@code recursion} and {@code hold} are written only by the owner
 * (or, on hand-off, by the releasing owner for the next one, before it grants it).
 */
@LockImplementation
public class Mutex extends LockBase implements ExclusiveLock {
    private static final int FREE = 0;
    private static final int LOCKED = 1;
    /** Set while the turnstile has waiters: release must go through the slow path and hand off. */
    private static final int WAITERS = 2;
    private static final VarHandle STATE;

    static {
        try {
            STATE = MethodHandles.lookup().findVarHandle(Mutex.class, "state", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private volatile int state;
    private final Turnstile turnstile = new Turnstile();

    /** A non-recursive mutex of lock class {@code className}. */
    public Mutex(String className) { this(className, 0); }

    /** A mutex of lock class {@code className} with {@link LockFlags} {@code flags}. */
    public Mutex(String className, int flags) { this(className, flags, LockKind.MUTEX); }

    Mutex(String className, int flags, LockKind kind) { super(className, flags, kind); }

    Mutex(String className, int flags, LockKind kind, Witness witness) { super(className, flags, kind, witness); }

    @Override
    String kindName() { return "mutex"; }

    @Override
    public void lock() {
        Thread me = Thread.currentThread();
        witnessCheckOrder(true);
        String site = LockProfiler.fullModeSite();
        if (STATE.compareAndSet(this, FREE, LOCKED)) {
            owner = me;
            profileUncontended(site);
        } else if (owner == me) {
            recurse();
        } else {
            lockContended(me, site);
        }
        obtained(true, false);
    }

    @Override
    public boolean tryLock() {
        Thread me = Thread.currentThread();
        String site = LockProfiler.fullModeSite();
        if (STATE.compareAndSet(this, FREE, LOCKED)) {
            owner = me;
            profileUncontended(site);
        } else if (!tryRecurse(me)) {
            return false;
        }
        obtained(true, true);
        return true;
    }

    @Override
    public void unlock() {
        if (!releaseRecursion()) {
            profileReleased();
            owner = null;
            if (!STATE.compareAndSet(this, LOCKED, FREE)) handOff();
        }
        released(true);
    }

    /**
     * Slow path: spin briefly, then queue on the turnstile and park until the releasing owner hands the
     * mutex over.
     */
    private void lockContended(Thread me, String site) {
        long waitStart = LockProfiler.waitStart();
        String where = LockProfiler.siteOfWait(waitStart, site);
        witnessSleeping(blockKind());
        Scheduler sched = Schedulers.current();
        if (!spinForRelease(sched)) {
            Waiter self = new Waiter(me, false);
            turnstile.lock();
            if (queueOrTake()) {
                turnstile.enqueue(self);
                turnstile.unlock();
                self.await(sched, this, Long.MAX_VALUE);
            } else {
                turnstile.unlock();
            }
        }
        owner = me;
        profileContended(waitStart, where);
    }

    /**
     * Adaptive spinning: retries while nobody is queued; a queued waiter keeps the mutex LOCKED (hand-off),
     * so a spinner never passes it. True if the mutex was taken.
     */
    private boolean spinForRelease(Scheduler sched) {
        for (int i = sched.spinsBeforeBlocking(); i > 0; i--) {
            if (state == FREE && STATE.compareAndSet(this, FREE, LOCKED)) return true;
            Thread.onSpinWait();
        }
        return false;
    }

    /**
     * Under the turnstile lock: takes the mutex if it became free (returns false), else makes sure the
     * WAITERS bit is set so the owner's release will hand it over (returns true: queue and wait).
     */
    private boolean queueOrTake() {
        for (;;) {
            int s = state;
            if (s == FREE) {
                if (STATE.compareAndSet(this, FREE, LOCKED)) return false;
            } else if (s == (LOCKED | WAITERS) || STATE.compareAndSet(this, LOCKED, LOCKED | WAITERS)) {
                return true;
            }
        }
    }

    /** Release with waiters: the oldest waiter becomes the owner; the mutex never becomes free. */
    private void handOff() {
        turnstile.lock();
        Waiter next = turnstile.pollExclusive();
        state = turnstile.hasExclusive() ? LOCKED | WAITERS : LOCKED;
        owner = next.thread;
        turnstile.unlock();
        next.grant(Schedulers.current());
    }

    /** What witness is told before a contended acquisition blocks: a short block, not a sleep. */
    SleepKind blockKind() { return SleepKind.MUTEX_CONTENTION; }

    /** A cv wait may only drop a mutex held once: the sleeper could not restore a recursion it hid. */
    @Override
    int releaseForSleep() {
        assertNotRecursed();
        unlock();
        return 1;
    }

    @Override
    void retakeAfterSleep(int depth) {
        for (int i = 0; i < depth; i++) lock();
    }

    /** True if a thread is queued for it (a snapshot, for tests and diagnostics). */
    public boolean hasWaiters() { return (state & WAITERS) != 0; }

    /** How many times the calling thread holds it: 0 if it does not own it, 1 if held once. */
    public int recursionDepth() { return isOwned() ? recursion + 1 : 0; }

    @Override
    public void assertNotOwned() { if (isOwned()) throw failure("owned"); }

}
