package smpnet.locking;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import smpnet.witness.LockFlags;
import smpnet.witness.LockKind;
import smpnet.witness.SleepKind;
import smpnet.witness.Witness;

/**
 * The reader/writer lock shared by {@link SxLock} and {@link RwLock}, which differ only in what their
 * holders may do (an sx holder may sleep; an rw holder never does) and how witness is told they block.
 *
 * <p><b>Fairness</b> (each lock's rule, and what witness is told through its class flags):
 * <ul>
 *   <li>Default, writer-preferring: a waiting writer blocks new readers, so a stream of readers cannot
 *       starve a writer. A thread that already holds the lock shared may take it shared again past a waiting
 *       writer (else it would deadlock with itself). A cycle through read acquisitions can therefore
 *       deadlock, and witness checks read-read edges (the class has no READERS_PASS_WRITERS flag).</li>
 *   <li>With {@link LockFlags#READERS_PASS_WRITERS}: readers enter whenever no writer holds the lock, even
 *       past waiting writers (writers may starve). Read-read cycles cannot deadlock and witness exempts
 *       them.</li>
 * </ul>
 * Hand-off on release is the same in both modes: a releasing writer hands the lock to every queued reader
 * if there are any (they were held up by it), else to the oldest queued writer; the last releasing reader
 * hands it to the oldest queued writer. Waiters never wait for a lock that is free.
 *
 * <p>Locking key: {@code state} holds the WRITER bit, the WAITERS bit and the number of reading threads.
 * While WAITERS is set, every change of {@code state} except a non-last reader leaving is made under the
 * turnstile's spin lock, which is what lets the hand-off paths write it plainly. {@code owner},
 * {@code recursion} and {@code hold} are as in {@link LockBase}; shared recursion counts live
 * in the reader's own {@link ReadHolds}.
 */
@LockImplementation
abstract class AbstractSharedLock extends ReaderWriterLock {
    private static final int WRITER = 1;
    private static final int WAITERS = 2;
    private static final int READER = 4;
    private static final VarHandle STATE;

