package smpnet.locking;

import smpnet.witness.LockFlags;
import smpnet.witness.LockKind;

/**
 * The Giant lock of one stack instance: a recursive sleep mutex that a sleep drops completely and retakes.
 * PLACEHOLDER implementation, to be replaced.
 */
public final class Giant extends Mutex implements SharedExclusiveLock {
    public Giant() { super("Giant", LockFlags.RECURSABLE, LockKind.SLEEPABLE); }

    @Override public void lockShared() { lock(); }
    @Override public boolean tryLockShared() { return tryLock(); }
    @Override public void unlockShared() { unlock(); }
    @Override public void assertLocked() { assertOwned(); }

    /** Drops every recursion level; returns the depth to pass to {@link #reacquire}. */
    public int releaseAll() {
        int depth = recursionDepth();
        for (int i = 0; i < depth; i++) unlock();
        return depth;
    }

    public void reacquire(int depth) {
        for (int i = 0; i < depth; i++) lock();
    }
}
