package smpnet.stack.socket;

import java.io.IOException;
import java.util.Objects;

/**
 * A socket call that failed as a POSIX call fails with -1 and {@code errno}: {@link #errno()} says which.
 * {@link Errno#EAGAIN} and {@link Errno#EINPROGRESS}, which a non-blocking caller meets in its normal flow,
 * carry no stack trace (filling one in would cost more than the call).
 */
public final class SocketError extends IOException {
    private final Errno errno;

    public SocketError(Errno errno, String detail) {
        super(message(errno, detail));
        this.errno = errno;
        if (errno != Errno.EAGAIN && errno != Errno.EINPROGRESS) super.fillInStackTrace();
    }

    public SocketError(Errno errno) { this(errno, null); }

    /** The errno, e.g. {@link Errno#ECONNREFUSED}. */
    public Errno errno() { return errno; }

    /** Throwable's constructor calls this before {@code errno} is known: the constructor fills the trace in. */
    @Override
    public synchronized Throwable fillInStackTrace() { return this; }

    /** Each errno's message without detail, made once: a non-blocking loop meets EAGAIN on every drained read. */
    private static final String[] PLAIN = new String[Errno.values().length];

    static {
        for (Errno e : Errno.values()) PLAIN[e.ordinal()] = e.name() + " (" + e.text() + ")";
    }

    private static String message(Errno errno, String detail) {
        Objects.requireNonNull(errno, "errno");
        return detail == null ? PLAIN[errno.ordinal()] : PLAIN[errno.ordinal()] + ": " + detail;
    }
}
