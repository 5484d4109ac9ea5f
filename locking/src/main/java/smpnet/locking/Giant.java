package smpnet.locking;

import smpnet.witness.LockFlags;
import smpnet.witness.LockKind;
import smpnet.witness.SleepKind;
import smpnet.witness.Witness;

/**
 * The Giant lock of one stack instance (one simulated host): a recursive sleep mutex. In giant mode the
 * lock factory hands it out for every fine-grained lock, so it also answers the shared-lock calls (a shared
 * acquisition is an exclusive, recursive one). A condition variable wait drops it completely, all recursion
 * levels, and takes it back to the same depth, as FreeBSD's msleep(9) does with Giant.
 *
 * <p>Locking key: as {@link Mutex}.
 */
@LockImplementation
public final class Giant extends Mutex implements SharedExclusiveLock {
    /** A new Giant; each stack instance creates its own. */
    public Giant() { super("Giant", LockFlags.RECURSABLE, LockKind.SLEEPABLE); }

    Giant(Witness witness) { super("Giant", LockFlags.RECURSABLE, LockKind.SLEEPABLE, witness); }

    @Override
    String kindName() { return "Giant"; }

    /** Waiting for Giant is waiting for a sleepable lock. */
    @Override
    SleepKind blockKind() { return SleepKind.SX_ACQUIRE; }

    @Override public void lockShared() { lock(); }

    @Override public boolean tryLockShared() { return tryLock(); }

    @Override public void unlockShared() { unlock(); }

    @Override public void assertLocked() { assertOwned(); }

    /** Giant held "shared" is Giant held. */
    @Override public void assertShared() { assertOwned(); }

    @Override public boolean isHeld() { return isOwned(); }

    @Override
    int releaseForSleep() { return releaseAll(); }

    /** Drops every recursion level; returns the depth to pass to {@link #reacquire}. */
    public int releaseAll() {
        assertOwned();
        int depth = recursionDepth();
        for (int i = 0; i < depth; i++) unlock();
        return depth;
    }

    /** Takes Giant {@code depth} times, undoing {@link #releaseAll}. */
    public void reacquire(int depth) {
        for (int i = 0; i < depth; i++) lock();
    }
}
