package smpnet.locking;

/**
 * A lock with shared (read) and exclusive (write) modes: rw and sx locks, and Giant standing in for one
 * (its shared acquisitions are exclusive, recursive ones).
 */
public interface SharedExclusiveLock extends ExclusiveLock {
    void lockShared();

    boolean tryLockShared();

    void unlockShared();

    /** Throws {@link LockAssertionError} unless the calling thread holds it shared or exclusive. */
    void assertLocked();

    /** Throws {@link LockAssertionError} unless the calling thread holds it shared. */
    void assertShared();

    /** Throws {@link LockAssertionError} unless the calling thread holds it exclusive. */
    default void assertExclusive() { assertOwned(); }

    /** True if the calling thread holds it, shared or exclusive. */
    boolean isHeld();
}
