package smpnet.stack.socket;

/**
 * The error numbers of smpnet's socket calls, with FreeBSD's values and {@code strerror} texts. A socket call
 * that fails the way a POSIX call returns -1 throws {@link SocketError} carrying one of these.
 */
public enum Errno {
    EPERM(1, "Operation not permitted"),
    EINTR(4, "Interrupted system call"),
    EBADF(9, "Bad file descriptor"),
    ENOMEM(12, "Cannot allocate memory"),
    EINVAL(22, "Invalid argument"),
    EPIPE(32, "Broken pipe"),
    EAGAIN(35, "Resource temporarily unavailable"),
    EINPROGRESS(36, "Operation now in progress"),
    EALREADY(37, "Operation already in progress"),
    ENOTSOCK(38, "Socket operation on non-socket"),
    EDESTADDRREQ(39, "Destination address required"),
    EMSGSIZE(40, "Message too long"),
    ENOPROTOOPT(42, "Protocol not available"),
    EOPNOTSUPP(45, "Operation not supported"),
    EAFNOSUPPORT(47, "Address family not supported by protocol family"),
    EADDRINUSE(48, "Address already in use"),
    EADDRNOTAVAIL(49, "Can't assign requested address"),
    ENETDOWN(50, "Network is down"),
    ENETUNREACH(51, "Network is unreachable"),
    ECONNABORTED(53, "Software caused connection abort"),
    ECONNRESET(54, "Connection reset by peer"),
    ENOBUFS(55, "No buffer space available"),
    EISCONN(56, "Socket is already connected"),
    ENOTCONN(57, "Socket is not connected"),
    ESHUTDOWN(58, "Can't send after socket shutdown"),
    ETIMEDOUT(60, "Operation timed out"),
    ECONNREFUSED(61, "Connection refused"),
    EHOSTDOWN(64, "Host is down"),
    EHOSTUNREACH(65, "No route to host");

    private final int number;
    private final String text;

    Errno(int number, String text) {
        this.number = number;
        this.text = text;
    }

    /** FreeBSD's number ({@code <sys/errno.h>}). */
    public int number() { return number; }

    /** FreeBSD's {@code strerror} text. */
    public String text() { return text; }

    /** The errno of FreeBSD number {@code number}, or null when smpnet never returns it. */
    public static Errno ofNumber(int number) {
        for (Errno e : values()) {
            if (e.number == number) return e;
        }
        return null;
    }
}
