package smpnet.locking;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import smpnet.witness.LockFlags;
import smpnet.witness.LockKind;
import smpnet.witness.SleepKind;
import smpnet.witness.Witness;

/**
 * A sleep mutex (FreeBSD mtx(9), MTX_DEF): spins while contended and its owner runs, then blocks on its
 * turnstile. Its holder must not sleep (no cv wait except on this mutex, no sx acquisition): witness checks
 * that. Recursion only with {@link LockFlags#RECURSABLE}.
 *
 * <p><b>Adaptive spinning.</b> A contended acquisition first spins, retrying whenever the mutex looks free,
 * for as long as the thread that holds it is running. Why spin: a running owner is inside a short critical
 * section and will release within microseconds, sooner than a park and an unpark would take (two context
 * switches, and the lock idle while the waiter wakes). Why never while the owner is blocked: a blocked
 * owner releases only after someone wakes it, so every spin would be wasted, and on a busy machine would
 * take a CPU from the very thread the owner waits for. So the spin stops as soon as the owner blocks, when
 * the mutex passes to a thread that is not running (a waiter it was handed to, still waking up), when one
 * hold outlasts a short stall budget ({@link Scheduler#spinStallNanos()}), and at a ceiling; then the thread
 * queues and parks. Only one thread at a time spins adaptively on a mutex; other contenders spin briefly
 * and queue. The stall budget and the ceiling bound what a wrong guess costs: "runnable" also covers
 * an owner waiting for a CPU (preempted, with more runnable threads than CPUs), which cannot release before
 * its next time slice. A running owner's critical section ends within microseconds, so a hold that has not
 * ended within the budget (the mutex's hold count, bumped by every new owner, has not moved) is taken for a
 * preempted owner; a mutex that keeps changing hands is spun on up to the ceiling. Each mutex also tunes its own ceiling: a spin that runs out with the
 * owner still runnable halves the next spins' ceiling, a spin that takes the mutex doubles it back (up to
 * the scheduler's). The scheduler decides the rest ({@link Scheduler#adaptiveSpinNanos()},
 * {@link Scheduler#isRunnable}): the free scheduler spins up to about a time slice when the process may use
 * two CPUs or more; a process on one CPU (where a spinner only delays the owner) and a
 * deterministic scheduler (where nothing else runs meanwhile) never spin on the owner, and fall back to the
 * short fixed spin of {@link Scheduler#spinsBeforeBlocking()} (none under a deterministic scheduler).
 * FreeBSD's adaptive mutexes (spin while the owner is on a CPU), Linux's mutex optimistic spinning, and
 * HotSpot's monitors (which also tune their spin per monitor) decide the same way.
 *
 * <p><b>Release policy: wake and barge, hand off only to a starving waiter.</b> A release with waiters
 * makes the mutex free and wakes the oldest waiter; until that waiter runs, any running thread may take
 * the mutex (barging, including the releaser itself and adaptive spinners). A woken waiter that finds the
 * mutex taken again goes back to the head of the queue and sets HANDOFF: the next release then grants it
 * the mutex directly, with no window for anyone else. So a waiter is passed at most once after it was
 * woken (bounded starvation), while two threads that both want the mutex all the time keep running
 * instead of forming a convoy. Strict first come, first served hand-off on every release (what this class
 * did before) turns each acquisition into a park/unpark round trip under such load: the releaser, still
 * running, must block behind the waiter it just woke, and the woken thread pays a wake-up before it can
 * use the lock. FreeBSD's mutexes barge the same way; Linux's mutexes add the same HANDOFF flag for a
 * woken waiter that lost. Only one waiter is woken at a time: a release while a woken waiter has not come
 * back wakes nobody (that waiter will take the free mutex or ask for hand-off), so the woken waiter is
 * unique and is the one HANDOFF designates. The JVM property {@code smpnet.locking.mutex.handoff=always}
 * restores strict hand-off on every release, for benchmarks that compare the two policies only.
 *
 * <p>Locking key: {@code state} is changed by CAS; WAITERS and HANDOFF are set and cleared only under the
 * turnstile's spin lock (WAITERS: the turnstile queue is not empty; HANDOFF: its head waiter was woken,
 * lost, and gets the mutex on the next release, which implies LOCKED). {@code wakePending} is guarded by
 * the turnstile's spin lock. {@code owner}, {@code recursion} and {@code hold} are written only by the
 * owner (or, on hand-off, by the releasing owner for the next one, before it grants it); spinners read
 * {@code owner} and {@code holds} without a lock, to see who must release next and whether the mutex changes
 * hands. {@code spinCutback} is a hint that contenders update without a lock; {@code spinner} is taken and
 * cleared by the one adaptive spinner, by CAS.
 */
