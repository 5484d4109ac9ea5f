package smpnet.locking;

/**
 * What every smpnet lock offers exclusively: the stack's lock factory hands these out, so protocol code
 * works unchanged whether it got its own lock (fine mode) or the host's Giant (giant mode).
 */
public interface ExclusiveLock {
    /** Acquires it, blocking (or spinning, for a spin mutex) while another thread holds it. */
    void lock();

    /** Acquires it only if that needs no wait; never blocks. */
    boolean tryLock();

    /** Releases it; throws {@link LockAssertionError} if the calling thread does not hold it. */
    void unlock();

    /** True if the calling thread holds it exclusively. */
    boolean isOwned();

    /** Throws {@link LockAssertionError} unless the calling thread holds it exclusively. */
    void assertOwned();

    /** Throws {@link LockAssertionError} if the calling thread holds it. */
    void assertNotOwned();

    /** The lock class name (e.g. "inp"). */
    String className();
}
