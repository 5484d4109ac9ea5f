package smpnet.locking;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import smpnet.witness.LockKind;
import smpnet.witness.SleepKind;
import smpnet.witness.Witness;

/**
 * A read-mostly lock, after FreeBSD's rmlock(9): a reader/writer lock whose readers write nothing another
 * CPU reads, so read acquisitions on many CPUs scale; writers pay for it.
 *
 * <p><b>Why it exists.</b> An {@link RwLock} reader increments and decrements one shared word. On two CPUs
 * that word's cache line moves between them on every acquisition and every release, even though no reader
 * ever waits for another: a lock taken once per packet then costs each CPU several cache-line transfers per
 * packet, and adding a CPU can make the whole path slower. Here each reader counts itself in its own CPU's
 * slot ({@link CpuSlots}), a line only that CPU writes; the one word all readers read, the writer flag,
 * changes only when a writer comes.
 *
 * <p><b>Protocol</b> (a Dekker handshake; every access below is volatile or atomic, so they are sequentially
 * consistent):
 * <ul>
 *   <li>A reader adds one to its slot, then reads the writer flag. If it is clear, the reader is in. If not,
 *       it takes its count back and waits on the turnstile until the writer leaves, then tries again.</li>
 *   <li>A writer sets the writer flag (one writer at a time: the flag is its lock), then waits until every
 *       slot reads zero. Either the writer sees a reader's count, or that reader sees the flag: never
 *       neither. A writer that must wait for readers long parks, announcing it in the drain word; a reader
 *       leaving while that word is set wakes it, and it looks again.</li>
 *   <li>A writer leaving clears the flag and wakes every queued reader and writer; they race again. Readers
 *       that recurse are counted once (their thread's {@link ReadHolds} keeps the depth), so a reader
 *       recursing past a waiting writer cannot deadlock.</li>
 * </ul>
 * A waiting writer holds new readers off, so writers do not starve; a stream of writers can starve readers,
 * which a read-mostly lock accepts. Holders never sleep (its class is a non-sleepable reader/writer class
 * to witness, as an rw lock's is).
 *
 * <p>Locking key: {@code cells} holds, at fixed indexes, the writer flag (written by writers only), the drain
 * word (written by the draining writer), and each slot's reader count (written by that slot's readers);
 * {@code drainer} is written by the writer before it sets the drain word and read by readers after they see
 * it. {@code owner}, {@code recursion} and {@code hold} are as in {@link LockBase}. The turnstile's queues
 * are guarded by its spin lock.
 */
@LockImplementation
public final class RmLock extends ReaderWriterLock {
    private static final VarHandle CELL = MethodHandles.arrayElementVarHandle(long[].class);
    private static final int WRITER = 0;
    private static final int DRAINING = 1;

    private final long[] cells = new long[CpuSlots.GAP_LONGS * (CpuSlots.COUNT + 1)];
    private final Turnstile turnstile = new Turnstile();
    private volatile Thread drainer;

    public RmLock(String className) { this(className, 0); }

    public RmLock(String className, int flags) { this(className, flags, Witness.active()); }

    RmLock(String className, int flags, Witness witness) { super(className, flags, LockKind.MUTEX, witness); }

    @Override
    String kindName() { return "rm"; }

    @Override
    String holders() {
        Thread o = owner;
        long r = readers();
        return o != null ? threadName(o) : r > 0 ? r + (r == 1 ? " reader" : " readers") : "nobody";
    }

    private static int slotIndex(int slot) { return CpuSlots.GAP_LONGS * (slot + 1); }

    // ---- shared ----

