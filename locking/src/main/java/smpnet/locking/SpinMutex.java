package smpnet.locking;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import smpnet.witness.LockFlags;
import smpnet.witness.LockKind;
import smpnet.witness.Witness;

/**
 * A spin mutex (FreeBSD MTX_SPIN) for the leaves of the lock order (allocator, timer wheel, wait queues).
 * It is a ticket lock: each acquirer takes the next ticket and spins until it is served, so waiters are
 * served first come, first served (as Linux's ticket spinlocks). Java cannot disable preemption, so a
 * waiter spins briefly and then yields through {@link Scheduler#spinWait}. Nothing that blocks may happen
 * while one is held (witness checks). Recursion only with {@link LockFlags#RECURSABLE}.
 *
 * <p>Locking key: {@code next} is taken by getAndAdd; {@code serving}, {@code owner}, {@code recursion}
 * and {@code hold} are written only by the owner.
 */
@LockImplementation
public final class SpinMutex extends LockBase implements ExclusiveLock {
    private static final VarHandle NEXT;
    private static final VarHandle SERVING;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            NEXT = l.findVarHandle(SpinMutex.class, "next", int.class);
            SERVING = l.findVarHandle(SpinMutex.class, "serving", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** The next ticket to hand out. */
    private volatile int next;
    /** The ticket that owns the lock (or will, as soon as it notices). */
    @GuardedBy("this")
    private volatile int serving;

    /** A non-recursive spin mutex of lock class {@code className}. */
    public SpinMutex(String className) { this(className, 0); }

    /** A spin mutex of lock class {@code className} with {@link LockFlags} {@code flags}. */
    public SpinMutex(String className, int flags) { super(className, flags, LockKind.SPIN); }

    SpinMutex(String className, int flags, Witness witness) { super(className, flags, LockKind.SPIN, witness); }

    @Override
    String kindName() { return "spin mutex"; }

    @Override
    public void lock() {
        Thread me = Thread.currentThread();
        String site = LockProfiler.fullModeSite();
        int s = serving;
        if (NEXT.compareAndSet(this, s, s + 1)) {
            owner = me;
            profileUncontended(site);
            obtainedWithoutWait(true); // no wait, so witness may check the order now: one hook instead of two
            return;
        }
        witnessCheckOrder(true); // before a recursion or a spin: a reversal is reported before it can deadlock
        if (owner == me) {
            recurse();
        } else {
            spinForTurn(me, site);
        }
        obtained(true, false);
    }

    @Override
    public boolean tryLock() {
        Thread me = Thread.currentThread();
        String site = LockProfiler.fullModeSite();
        int s = serving;
        if (NEXT.compareAndSet(this, s, s + 1)) {
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
        if (!releaseRecursion()) releaseOwned();
        released(true);
    }

    @Override
    void releaseOwned() {
        profileReleased();
        owner = null;
        SERVING.setRelease(this, serving + 1);
    }

    /** Slow path: take a ticket and spin (then yield) until it is served. Spinning is not sleeping. */
    private void spinForTurn(Thread me, String site) {
        witnessDeadOwner();
        long waitStart = LockProfiler.waitStart();
        String where = LockProfiler.siteOfWait(waitStart, site);
        int ticket = (int) NEXT.getAndAdd(this, 1);
        Scheduler sched = Schedulers.current();
        for (int i = 0; serving != ticket; i++) sched.spinWait(i);
        owner = me;
        profileContended(waitStart, where);
    }

    @Override
    int releaseForSleep() { throw failure("cannot be dropped by a sleep (spin locks are never held across one)"); }

    @Override
    void retakeAfterSleep(int token) { throw new IllegalStateException("unreachable"); }

    /** True if a thread holds a ticket behind the owner's (a snapshot, for tests and diagnostics). */
    public boolean hasWaiters() { return next - serving > 1; }

    @Override
    public void assertNotOwned() { if (isOwned()) throw failure("owned"); }

}
