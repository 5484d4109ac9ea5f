package smpnet.locking;

/**
 * A lock assertion failed or a lock was misused: always a bug in the caller. The message names the lock
 * (kind, class and identity), the calling thread and the current owner.
 */
public final class LockAssertionError extends AssertionError {
    private static final long serialVersionUID = 1L;

    public LockAssertionError(String message) { super(message); }
}
