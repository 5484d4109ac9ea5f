package smpnet.sim.packetdrill;

import smpnet.stack.locks.LockMode;

/**
 * What running one script in one locking mode gave.
 *
 * @param failure      the first mismatch, or null when the script passed
 * @param virtualNanos how much virtual time the run took
 */
public record Outcome(String file, LockMode mode, Failure failure, long virtualNanos) {
    public boolean passed() { return failure == null; }

    /** The kinds of first mismatch, as KNOWN-FAILURES names them. */
    public enum Kind {
        /** The script could not be read. */
        PARSE,
        /** An outbound packet differed from the script's, was missing, or was not expected. */
        PACKET,
        /** An event happened outside its time and tolerance. */
        TIMING,
        /** A system call returned another result or errno, or blocked when it should not. */
        SYSCALL,
        /** A {@code %{ assert ... }%} was false. */
        ASSERT,
        /** A backquoted command failed (an unknown sysctl, a command other than sysctl). */
        COMMAND,
        /** The stack or the run failed (an exception, a witness report, a deadlock, a leaked mbuf). */
        ERROR
    }

    /**
     * A first mismatch.
     *
     * @param line    the script line, or 0 when none applies
     * @param message packetdrill's words: "file:line: error ...", then the script and actual packets if any
     */
    public record Failure(Kind kind, int line, String message) {}
}