@LockImplementation
public class Mutex extends LockBase implements ExclusiveLock {
    private static final int FREE = 0;
    private static final int LOCKED = 1;
    /** Set while the turnstile has queued waiters: release must go through the slow path. */
    private static final int WAITERS = 2;
    /** Set by a woken waiter that lost the race: the next release hands the mutex to the queue's head. */
    private static final int HANDOFF = 4;
    /** Benchmark-only: hand off to the oldest waiter on every release (the old strict FIFO policy). */
    static final boolean ALWAYS_HAND_OFF = LockingSettings.mutexAlwaysHandsOff();
    private static final VarHandle STATE;
    /** The owner field, read by spinners: opaque, so every check sees the owner of the moment. */
    private static final VarHandle OWNER;
    /** The hold count, read by spinners: opaque, as the owner. */
    private static final VarHandle HOLDS;
    private static final VarHandle SPINNER;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            STATE = lookup.findVarHandle(Mutex.class, "state", int.class);
            OWNER = lookup.findVarHandle(LockBase.class, "owner", Thread.class);
            HOLDS = lookup.findVarHandle(Mutex.class, "holds", int.class);
            SPINNER = lookup.findVarHandle(Mutex.class, "spinner", boolean.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private volatile int state;
    private final Turnstile turnstile = new Turnstile();
    /** A released waiter was woken and has not yet taken the mutex or queued again. */
    @GuardedBy("turnstile")
    private boolean wakePending;
    /**
     * How far this mutex's adaptive spins are cut back: each spins at most the scheduler's ceiling shifted
     * right by this many bits (see {@link OwnerSpin#nextCutback}). No lock: contenders update it as a hint,
     * and a lost update only delays the tuning by one spin.
     */
    private volatile int spinCutback;
    /**
     * How many times the mutex changed hands (recursion aside), modulo 2^32: bumped by every new owner, so a
     * spinner that sees the same count for longer than {@link Scheduler#spinStallNanos()} knows that no
     * thread released and re-took the mutex meanwhile (see {@link OwnerSpin}).
     */
    private int holds;
    /** A thread spins adaptively on this mutex: the only one (see spinForRelease). Set by CAS. */
    private volatile boolean spinner;

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
        if (owner == me) {
            // The owner again (Giant in giant mode, taken for every lock of the stack, many times per packet):
            // no compare-and-set, which would fail and still take the mutex's cache line exclusive. Only the
            // owner writes its own name into owner, and only the owner clears it.
            witnessCheckOrder(true);
            recurse();
            obtained(true, false);
            return;
        }
        String site = LockProfiler.fullModeSite();
        if (STATE.compareAndSet(this, FREE, LOCKED)) {
            owner = me;
            holds++;
            profileUncontended(site);
            obtainedWithoutWait(true); // no wait, so witness may check the order now: one hook instead of two
            return;
        }
        witnessCheckOrder(true); // before a wait: a reversal is reported before it can deadlock
        lockContended(me, site);
        obtained(true, false);
    }

