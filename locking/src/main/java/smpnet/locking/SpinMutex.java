package smpnet.locking;

import smpnet.witness.LockKind;

/** A spin mutex (MTX_SPIN): spins briefly, then yields. PLACEHOLDER implementation, to be replaced. */
public final class SpinMutex extends Mutex {
    public SpinMutex(String className) { this(className, 0); }
    public SpinMutex(String className, int flags) { super(className, flags, LockKind.SPIN); }
}
