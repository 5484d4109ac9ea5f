package smpnet.locking;

import smpnet.witness.LockKind;
import smpnet.witness.Witness;

/**
 * What every reader/writer lock ({@link SxLock}, {@link RwLock}, {@link RmLock}) does the same way, whatever
 * its state word looks like: who holds it (the owner for a writer, the thread's own {@link ReadHolds} for a
 * reader), the assertions built on that, and how a condition-variable wait drops and retakes either kind
 * of hold.
 *
 * <p>Locking key: nothing of its own; {@code owner} and {@code recursion} are as in {@link LockBase}, and a
 * reader's depth lives in its own thread's {@link ReadHolds}.
 */
@LockImplementation
abstract class ReaderWriterLock extends LockBase implements SharedExclusiveLock {
    private static final int EXCLUSIVE_TOKEN = 1;
    private static final int SHARED_TOKEN = 2;

    ReaderWriterLock(String className, int flags, LockKind kind, Witness witness) {
        super(className, flags, kind, witness);
    }

    /** The caller's shared hold of this lock; a release without one is reported and fails loudly. */
    final ReadHolds.Entry sharedHoldOrFail(ReadHolds holds) {
        ReadHolds.Entry e = holds.find(this);
        if (e == null) {
            witnessUnlocked(false);
            throw failure("unlocked shared but not held shared");
        }
        return e;
    }

    // ---- condition variable waits ----

    @Override
    int releaseForSleep() {
        if (isOwned()) {
            assertNotRecursed();
            unlock();
            return EXCLUSIVE_TOKEN;
        }
        if (ReadHolds.current().count(this) != 1) throw failure("dropped by a sleep but not held exactly once");
        unlockShared();
        return SHARED_TOKEN;
    }

    @Override
    void retakeAfterSleep(int token) {
        if (token == EXCLUSIVE_TOKEN) lock(); else lockShared();
    }

    // ---- ownership and assertions ----

    /** True if the calling thread holds it shared. */
    public boolean isHeldShared() { return ReadHolds.current().count(this) > 0; }

    @Override
    public boolean isHeld() { return isOwned() || isHeldShared(); }

    @Override
    public void assertOwned() { if (!isOwned()) throw failure("not held exclusive"); }

    @Override
    public void assertShared() { if (!isHeldShared()) throw failure("not held shared"); }

    @Override
    public void assertLocked() { if (!isHeld()) throw failure("not held"); }

    @Override
    public void assertNotOwned() { if (isHeld()) throw failure("held"); }

    /** Throws unless the caller holds it more than once (exclusive recursion or shared recursion). */
    @Override
    public void assertRecursed() {
        assertLocked();
        if (depth() < 2) throw failure("not recursed");
    }

    /** Throws unless the caller holds it exactly once. */
    @Override
    public void assertNotRecursed() {
        assertLocked();
        if (depth() > 1) throw failure("recursed");
    }

    private int depth() { return isOwned() ? recursion + 1 : ReadHolds.current().count(this); }
}
