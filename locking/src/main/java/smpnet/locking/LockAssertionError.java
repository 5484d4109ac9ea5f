package smpnet.locking;

/** A lock assertion failed or a lock was misused: always a bug in the caller. */
public final class LockAssertionError extends AssertionError {
    public LockAssertionError(String message) { super(message); }
}
