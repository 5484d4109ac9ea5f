package smpnet.locking;

import smpnet.witness.LockClass;
import smpnet.witness.LockFlags;
import smpnet.witness.LockKind;
import smpnet.witness.ThreadState;
import smpnet.witness.Witness;
import smpnet.witness.WitnessException;

/**
 * What every smpnet lock has: its lock class (name and flags), its witness (null when witness is off or
 * the class is NOWITNESS), and the profiling record of its current exclusive hold. The witness and
 * profiling hooks of every primitive are here, so each primitive's lock and unlock read as the same steps.
 *
 * <p>Locking key: {@link #owner}, {@link #recursion} and {@link #hold} are written only by the exclusive
 * owner of the subclass's lock (or, on a hand-off, by the releasing owner for the next one, before it grants
 * it); other threads read {@code owner} only for diagnostics.
 */
@LockImplementation
abstract class LockBase extends CacheLinePadded {
    /**
     * False only when the JVM runs with {@code -Dsmpnet.locking.hooks=off}: the JIT then folds every witness
     * hook away, which is how the benchmarks measure what "witness off" costs against "no hooks at all".
     */
    static final boolean HOOKS = LockingSettings.hooks();

    final String className;
    final int flags;
    final LockKind kind;
    /** The verifier, read once: null when witness is off or the class is NOWITNESS. */
    final Witness w;
    final LockClass cls;
    /** Made unchecked because witness was off (not NOWITNESS): its use once witness is on is reported. */
    private final boolean madeWhileOff;
    /** The exclusive owner, or null. */
    @GuardedBy("this")
    Thread owner;
    /** How many times the exclusive owner re-entered (0: held once). */
    @GuardedBy("this")
    int recursion;
    /** Profiling record of the current exclusive hold, or null when it is not profiled. */
    @GuardedBy("this")
    LockProfiler.Hold hold;
    /**
     * Witness's state of the thread that last used this lock: a hint, no lock. Any thread may overwrite it;
     * witness uses it only if it is the caller's, which saves a ThreadLocal lookup per hook.
     */
    private ThreadState wts;
    /**
     * The held-stack entry witness last pushed this lock into (of the state {@link #wts} or another): a
     * hint like {@code wts}, no lock. With both, a lock taken again in the same nesting, and its release,
     * cost witness one level of loads (see {@link Witness#reacquired}).
     */
    private ThreadState.Entry went;

    LockBase(String className, int flags, LockKind kind) { this(className, flags, kind, Witness.active()); }

    /** With a given verifier (null: none); tests use a fresh one to see exactly the reports they cause. */
    LockBase(String className, int flags, LockKind kind, Witness witness) {
        if (className == null || className.isEmpty()) {
            throw new IllegalArgumentException("a lock needs a class name");
        }
        this.className = className;
        this.flags = flags;
        this.kind = kind;
        Witness active = (flags & LockFlags.NOWITNESS) != 0 ? null : witness;
        this.w = active;
        this.cls = active == null ? null : active.lockClass(className, kind, flags);
        this.madeWhileOff = witness == null && (flags & LockFlags.NOWITNESS) == 0;
    }

    /** The lock class name (e.g. "inp"). */
    public final String className() { return className; }

    /** The lock class flags ({@link LockFlags}). */
    public final int flags() { return flags; }

    final boolean recursable() { return (flags & LockFlags.RECURSABLE) != 0; }

    /** "mutex", "spin mutex", "sx", "rw" or "Giant": how messages name this kind of lock. */
    abstract String kindName();

    /** Who holds the lock now, for messages: {@code thread "x"}, {@code 2 readers} or {@code nobody}. */
    String holders() { return threadName(owner); }

    // ---- witness hooks: each is one read of the final field w when witness is off ----

    final void witnessCheckOrder(boolean exclusive) {
        if (HOOKS && w != null) keep(w.checkOrder(wts, this, cls, exclusive));
    }

    /** After every successful acquisition: witness learns the hold, then a scheduling point. */
    final void obtained(boolean exclusive, boolean tryLock) {
        if (HOOKS && w != null) {
            try {
                keepWithEntry(w.locked(wts, this, cls, exclusive, tryLock));
            } catch (WitnessException e) {
                // THROW refused a try's hold (DUPLICATE, RECURSION) without recording it: give back what the
                // try took, so the caller, who sees an exception and not "true", holds nothing.
                if (tryLock) undoTry(exclusive);
                throw e;
            }
        } else if (HOOKS && madeWhileOff && Witness.switchedOnLate()) {
            Witness.uncheckedLockUsed(className);
        }
        Schedulers.point();
    }

    /**
     * After a blocking acquisition (exclusive or shared) that took a free lock without waiting: witness checks
     * the order and learns the hold in one step (it could not deadlock, so the check may follow the
     * acquisition). Under THROW a refused acquisition gives the hold back before the exception reaches the
     * caller. Every primitive's lock and lockShared take this path when they get in at once; one that must
     * wait (or re-enters) calls {@link #witnessCheckOrder} first and {@link #obtained} after.
     */
    final void obtainedWithoutWait(boolean exclusive) {
        if (HOOKS && w != null) {
            if (!w.reacquired(wts, went, this, cls, exclusive)) witnessAcquired(exclusive);
        } else if (HOOKS && madeWhileOff && Witness.switchedOnLate()) {
            Witness.uncheckedLockUsed(className);
        }
        Schedulers.point();
    }

    /**
     * {@link #witnessCheckOrder} for a lock that already took part of what it needs and will wait for the
     * rest (an rm writer holding the writer flag, waiting for readers to drain): under THROW {@code giveBack}
     * runs before the refusal reaches the caller, so nothing stays taken.
     */
    final void witnessCheckOrderOrGiveBack(boolean exclusive, Runnable giveBack) {
        try {
            witnessCheckOrder(exclusive);
        } catch (WitnessException e) {
            giveBack.run();
            throw e;
        }
    }