    @Override
    public boolean tryLock() {
        Thread me = Thread.currentThread();
        String site = LockProfiler.fullModeSite();
        if (barge()) {
            owner = me;
            holds++;
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
        if (!STATE.compareAndSet(this, LOCKED, FREE)) releaseToWaiters();
    }

    /** Takes the mutex if it is free, even with waiters queued (they are woken, not owners). */
    private boolean barge() {
        int s = state;
        return (s & LOCKED) == 0 && STATE.compareAndSet(this, s, s | LOCKED);
    }

    /**
     * Slow path: spin (see the class comment), then queue on the turnstile and park until woken. A woken
     * waiter spins again (the owner that barged in is likely running and about to release), then retries
     * once under the turnstile lock; if it loses, it queues again at the head asking for hand-off, and the
     * next release makes it the owner.
     */
    private void lockContended(Thread me, String site) {
        long waitStart = LockProfiler.waitStart();
        String where = LockProfiler.siteOfWait(waitStart, site);
        witnessSleeping(blockKind());
        Scheduler sched = Schedulers.current();
        if (!spinForRelease(sched)) waitForTurn(me, sched);
        owner = me;
        holds++;
        profileContended(waitStart, where);
    }

    /** Queues and parks until the mutex is handed over or taken after a wake-up (see lockContended). */
    private void waitForTurn(Thread me, Scheduler sched) {
        for (boolean woken = false; ; woken = true) {
            Waiter self = new Waiter(me, false);
            turnstile.lock();
            if (woken) wakePending = false;
            boolean taken = takeOrQueue(self, woken);
            turnstile.unlock();
            if (taken) return;
            self.await(sched, this, Long.MAX_VALUE);
            if (self.handedOver()) return;
            if (spinForRelease(sched)) {
                endWake();
                return;
            }
        }
    }

    /** A woken waiter took the mutex by spinning: releases may wake the next waiter again. */
    private void endWake() {
        turnstile.lock();
        wakePending = false;
        turnstile.unlock();
    }

    /**
     * Spins before queueing, barging in whenever the mutex is free: adaptively while the owner runs when the
     * scheduler allows it and no other thread spins on this mutex already, else a fixed number of times.
     * True if the mutex was taken.
     *
     * <p>One adaptive spinner per mutex, as Linux queues its optimistic spinners so that only the first
     * spins on the owner: when the mutex is freed only one thread can take it, so a second spinner can
     * only burn a CPU, which with more runnable threads than CPUs another thread (perhaps the owner) was
     * waiting for. The others do the short fixed spin and queue.
     */
    private boolean spinForRelease(Scheduler sched) {
        long ceiling = sched.adaptiveSpinNanos();
        if (ceiling <= 0 || !SPINNER.compareAndSet(this, false, true)) return spinFixed(sched.spinsBeforeBlocking());
        try {
            OwnerSpin spin = new OwnerSpin(sched, ceiling, spinCutback, sched.spinStallNanos());
            boolean taken = spinWhileOwnerRuns(spin);
            int next = spin.nextCutback(taken);
            if (next != spin.cutback) spinCutback = next;
            return taken;
        } finally {
            spinner = false;
        }
    }

    private boolean spinFixed(int spins) {
        for (int i = spins; i > 0; i--) {
            if (barge()) return true;
            Thread.onSpinWait();
        }
        return false;
    }

    /**
     * Reads the mutex with exponential backoff between reads (1, 2, 4 ... {@link OwnerSpin#MAX_BACKOFF}
     * pauses), and looks at the owner and the clock once {@link OwnerSpin#CHECK_EVERY} pauses have passed
     * since the last look. Backoff matters as much as spinning: every read by a spinner takes the mutex's
     * cache line away from the owner in exclusive state, so the owner's next write to it (a nested
     * acquisition of Giant bumps the recursion count, many times per packet) pays a cache miss. A
     * spinner that reads every pause slows the owner it waits for; one that reads every few microseconds
     * costs it next to nothing. The price is a release noticed up to one backoff late, which costs
     * nothing when the owner takes the mutex back meanwhile (Giant's ithreads do) and a little idle time
     * otherwise. Backoff is what FreeBSD's lock_delay() does between reads of a lock word.
     */
    private boolean spinWhileOwnerRuns(OwnerSpin spin) {
        int sinceCheck = OwnerSpin.CHECK_EVERY;
        for (int backoff = 1; ; backoff = Math.min(backoff << 1, OwnerSpin.MAX_BACKOFF)) {
            if (barge()) return true;
            if (sinceCheck >= OwnerSpin.CHECK_EVERY) {
                if (!spin.worthSpinning((Thread) OWNER.getOpaque(this), (int) HOLDS.getOpaque(this))) return false;
                sinceCheck = 0;
            }
            for (int i = 0; i < backoff; i++) Thread.onSpinWait();
            sinceCheck += backoff;
        }
    }

    /**
     * Under the turnstile lock: takes the mutex if it is free (true), else queues {@code self} and sets
     * WAITERS (false). A woken waiter that lost ({@code lost}) queues at the head and sets HANDOFF.
     */
    private boolean takeOrQueue(Waiter self, boolean lost) {
        for (;;) {
            int s = state;
            if ((s & LOCKED) == 0) {
                if (STATE.compareAndSet(this, s, s | LOCKED)) return true;
                continue;
            }
            int queued = s | WAITERS | (lost ? HANDOFF : 0);
            if (s == queued || STATE.compareAndSet(this, s, queued)) break;
        }
        if (lost) turnstile.enqueueFirst(self); else turnstile.enqueue(self);
        return false;
    }

    /**
     * Release with waiters queued. With HANDOFF (or the benchmark-only strict policy) the head waiter
     * becomes the owner and the mutex never becomes free; otherwise the mutex becomes free and the head
     * waiter is woken to compete for it, unless a woken waiter is still on its way.
     */
    private void releaseToWaiters() {
        turnstile.lock();
        Waiter next;
        if (ALWAYS_HAND_OFF || (state & HANDOFF) != 0) {
            next = turnstile.pollExclusive();
            owner = next.thread;
            holds++;
            next.handOver();
            state = turnstile.hasExclusive() ? LOCKED | WAITERS : LOCKED;
        } else {
            next = wakePending ? null : turnstile.pollExclusive();
            wakePending |= next != null;
            state = turnstile.hasExclusive() ? WAITERS : FREE;
        }
        turnstile.unlock();
        if (next != null) next.grant(Schedulers.current());
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

    /** The cutback of its adaptive spins (see {@link OwnerSpin#nextCutback}), for tests. */
    int spinCutback() { return spinCutback; }

    /** How many times the calling thread holds it: 0 if it does not own it, 1 if held once. */
    public int recursionDepth() { return isOwned() ? recursion + 1 : 0; }

    @Override
    public void assertNotOwned() { if (isOwned()) throw failure("owned"); }

    /**
     * The decision of one adaptive spin, apart from the loop so a test can drive it with a fake scheduler:
     * go on while the owner seen at this check is runnable, the mutex has changed hands within the stall
     * budget, and the ceiling has not passed. The owner seen may differ from check to check (another
     * spinner barged in): what matters is whether the thread that must release next is running. A null
     * owner is a thread between its winning CAS and its write of the owner field, or a releaser between
     * clearing the field and freeing the mutex: running either way.
     *
     * <p>Why the stall budget: FreeBSD spins while the owner is on a CPU, which Java cannot see. "Runnable"
     * also covers an owner that waits for a CPU, preempted with the mutex held, as happens all the time when
     * more threads are runnable than there are CPUs; such an owner releases only after its next time slice,
     * milliseconds away, and the spinner burns the CPU it may be waiting for. So the spinner also watches
     * the mutex's hold count: a running owner's critical section lasts microseconds, so a hold that has not
     * ended within the budget (about a park/unpark round trip) is taken for a preempted owner, and the
     * spinner parks. A mutex that keeps changing hands (its owners re-take it, as Giant's ithreads do) shows
     * progress at every check and is spun on up to the ceiling, as before.
     */
    static final class OwnerSpin {
        /** Pauses between two checks: a check costs a clock read and a look at the owner's thread state. */
        static final int CHECK_EVERY = 16;
        /**
         * The longest backoff between two reads of the mutex, in pauses: some 20 microseconds where a pause
         * takes 20 ns, still short of a park/unpark round trip. Measured on the giant-mode UDP benchmark, 2
         * CPUs against 1: reading every 256 pauses kept the owner about as slow as parking waiters did.
         */
        static final int MAX_BACKOFF = 1024;
        /** The deepest cutback: 1/64 of the ceiling, some 15 microseconds with the free scheduler's. */
        static final int MAX_CUTBACK = 6;
        private final Scheduler sched;
        /** The mutex's cutback when this spin began. */
        final int cutback;
        private final long deadline;
        private final long stallNanos;
        /** The hold count at the last check where it changed, and the time of that check. */
        private int lastHolds;
        private long holdSeenAt;
        private boolean seenHold;
        /** The spin stopped at its ceiling with the owner still runnable. */
        private boolean ranOut;

        /**
         * A spin of at most {@code ceilingNanos} shifted right by {@code cutback} bits, from now on, that
         * gives up on one hold after {@code stallNanos}.
         */
        OwnerSpin(Scheduler sched, long ceilingNanos, int cutback, long stallNanos) {
            this.sched = sched;
            this.cutback = cutback;
            this.stallNanos = stallNanos;
            this.deadline = sched.nanoTime() + (ceilingNanos >> cutback);
        }

        /**
         * True to spin on; false to queue and park. {@code holds} is the mutex's hold count at this check.
         * Reads the scheduler's clock only for a runnable owner.
         */
        boolean worthSpinning(Thread owner, int holds) {
            if (owner != null && !sched.isRunnable(owner)) return false;
            long now = sched.nanoTime();
            if (!seenHold || holds != lastHolds) {
                seenHold = true;
                lastHolds = holds;
                holdSeenAt = now;
            } else if (now - holdSeenAt >= stallNanos) {
                return false; // the same hold for the whole budget: its owner is most likely preempted
            }
            ranOut = now - deadline >= 0;
            return !ranOut;
        }

        /**
         * The mutex's cutback for its next spins, after this spin took the mutex ({@code taken}) or not.
         * A spin that ran out with the owner still runnable halves the next spins' ceiling: "runnable"
         * includes waiting for a CPU, and an owner that is preempted (more runnable threads than CPUs, as
         * on a loaded machine) releases only after its next time slice, so spinning longer only burns a
         * CPU it may need. A spin that took the mutex doubles it back, so a mutex whose owners run again
         * soon spins the full ceiling again. A spin that stopped because the owner blocked says nothing
         * about spinning and changes nothing, nor does one that stopped on a stalled hold (the owner, not
         * the mutex, was slow). HotSpot tunes its monitor spinning per monitor in the same
         * spirit.
         */
        int nextCutback(boolean taken) {
            if (taken) return Math.max(0, cutback - 1);
            return ranOut ? Math.min(MAX_CUTBACK, cutback + 1) : cutback;
        }
    }

}
