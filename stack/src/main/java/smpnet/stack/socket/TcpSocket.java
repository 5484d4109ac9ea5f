package smpnet.stack.socket;

import java.net.InetSocketAddress;
import java.time.Duration;
import smpnet.stack.kevent.Pollable;

/**
 * A TCP socket of one smpnet host (from {@code Stack.openTcp()}), shaped like the BSD socket calls: bind,
 * listen, accept, connect, write, read, shutdown, close, options, and a {@link TcpInfo} view.
 *
 * <p>Results follow POSIX: a call that would return -1 with {@code errno} throws {@link SocketError} with
 * that {@link Errno}. Blocking is the default; in non-blocking mode ({@link #configureBlocking(boolean)
 * configureBlocking(false)}) a call that would wait throws {@link Errno#EAGAIN}, and {@link #connect} throws
 * {@link Errno#EINPROGRESS} after sending the SYN (a second connect then throws {@link Errno#EALREADY} while
 * it is pending and {@link Errno#EISCONN} once connected; the outcome is in {@link SockOpt#SO_ERROR}).
 * {@link #read} returns the bytes read, at least 1 when {@code len > 0}, and -1 at end of stream (the peer's
 * FIN). A blocking {@link #write} returns when every byte is in the send buffer; a non-blocking one returns
 * the bytes that fit, or throws EAGAIN when none did.
 *
 * <p>Readiness for an event queue ({@link Pollable}): READ when bytes, end of stream or a connection to
 * accept are there; WRITE when connected with send-buffer space (so a connect's completion is WRITE);
 * ERROR when an error is pending (a reset, a refused or timed-out connect).
 *
 * <p>This is the API's shape; TCP itself is being built. Until it lands every call throws
 * {@link UnsupportedOperationException}.
 */
public final class TcpSocket implements Pollable, AutoCloseable {

    TcpSocket() {}

    private static UnsupportedOperationException notYet() {
        return new UnsupportedOperationException("TCP is not implemented yet");
    }

    /** Blocking (the default) or non-blocking. */
    public TcpSocket configureBlocking(boolean block) { throw notYet(); }

    /** How long a blocking read, accept or connect waits before {@link Errno#EAGAIN}; zero waits for ever. */
    public TcpSocket setReceiveTimeout(Duration timeout) { throw notYet(); }

    /** How long a blocking write waits for space before returning what it wrote, or EAGAIN; zero waits for ever. */
    public TcpSocket setSendTimeout(Duration timeout) { throw notYet(); }

    /** Binds the local address (port 0 picks an ephemeral port); EADDRINUSE, EADDRNOTAVAIL, EINVAL. */
    public TcpSocket bind(InetSocketAddress local) throws SocketError { throw notYet(); }

    /** Listens with a backlog of completed connections not yet accepted (binds an ephemeral port if unbound). */
    public TcpSocket listen(int backlog) throws SocketError { throw notYet(); }

    /** The next completed connection of a listening socket. */
    public TcpSocket accept() throws SocketError { throw notYet(); }

    /** Opens a connection; blocking, returns when established (ECONNREFUSED, ETIMEDOUT, EHOSTUNREACH...). */
    public void connect(InetSocketAddress remote) throws SocketError { throw notYet(); }

    /** Writes {@code len} bytes of {@code b} from {@code off}; see the class comment for partial writes. */
    public int write(byte[] b, int off, int len) throws SocketError { throw notYet(); }

    /** Writes all of {@code b}. */
    public int write(byte[] b) throws SocketError { return write(b, 0, b.length); }

    /** Reads at most {@code len} bytes into {@code b} at {@code off}; -1 at end of stream. */
    public int read(byte[] b, int off, int len) throws SocketError { throw notYet(); }

    /** Reads into all of {@code b}. */
    public int read(byte[] b) throws SocketError { return read(b, 0, b.length); }

    /** shutdown(2): stop reading (SHUT_RD), writing (SHUT_WR: send FIN after the queued data), or both. */
    public void shutdown(boolean read, boolean write) throws SocketError { throw notYet(); }

    /** Closes the socket: FIN after queued data, or a RST as SO_LINGER 0 or unread data demand. */
    @Override public void close() { throw notYet(); }

    /** Sets an option, as setsockopt(2): ENOPROTOOPT for one that cannot be set, EINVAL for a bad value. */
    public void setOption(SockOpt option, int value) throws SocketError { throw notYet(); }

    /** Reads an option, as getsockopt(2). */
    public int getOption(SockOpt option) throws SocketError { throw notYet(); }

    /** The connection's TCP_INFO view. */
    public TcpInfo info() { throw notYet(); }

    /** The local address, or null before bind or connect. */
    public InetSocketAddress localAddress() { throw notYet(); }

    /** The peer's address, or null when not connected. */
    public InetSocketAddress remoteAddress() { throw notYet(); }

    @Override public int readyOps() { throw notYet(); }

    @Override public void addWatcher(Watcher w) { throw notYet(); }

    @Override public void removeWatcher(Watcher w) { throw notYet(); }
}