    /** {@link #obtainedWithoutWait} when the lock's hints did not let witness push it back at once. */
    private void witnessAcquired(boolean exclusive) {
        try {
            keepWithEntry(w.acquired(wts, this, cls, exclusive));
        } catch (WitnessException e) {
            undoTry(exclusive);
            throw e;
        }
    }

    /** Stores witness's thread state only when it changed (a reference store costs a GC barrier). */
    private void keep(ThreadState ts) {
        if (ts != wts) wts = ts;
    }

    /** After an acquisition hook: keeps the state, and the entry the lock was pushed into (if it was). */
    private void keepWithEntry(ThreadState ts) {
        keep(ts);
        ThreadState.Entry e = w.entryOf(ts, this);
        if (e != null && e != went) went = e;
    }

    /** Gives back a hold a successful try took, without telling witness (which did not record it). */
    void undoTry(boolean exclusive) {
        if (!exclusive) throw new AssertionError("shared try on an exclusive-only lock");
        if (recursion > 0) recursion--; else releaseOwned();
    }

    /** The owner's last exclusive hold ends: the lock's own state only, witness is told by the caller. */
    abstract void releaseOwned();

    /**
     * After every release: witness forgets the hold, then a scheduling point. Witness hears of a release
     * only once the lock's own state is released, so a witness that throws leaves no lock held.
     */
    final void released(boolean exclusive) {
        witnessUnlocked(exclusive);
        Schedulers.point();
    }

    final void witnessUnlocked(boolean exclusive) {
        if (HOOKS && w != null && !w.releasedTop(wts, went, this, exclusive)) keep(w.unlocked(wts, this, cls, exclusive));
    }

    /** Before a contended acquisition blocks: a dead owner is reported first (it will never release). */
    final void witnessSleeping(smpnet.witness.SleepKind why) {
        if (HOOKS && w != null) {
            witnessDeadOwner();
            w.sleeping(why, null);
        }
    }

    /**
     * A thread that ended holding this lock exclusively will never release it: witness reports it (once)
     * before the caller waits for good. Java has no thread-exit hook, so the waiter is where it shows.
     */
    final void witnessDeadOwner() {
        Thread o = owner;
        if (HOOKS && w != null && o != null && !o.isAlive()) w.reportDeadThreads();
    }

    // ---- profiling of exclusive holds ----

    /** Fast path: {@code site} is non-null only in full and classes mode, when every acquisition is profiled. */
    final void profileUncontended(String site) {
        if (site != null) hold = LockProfiler.obtained(className, true, LockProfiler.NOT_TIMED, site);
    }

    /** Slow path: {@code waitStart} is {@link LockProfiler#NOT_TIMED} when profiling was off. */
    final void profileContended(long waitStart, String site) {
        if (waitStart != LockProfiler.NOT_TIMED) hold = LockProfiler.obtained(className, true, waitStart, site);
    }

    final void profileReleased() {
        LockProfiler.Hold h = hold;
        if (h != null) {
            hold = null;
            LockProfiler.released(h);
        }
    }

    // ---- condition variable waits ----

    /** Releases the lock for a cv wait; returns what {@link #retakeAfterSleep} needs to restore it. */
    abstract int releaseForSleep();

    /** Retakes the lock after a cv wait, as it was held before. */
    abstract void retakeAfterSleep(int token);

    // ---- ownership and assertions ----

    /** Exclusive re-entry by the owner: allowed only for RECURSABLE classes, and loud otherwise. */
    final void recurse() {
        if (!recursable()) throw failure("recursed on a non-recursive lock");
        recursion++;
    }

    /** A try by the owner: re-enters a RECURSABLE lock; false (the try fails) otherwise. */
    final boolean tryRecurse(Thread me) {
        if (owner != me || !recursable()) return false;
        recursion++;
        return true;
    }

    /**
     * The start of every exclusive release: checks ownership (a release of a lock not owned is reported to
     * witness, then fails loudly), and drops one recursion level if there is one (true: still held).
     */
    final boolean releaseRecursion() {
        if (owner != Thread.currentThread()) {
            witnessUnlocked(true);
            throw failure("unlocked but not owned");
        }
        if (recursion == 0) return false;
        recursion--;
        return true;
    }

    /** True if the calling thread holds it exclusively. */
    public boolean isOwned() { return owner == Thread.currentThread(); }

    /** The exclusive owner, or null: a snapshot for diagnostics when asked by another thread. */
    public Thread owner() { return owner; }

    /** Throws unless the caller holds it exclusively. */
    public void assertOwned() { if (!isOwned()) throw failure("not owned"); }

    /** Throws unless the caller holds it more than once. */
    public void assertRecursed() {
        assertOwned();
        if (recursion == 0) throw failure("not recursed");
    }

    /** Throws unless the caller holds it exactly once (a sleep may only drop a lock held once). */
    public void assertNotRecursed() {
        assertOwned();
        if (recursion > 0) throw failure("recursed");
    }

    /** A failure naming this lock, its class, the calling thread and the holders. */
    final LockAssertionError failure(String what) {
        return new LockAssertionError(describe() + " " + what + " by thread \"" + Thread.currentThread().getName()
                + "\" (held by " + holders() + ")");
    }

    /** {@code mutex "inp" @1b6d3586}: kind, class name and identity, as every message names a lock. */
    final String describe() {
        return kindName() + " \"" + className + "\" @" + Integer.toHexString(System.identityHashCode(this));
    }

    static String threadName(Thread t) { return t == null ? "nobody" : "thread \"" + t.getName() + "\""; }

    @Override
    public String toString() { return describe(); }
}