    static {
        try {
            STATE = MethodHandles.lookup().findVarHandle(AbstractSharedLock.class, "state", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private volatile int state;
    private final Turnstile turnstile = new Turnstile();
    private final boolean readersPassWriters;

    AbstractSharedLock(String className, int flags, LockKind kind, Witness witness) {
        super(className, flags, kind, witness);
        this.readersPassWriters = (flags & LockFlags.READERS_PASS_WRITERS) != 0;
    }

    /** What witness is told before an acquisition blocks. */
    abstract SleepKind blockKind();

    @Override
    String holders() {
        Thread o = owner;
        int readers = state / READER;
        return o != null ? threadName(o) : readers > 0 ? readers + (readers == 1 ? " reader" : " readers") : "nobody";
    }

    // ---- exclusive ----

    @Override
    public void lock() {
        Thread me = Thread.currentThread();
        String site = LockProfiler.fullModeSite();
        if (STATE.compareAndSet(this, 0, WRITER)) {
            owner = me;
            profileUncontended(site);
            obtainedWithoutWait(true); // no wait, so witness may check the order now: one hook instead of two
            return;
        }
        witnessCheckOrder(true); // before a recursion or a wait: a reversal is reported before it can deadlock
        if (owner == me) {
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
        if (STATE.compareAndSet(this, 0, WRITER)) {
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
        if (!STATE.compareAndSet(this, WRITER, 0)) handOff(0);
    }

    @Override
    void undoTry(boolean exclusive) {
        if (exclusive) super.undoTry(true); else dropSharedHold();
    }

    private void lockContended(Thread me, String site) {
        if (ReadHolds.current().count(this) > 0) {
            throw failure("acquired exclusive while held shared (a deadlock; use tryUpgrade)");
        }
        long waitStart = LockProfiler.waitStart();
        String where = LockProfiler.siteOfWait(waitStart, site);
        witnessSleeping(blockKind());
        Scheduler sched = Schedulers.current();
        if (!spinToEnter(sched, false)) {
            Waiter self = new Waiter(me, false);
            turnstile.lock();
            if (queueOrTakeExclusive()) {
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
     * Adaptive spinning before queueing: retries the lock-free entry while nobody is queued, so a spinner
     * never passes a queued waiter. True if it got in ({@code shared}: as a reader).
     */
    private boolean spinToEnter(Scheduler sched, boolean shared) {
        for (int i = sched.spinsBeforeBlocking(); i > 0; i--) {
            int s = state;
            if (shared ? (s & (WRITER | WAITERS)) == 0 && STATE.compareAndSet(this, s, s + READER)
                    : s == 0 && STATE.compareAndSet(this, 0, WRITER)) {
                return true;
            }
            Thread.onSpinWait();
        }
        return false;
    }

    /** Under the turnstile lock: takes the lock if nobody holds it (false), else sets WAITERS (true). */
    private boolean queueOrTakeExclusive() {
        for (;;) {
            int s = state;
            if ((s & ~WAITERS) == 0) {
                if (STATE.compareAndSet(this, s, s | WRITER)) return false;
            } else if ((s & WAITERS) != 0 || STATE.compareAndSet(this, s, s | WAITERS)) {
                return true;
            }
        }
    }

    // ---- shared ----

    @Override
    public void lockShared() {
        Thread me = Thread.currentThread();
        String site = LockProfiler.fullModeSite();
        ReadHolds holds = ReadHolds.current();
        ReadHolds.Entry e = holds.find(this);
        int s = state;
        if (e == null && (s & (WRITER | WAITERS)) == 0 && STATE.compareAndSet(this, s, s + READER)) {
            e = holds.add(this);
            if (site != null) e.hold = LockProfiler.obtained(className, false, LockProfiler.NOT_TIMED, site);
            obtainedWithoutWait(false); // a new read hold that did not wait: one witness hook
            return;
        }
        witnessCheckOrder(false); // before a re-entry or a wait
        if (e != null) {
            e.count++;
        } else {
            lockSharedContended(me, holds, site);
        }
        obtained(false, false);
    }

    @Override
    public boolean tryLockShared() {
        String site = LockProfiler.fullModeSite();
        ReadHolds holds = ReadHolds.current();
        ReadHolds.Entry e = holds.find(this);
        if (e != null) {
            e.count++;
        } else if (takeSharedNow()) {
            e = holds.add(this);
            if (site != null) e.hold = LockProfiler.obtained(className, false, LockProfiler.NOT_TIMED, site);
        } else {
            return false;
        }
        obtained(false, true);
        return true;
    }

    /** A try: lock-free while nobody waits; under the turnstile lock otherwise (see the locking key). */
    private boolean takeSharedNow() {
        int s = state;
        if ((s & (WRITER | WAITERS)) == 0 && STATE.compareAndSet(this, s, s + READER)) return true;
        if ((s & WRITER) != 0 || owner == Thread.currentThread()) return false;
        turnstile.lock();
        try {
            for (;;) {
                s = state;
                if (writerBlocksReaders(s)) return false;
                if (STATE.compareAndSet(this, s, s + READER)) return true;
            }
        } finally {
            turnstile.unlock();
        }
    }

    @Override
    public void unlockShared() {
        dropSharedHold();
        released(false);
    }

    /** One shared hold of the caller ends (the lock's own state only). */
    private void dropSharedHold() {
        ReadHolds holds = ReadHolds.current();
        ReadHolds.Entry e = sharedHoldOrFail(holds);
        if (--e.count == 0) {
            if (e.hold != null) LockProfiler.released(e.hold);
            holds.remove(e);
            leaveReaders();
        }
    }

    private void lockSharedContended(Thread me, ReadHolds holds, String site) {
        if (owner == me) throw failure("acquired shared while held exclusive (a deadlock)");
        long waitStart = LockProfiler.waitStart();
        String where = LockProfiler.siteOfWait(waitStart, site);
        witnessSleeping(blockKind());
        Scheduler sched = Schedulers.current();
        if (!spinToEnter(sched, true)) {
            Waiter self = new Waiter(me, true);
            turnstile.lock();
            if (queueOrTakeShared()) {
                turnstile.enqueue(self);
                turnstile.unlock();
                self.await(sched, this, Long.MAX_VALUE);
            } else {
                turnstile.unlock();
            }
        }
        ReadHolds.Entry e = holds.add(this);
        if (waitStart != LockProfiler.NOT_TIMED) e.hold = LockProfiler.obtained(className, false, waitStart, where);
    }

    /** The fairness rule: does the state (and the queue) keep a new reader out? Under the turnstile lock. */
    private boolean writerBlocksReaders(int s) {
        return (s & WRITER) != 0 || (!readersPassWriters && turnstile.hasExclusive());
    }

    /** Under the turnstile lock: enters as a reader if the fairness rule allows (false), else queues (true). */
    private boolean queueOrTakeShared() {
        for (;;) {
            int s = state;
            if (!writerBlocksReaders(s)) {
                if (STATE.compareAndSet(this, s, s + READER)) return false;
            } else if ((s & WAITERS) != 0 || STATE.compareAndSet(this, s, s | WAITERS)) {
                return true;
            }
        }
    }

    /** A reading thread leaves; the last one out hands the lock to the waiters, if any. */
    private void leaveReaders() {
        for (;;) {
            int s = state;
            if ((s & WAITERS) != 0 && s / READER == 1) {
                handOff(READER);
                return;
            }
            if (STATE.compareAndSet(this, s, s - READER)) return;
        }
    }

    /**
     * The last holder leaves (a writer: {@code leaving} 0; a reader: {@code leaving} READER) with waiters
     * queued: queued readers get it if a writer left, else the oldest writer does.
     */
    private void handOff(int leaving) {
        Waiter chain;
        int next;
        turnstile.lock();
        while (leaving == READER && state / READER > 1) {
            int s = state;
            if (STATE.compareAndSet(this, s, s - READER)) {
                turnstile.unlock();
                return;
            }
        }
        if (turnstile.hasShared() && (leaving != READER || !turnstile.hasExclusive())) {
            chain = turnstile.drainShared();
            next = Turnstile.length(chain) * READER;
        } else {
            chain = turnstile.pollExclusive();
            next = chain == null ? 0 : WRITER;
            owner = chain == null ? null : chain.thread;
        }
        state = turnstile.isEmpty() ? next : next | WAITERS;
        turnstile.unlock();
        Turnstile.grantAll(chain, Schedulers.current());
    }

    // ---- upgrade and downgrade ----

    /**
     * Turns the caller's only shared hold into an exclusive one if no other thread reads; never blocks.
     * Returns false (still held shared) when other readers are in.
     */
    public boolean tryUpgrade() {
        ReadHolds holds = ReadHolds.current();
        ReadHolds.Entry e = holds.find(this);
        if (e == null || e.count != 1) throw failure("upgraded but not held shared exactly once");
        for (;;) {
            int s = state;
            if (s / READER != 1) return false;
            if (STATE.compareAndSet(this, s, (s - READER) | WRITER)) break;
        }
        if (e.hold != null) LockProfiler.released(e.hold);
        holds.remove(e);
        owner = Thread.currentThread();
        profileUncontended(LockProfiler.fullModeSite());
        if (HOOKS && w != null) w.upgraded(this, cls);
        Schedulers.point();
        return true;
    }

    /** Turns the caller's exclusive hold into a shared one, letting in the readers that queued behind it. */
    public void downgrade() {
        if (owner != Thread.currentThread() || recursion > 0) throw failure("downgraded but not owned exclusive once");
        profileReleased();
        owner = null;
        turnstile.lock();
        Waiter readers = turnstile.drainShared();
        int next = (1 + Turnstile.length(readers)) * READER;
        state = turnstile.isEmpty() ? next : next | WAITERS;
        turnstile.unlock();
        ReadHolds.Entry e = ReadHolds.current().add(this);
        String site = LockProfiler.fullModeSite();
        if (site != null) e.hold = LockProfiler.obtained(className, false, LockProfiler.NOT_TIMED, site);
        if (HOOKS && w != null) w.downgraded(this, cls);
        Turnstile.grantAll(readers, Schedulers.current());
        Schedulers.point();
    }

    // ---- diagnostics (ownership and assertions: ReaderWriterLock) ----

    /** True if a thread is queued for it (a snapshot, for tests and diagnostics). */
    public boolean hasWaiters() { return (state & WAITERS) != 0; }

    /** How many threads hold it shared now (a snapshot). */
    public int readers() { return state / READER; }
}