    @Override
    public void lockShared() {
        String site = LockProfiler.fullModeSite();
        ReadHolds holds = ReadHolds.current();
        ReadHolds.Entry e = holds.find(this);
        int slot = e == null ? CpuSlots.current() : -1;
        if (e == null && enterReader(slot)) {
            addHold(holds, slot, site != null, LockProfiler.NOT_TIMED, site);
            obtainedWithoutWait(false); // a new read hold that did not wait: one witness hook
            return;
        }
        witnessCheckOrder(false); // before a re-entry or a wait
        if (e != null) {
            e.count++;
        } else {
            if (owner == Thread.currentThread()) throw failure("acquired shared while held exclusive (a deadlock)");
            long waitStart = LockProfiler.waitStart();
            String where = LockProfiler.siteOfWait(waitStart, site);
            witnessSleeping(SleepKind.MUTEX_CONTENTION);
            waitForReaderEntry(slot);
            addHold(holds, slot, site != null || waitStart != LockProfiler.NOT_TIMED, waitStart, where);
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
        } else {
            int slot = CpuSlots.current();
            if (!enterReader(slot)) return false;
            addHold(holds, slot, site != null, LockProfiler.NOT_TIMED, site);
        }
        obtained(false, true);
        return true;
    }

    /** Records a new shared hold counted in {@code slot}, with its profiling record when {@code profiled}. */
    private void addHold(ReadHolds holds, int slot, boolean profiled, long waitStart, String where) {
        ReadHolds.Entry e = holds.add(this);
        e.slot = slot;
        if (profiled) e.hold = LockProfiler.obtained(className, false, waitStart, where);
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
            int slot = e.slot;
            holds.remove(e);
            leaveReader(slot);
        }
    }

    @Override
    void undoTry(boolean exclusive) {
        if (exclusive) super.undoTry(true); else dropSharedHold();
    }

    /** The reader's half of the handshake: counted in, and no writer seen. False: counted out again. */
    private boolean enterReader(int slot) {
        CELL.getAndAdd(cells, slotIndex(slot), 1L);
        if ((long) CELL.getVolatile(cells, WRITER) == 0) return true;
        leaveReader(slot);
        return false;
    }

    /** Counts a reader out, waking a writer that waits for the readers to drain. */
    private void leaveReader(int slot) {
        CELL.getAndAdd(cells, slotIndex(slot), -1L);
        if ((long) CELL.getVolatile(cells, DRAINING) != 0) {
            Thread d = drainer;
            if (d != null) Schedulers.current().unpark(d);
        }
    }

    /** Spins, then sleeps on the turnstile, until a writer leaves; then tries again, until in. */
    private void waitForReaderEntry(int slot) {
        Scheduler sched = Schedulers.current();
        do {
            for (int i = sched.spinsBeforeBlocking(); i > 0 && writerFlag() != 0; i--) Thread.onSpinWait();
            if (writerFlag() != 0) sleepWhileWriter(sched, true);
        } while (!enterReader(slot));
    }

    /** Queues on the turnstile unless the writer has already left (checked under its lock: no lost wake-up). */
    private void sleepWhileWriter(Scheduler sched, boolean shared) {
        Waiter self = new Waiter(Thread.currentThread(), shared);
        turnstile.lock();
        if (writerFlag() == 0) {
            turnstile.unlock();
            return;
        }
        turnstile.enqueue(self);
        turnstile.unlock();
        self.await(sched, this, Long.MAX_VALUE);
    }

    private long writerFlag() { return (long) CELL.getVolatile(cells, WRITER); }

    // ---- exclusive ----

    @Override
    public void lock() {
        Thread me = Thread.currentThread();
        String site = LockProfiler.fullModeSite();
        if (owner != me && ReadHolds.current().count(this) == 0 && CELL.compareAndSet(cells, WRITER, 0L, 1L)) {
            if (readers() == 0) {
                owner = me;
                profileUncontended(site);
                obtainedWithoutWait(true); // no wait, so witness may check the order now: one hook instead of two
                return;
            }
            // Readers are in: witness checks before the wait for them, the flag given back if it refuses.
            witnessCheckOrderOrGiveBack(true, this::leaveWriter);
            drainReaders(me);
            owner = me;
            profileUncontended(site);
            obtained(true, false);
            return;
        }
        witnessCheckOrder(true); // before a recursion or a wait: a reversal is reported before it can deadlock
        if (owner == me) {
            recurse();
        } else {
            if (ReadHolds.current().count(this) > 0) {
                throw failure("acquired exclusive while held shared (a deadlock)");
            }
            long waitStart = LockProfiler.NOT_TIMED;
            String where = site;
            if (!CELL.compareAndSet(cells, WRITER, 0L, 1L)) {
                waitStart = LockProfiler.waitStart();
                where = LockProfiler.siteOfWait(waitStart, site);
                witnessSleeping(SleepKind.MUTEX_CONTENTION);
                waitForWriterFlag();
            }
            drainReaders(me);
            owner = me;
            if (waitStart != LockProfiler.NOT_TIMED) profileContended(waitStart, where); else profileUncontended(where);
        }
        obtained(true, false);
    }

    @Override
    public boolean tryLock() {
        Thread me = Thread.currentThread();
        String site = LockProfiler.fullModeSite();
        if (!tryRecurse(me)) {
            if (owner == me || ReadHolds.current().count(this) > 0) return false;
            if (!CELL.compareAndSet(cells, WRITER, 0L, 1L)) return false;
            if (readers() != 0) {
                leaveWriter(); // readers are in: give the flag back, and wake readers it turned away
                return false;
            }
            owner = me;
            profileUncontended(site);
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
        leaveWriter();
    }

    private void waitForWriterFlag() {
        Scheduler sched = Schedulers.current();
        for (;;) {
            for (int i = sched.spinsBeforeBlocking(); i > 0; i--) {
                if (writerFlag() == 0 && CELL.compareAndSet(cells, WRITER, 0L, 1L)) return;
                Thread.onSpinWait();
            }
            if (CELL.compareAndSet(cells, WRITER, 0L, 1L)) return;
            sleepWhileWriter(sched, false);
            if (CELL.compareAndSet(cells, WRITER, 0L, 1L)) return;
        }
    }

    /** With the writer flag set: waits until the readers already in have left. */
    private void drainReaders(Thread me) {
        if (readers() == 0) return;
        Scheduler sched = Schedulers.current();
        for (int i = sched.spinsBeforeBlocking(); i > 0; i--) {
            if (readers() == 0) return;
            Thread.onSpinWait();
        }
        drainer = me;
        CELL.setVolatile(cells, DRAINING, 1L);
        boolean interrupted = false;
        while (readers() != 0) {
            sched.park(this);
            interrupted |= Thread.interrupted();
        }
        CELL.setVolatile(cells, DRAINING, 0L);
        drainer = null;
        if (interrupted) me.interrupt();
    }

    /** Clears the writer flag and wakes everyone queued: readers enter, writers race for the flag. */
    private void leaveWriter() {
        CELL.setVolatile(cells, WRITER, 0L);
        turnstile.lock();
        Waiter readers = turnstile.drainShared();
        Waiter writers = turnstile.drainExclusive();
        turnstile.unlock();
        Scheduler sched = Schedulers.current();
        Turnstile.grantAll(readers, sched);
        Turnstile.grantAll(writers, sched);
    }

    // ---- diagnostics (ownership and assertions: ReaderWriterLock) ----

    /** How many read holds are counted now, over every CPU (a snapshot, for writers and diagnostics). */
    public long readers() {
        long n = 0;
        for (int s = 0; s < CpuSlots.COUNT; s++) n += (long) CELL.getVolatile(cells, slotIndex(s));
        return n;
    }

    /** True if a thread is queued for it (a snapshot, for tests and diagnostics). */
    public boolean hasWaiters() {
        turnstile.lock();
        boolean any = !turnstile.isEmpty();
        turnstile.unlock();
        return any;
    }
}
