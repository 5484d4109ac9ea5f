package smpnet.stack.socket;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import smpnet.locking.GuardedBy;
import smpnet.locking.Scheduler;
import smpnet.stack.internal.sysctl.Sysctl;
import smpnet.stack.internal.tcp.StreamBuffer;
import smpnet.stack.internal.tcp.TcpSettings;
import smpnet.stack.internal.tcp.TcpSocketHooks;
import smpnet.stack.internal.tcp.TcpUsrReq;
import smpnet.stack.internal.tcp.Tcpcb;
import smpnet.stack.internal.tcp.ZeroCopyRegion;
import smpnet.stack.kevent.EventQueue;
import smpnet.stack.kevent.Pollable;
import smpnet.stack.locks.StackLocks;
import smpnet.stack.zerocopy.DirtyDiff;
import smpnet.stack.zerocopy.DirtyTracker;

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
 * the bytes that fit, or throws EAGAIN when none did. Every call but {@link #close} on a closed socket throws
 * {@link Errno#EBADF}, and so does a read, write or accept that was waiting when the socket was closed.
 *
 * <p>Readiness for an event queue ({@link Pollable}): READ when bytes, end of stream or a connection to
 * accept are there; WRITE when connected with send-buffer space (so a connect's completion is WRITE);
 * ERROR when an error is pending (a reset, a refused or timed-out connect).
 *
 * <p>Closing follows FreeBSD: a connection not yet established just goes; with SO_LINGER 0 it is reset;
 * otherwise a FIN follows the queued data, and bytes the application never read are discarded without a RST
 * (FreeBSD's {@code tcp_disconnect}; Linux resets instead). Data arriving after the close is answered by a
 * RST.
 *
 * <p>Locking key: so_rcv ({@code rcv.lock}) guards the socket's state flags, the accept queue and the receive
 * stream; so_snd ({@code snd.lock}) the send stream. Sleepers wait on the buffer's condition variable. The
 * connection's inp belongs to TCP ({@link TcpUsrReq}); TCP calls the hooks below with it held (inp comes
 * before both buffer locks).
 */
public final class TcpSocket extends Socket {
    private final TcpUsrReq usr;
    private final Tcpcb tp;
    private final StreamBuffer rcvStream;
    private final StreamBuffer sndStream;
    private final Consumer<TcpSocket> onOpen;
    private final Consumer<TcpSocket> onClose;
    private final Sysctl.Value maxSockBuf;
    @GuardedBy("so_rcv") private boolean connecting;
    @GuardedBy("so_rcv") private boolean connected;
    @GuardedBy("so_rcv") private boolean disconnected;
    @GuardedBy("so_rcv") private boolean cantRcvMore;
    @GuardedBy("so_rcv") private boolean cantSendMore;
    @GuardedBy("so_rcv") private boolean noFdRef;
    @GuardedBy("so_rcv") private boolean listening;
    @GuardedBy("so_rcv") private int backlog;
    /** Completed connections of a listener, not yet accepted (so_comp). */
    @GuardedBy("so_rcv") private final ArrayDeque<TcpSocket> completed = new ArrayDeque<>();
    /** The listener a not-yet-accepted connection will be queued on. */
    private final TcpSocket head;
    private volatile long sendTimeoutNanos;
    /** The write checker of zero-copy sends (null: off), and who hears of its reports. */
    private volatile DirtyTracker.Backend writeChecker;
    private volatile Consumer<WriteInFlight> writeListener;

    /**
     * Created by the stack ({@code Stack.openTcp()}) with net.inet.tcp.recvspace/sendspace and
     * kern.ipc.maxsockbuf; the stack hears of accepted sockets through {@code onOpen} and of closes through
     * {@code onClose}.
     */
    public TcpSocket(TcpUsrReq usr, StackLocks locks, Scheduler scheduler, Sysctl.Value maxSockBuf,
                     Consumer<TcpSocket> onOpen, Consumer<TcpSocket> onClose) {
        this(usr, locks, scheduler, maxSockBuf, onOpen, onClose, null);
    }

    private TcpSocket(TcpUsrReq usr, StackLocks locks, Scheduler scheduler, Sysctl.Value maxSockBuf,
                      Consumer<TcpSocket> onOpen, Consumer<TcpSocket> onClose, TcpSocket head) {
        super(locks, scheduler, usr.tcp().settings().recvspace, usr.tcp().settings().sendspace, maxSockBuf);
        TcpSettings set = usr.tcp().settings();
        this.usr = usr;
        this.maxSockBuf = maxSockBuf;
        this.onOpen = onOpen;
        this.onClose = onClose;
        this.head = head;
        this.rcvStream = new StreamBuffer(rcv.lock, rcv.cv, set.recvspace, usr.tcp().rings());
        this.sndStream = new StreamBuffer(snd.lock, snd.cv, set.sendspace, usr.tcp().rings());
        this.tp = head == null ? usr.attach(new Hooks()) : null;
        rcv.lock.lock();
        try {
            readinessChangedLocked(); // not writable until connected
        } finally {
            rcv.lock.unlock();
        }
    }

    /** For a connection a listener's TCP completes: the control block arrives through the hooks. */
    private Tcpcb pcbOfChild;

    private Tcpcb pcb() { return tp != null ? tp : pcbOfChild; }

    // ---- configuration --------------------------------------------------------------------------------

    /** Blocking (the default) or non-blocking. */
    public TcpSocket configureBlocking(boolean block) {
        setBlocking(block);
        return this;
    }

    /** How long a blocking read, accept or connect waits before {@link Errno#EAGAIN}; zero waits for ever. */
    public TcpSocket setReceiveTimeout(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative()) throw new IllegalArgumentException("negative timeout: " + timeout);
        setReceiveTimeoutNanos(waitNanos(timeout));
        return this;
    }

    /** How long a blocking write waits for space before returning what it wrote, or EAGAIN; zero waits for ever. */
    public TcpSocket setSendTimeout(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative()) throw new IllegalArgumentException("negative timeout: " + timeout);
        sendTimeoutNanos = waitNanos(timeout);
        return this;
    }

    // ---- bind, listen, accept, connect ----------------------------------------------------------------

    /** Binds the local address (port 0 picks an ephemeral port); EADDRINUSE, EADDRNOTAVAIL, EINVAL. */
    public TcpSocket bind(InetSocketAddress local) throws SocketError {
        Objects.requireNonNull(local, "local address");
        checkOpen();
        int e = entry(() -> usr.bind(pcb(), Addresses.toInt(local), local.getPort()));
        if (e != 0) throw error(e, "bind " + local);
        return this;
    }

    /** Listens with a backlog of completed connections not yet accepted (binds an ephemeral port if unbound). */
    public TcpSocket listen(int backlog) throws SocketError {
        checkOpen();
        int e = entry(() -> usr.listen(pcb(), backlog));
        if (e != 0) throw error(e, "listen");
        rcv.lock.lock();
        try {
            listening = true;
            this.backlog = Math.max(0, backlog);
            readinessChangedLocked();
        } finally {
            rcv.lock.unlock();
        }
        return this;
    }

    /** The next completed connection of a listening socket. */
    public TcpSocket accept() throws SocketError {
        TcpSocket s;
        locks.enterEntryPoint();
        try {
            rcv.lock.lock();
            try {
                long timeout = receiveTimeoutNanos();
                long deadline = timeout == 0 ? 0 : scheduler.nanoTime() + timeout;
                while (true) {
                    if (noFdRef) throw new SocketError(Errno.EBADF, "accept on a closed socket");
                    if (!listening) throw new SocketError(Errno.EINVAL, "accept: not listening");
                    int err = takeErrorLocked();
                    if (err != 0) throw error(err, "accept");
                    s = completed.pollFirst();
                    if (s != null) break;
                    if (!isBlocking()) throw new SocketError(Errno.EAGAIN);
                    long left = timeout == 0 ? Long.MAX_VALUE : deadline - scheduler.nanoTime();
                    if (left <= 0) throw new SocketError(Errno.EAGAIN, "accept timed out");
                    sleepLocked(rcv, left);
                }
                readinessChangedLocked();
            } finally {
                rcv.lock.unlock();
            }
        } finally {
            locks.leaveEntryPoint();
        }
        notifyWatchers();
        onOpen.accept(s);
        return s;
    }

    /** Opens a connection; blocking, returns when established (ECONNREFUSED, ETIMEDOUT, EHOSTUNREACH...). */
    public void connect(InetSocketAddress remote) throws SocketError {
        Objects.requireNonNull(remote, "remote address");
        checkOpen();
        rcv.lock.lock();
        try {
            if (connected) throw new SocketError(Errno.EISCONN);
            if (connecting) throw new SocketError(Errno.EALREADY);
            if (listening) throw new SocketError(Errno.EOPNOTSUPP, "connect on a listening socket");
            connecting = true;
            readinessChangedLocked();
        } finally {
            rcv.lock.unlock();
        }
        int e = entry(() -> usr.connect(pcb(), Addresses.toInt(remote), remote.getPort()));
        if (e != 0) {
            notConnecting();
            throw error(e, "connect " + remote);
        }
        if (!isBlocking()) throw new SocketError(Errno.EINPROGRESS);
        locks.enterEntryPoint();
        try {
            rcv.lock.lock();
            try {
                long timeout = receiveTimeoutNanos();
                long deadline = timeout == 0 ? 0 : scheduler.nanoTime() + timeout;
                while (!connected) {
                    int err = takeErrorLocked();
                    if (err != 0) {
                        // TCP reports the error before it closes the connection (which ends "connecting"):
                        // the attempt is over now, so a connect the caller makes next is not EALREADY.
                        connecting = false;
                        throw error(err, "connect " + remote);
                    }
                    if (disconnected) throw new SocketError(Errno.ECONNABORTED, "connect " + remote);
                    long left = timeout == 0 ? Long.MAX_VALUE : deadline - scheduler.nanoTime();
                    if (left <= 0) throw new SocketError(Errno.EAGAIN, "connect timed out");
                    sleepLocked(rcv, left);
                }
            } finally {
                rcv.lock.unlock();
            }
        } finally {
            locks.leaveEntryPoint();
        }
    }

    /**
     * Writes with an implied connect, as {@code sendto(2)} with an address on a TCP socket: an unconnected
     * socket queues what fits of the bytes and opens the connection to {@code remote}, returning without
     * waiting for it (the outcome shows as a write would see it, and in {@link SockOpt#SO_ERROR}); with
     * {@link SockOpt#TCP_FASTOPEN} the SYN carries the bytes when a cookie for the server is cached, else it
     * asks for one and the bytes follow the handshake (RFC 7413). A blocking socket then writes the rest as
     * {@link #write} does. On a socket already connected or connecting the address is ignored: this is
     * {@link #write}. Errors are connect's and write's.
     */
    public int sendTo(InetSocketAddress remote, byte[] b, int off, int len) throws SocketError {
        Objects.requireNonNull(remote, "remote address");
        Objects.checkFromIndexSize(off, len, Objects.requireNonNull(b, "b").length);
        checkOpen();
        int queued;
        boolean already;
        rcv.lock.lock();
        try {
            already = connected || connecting;
            // tcp_usr_send refuses an address on a listener with EINVAL (connect(2) there is EOPNOTSUPP)
            if (!already && listening) throw new SocketError(Errno.EINVAL, "sendto on a listening socket");
            if (!already) { // sosend's checks before the implied connect: EPIPE, then the pending error
                if (cantSendMore || disconnected) throw new SocketError(Errno.EPIPE, "sendto " + remote);
                int err = takeErrorLocked();
                if (err != 0) throw error(err, "sendto " + remote);
                connecting = true;
                readinessChangedLocked();
            }
        } finally {
            rcv.lock.unlock();
        }
        if (already) return write(b, off, len);
        snd.lock.lock();
        try {
            queued = Math.min(len, sndStream.spaceLocked());
            sndStream.appendLocked(b, off, queued);
        } finally {
            snd.lock.unlock();
        }
        int e = entry(() -> usr.connectWithData(pcb(), Addresses.toInt(remote), remote.getPort()));
        if (e != 0) {
            snd.lock.lock();
            try {
                sndStream.dropLocked(sndStream.ccLocked());
            } finally {
                snd.lock.unlock();
            }
            notConnecting();
            throw error(e, "sendto " + remote);
        }
        updateReady();
        if (queued < len && isBlocking()) queued += write(b, off + queued, len - queued);
        return queued;
    }

    /** A connect that TCP refused: the socket is no longer connecting. */
    private void notConnecting() {
        rcv.lock.lock();
        try {
            connecting = false;
        } finally {
            rcv.lock.unlock();
        }
    }

    // ---- data ---------------------------------------------------------------------------------------------

    /** Writes {@code len} bytes of {@code b} from {@code off}; see the class comment for partial writes. */
    public int write(byte[] b, int off, int len) throws SocketError {
        Objects.checkFromIndexSize(off, len, Objects.requireNonNull(b, "b").length);
        if (len == 0) return writeNothing();
        int total = 0;
        snd.sblock.lock();
        locks.enterEntryPoint();
        try {
            long timeout = sendTimeoutNanos;
            long deadline = timeout == 0 ? 0 : scheduler.nanoTime() + timeout;
            while (total < len) {
                int n = 0;
                SocketError failure = null;
                snd.lock.lock();
                try {
                    int space = awaitSpaceLocked(timeout, deadline);
                    if (space > 0) {
                        n = Math.min(space, len - total);
                        sndStream.appendLocked(b, off + total, n);
                    }
                } catch (SocketError e) {
                    failure = e;
                } finally {
                    snd.lock.unlock();
                }
                if (n > 0) {
                    total += n;
                    usr.output(pcb()); // tcp_usr_send
                    updateReady();
                    continue;
                }
                if (failure != null && total == 0) throw failure;
                if (failure == null && total == 0) throw new SocketError(Errno.EAGAIN);
                break;
            }
            return total;
        } finally {
            locks.leaveEntryPoint();
            snd.sblock.unlock();
        }
    }

    /**
     * Sends bytes {@code [offset, offset+length)} of {@code region} without copying them (sendfile from a
     * shared-memory segment): the connection's segments reference the region until the peer acknowledges
     * every byte. Returns once the whole range is queued: a blocking socket queues it piece by piece as
     * send-buffer space frees, like {@link #write}; a non-blocking one queues it whole when there is any
     * space (later writes then wait until the buffer drains below its watermark) and throws EAGAIN when
     * there is none. If the connection fails, or a send timeout passes, after part was queued, the handle is
     * returned and its completion carries the error. When the last byte is acknowledged and no
     * mbuf references the region any more (or the connection failed: {@link ZeroCopySend#error()}), exactly
     * one event of kind {@link EventQueue#ZEROCOPY} with the returned handle as attachment is posted to
     * {@code completions}; until then the application must not write into the range. The region may be
     * heap, native, shared or file-mapped memory; with the write checker on ({@link #checkWrites}) it must
     * start on a page boundary and be whole pages. Errors as {@link #write}; ENOBUFS when no mbuf is left.
     */
    public ZeroCopySend sendZeroCopy(MemorySegment region, long offset, long length, EventQueue completions)
            throws SocketError {
        Objects.requireNonNull(region, "region");
        Objects.requireNonNull(completions, "completions");
        Objects.checkFromIndexSize(offset, length, region.byteSize());
        if (length < 1 || length > Integer.MAX_VALUE) throw new IllegalArgumentException("length " + length + ": 1 to 2^31-1 bytes");
        DirtyTracker.Backend b = writeChecker;
        ZeroCopyRegion.Checker checker = b == null ? null : new ZeroCopyRegion.Checker(b, writeListener, toString());
        ZeroCopyRegion r = usr.zeroCopyRegion(region, offset, (int) length, completions, this, checker);
        if (r == null) throw new SocketError(Errno.ENOBUFS, "no mbuf for a zero-copy send");
        SocketError failure = null;
        int queued = 0;
        snd.sblock.lock();
        locks.enterEntryPoint();
        try {
            long timeout = sendTimeoutNanos;
            long deadline = timeout == 0 ? 0 : scheduler.nanoTime() + timeout;
            while (failure == null && queued < length) {
                int n = 0;
                snd.lock.lock();
                try {
                    try {
                        int space = awaitSpaceLocked(timeout, deadline);
                        if (space == 0) throw new SocketError(Errno.EAGAIN);
                        // blocking: within the watermark, piece by piece; non-blocking: all at once
                        n = isBlocking() ? (int) Math.min(space, length - queued) : (int) length - queued;
                        int gone = sndStream.appendRegionLocked(r, queued, n);
                        if (gone != 0) {
                            n = 0;
                            throw error(gone, "sendZeroCopy");
                        }
                    } catch (SocketError e) {
                        failure = e;
                    }
                    queued += n;
                    if (failure != null && queued == 0) r.abandonLocked(); // no event: the caller has the error
                    else if (failure != null) r.truncateLocked(failure.errno().number()); // the event tells
                } finally {
                    snd.lock.unlock();
                }
                if (n > 0) {
                    usr.output(pcb()); // tcp_usr_send
                    updateReady();
                }
            }
        } finally {
            locks.leaveEntryPoint();
            snd.sblock.unlock();
        }
        if (failure != null && queued == 0) throw failure;
        return r;
    }

    /**
     * The write checker: from the next zero-copy send on, each send's range is watched with {@code backend}
     * (null turns the checker off) from the send until its completion; a write found in it is counted
     * ({@code ZC_WRITES_IN_FLIGHT}), kept on the send ({@link ZeroCopySend#writeInFlight()}) and given to
     * {@code listener} (may be null) before the completion event is posted. The listener runs on the thread
     * that freed the region's last reference, possibly with stack locks held: it must not block or call
     * into the stack. Page-granular: a write elsewhere in a page the send covers counts too.
     */
    public TcpSocket checkWrites(DirtyTracker.Backend backend, Consumer<WriteInFlight> listener) {
        writeListener = listener;
        writeChecker = backend;
        return this;
    }

    /** Writes all of {@code b}. */
    public int write(byte[] b) throws SocketError { return write(b, 0, Objects.requireNonNull(b, "b").length); }

    /** Reads into all of {@code b}. */
    public int read(byte[] b) throws SocketError { return read(b, 0, Objects.requireNonNull(b, "b").length); }

    /**
     * Under so_snd: waits for send-buffer space as the socket's mode and send timeout allow. Returns the
     * space, or 0 when a non-blocking socket has none or the timeout passed; throws why no byte may be written.
     */
    private int awaitSpaceLocked(long timeout, long deadline) throws SocketError {
        while (true) {
            SocketError failure = sendErrorLocked();
            if (failure != null) throw failure;
            int space = sndStream.spaceLocked();
            if (space > 0) return space;
            if (!isBlocking()) return 0;
            long left = timeout == 0 ? Long.MAX_VALUE : deadline - scheduler.nanoTime();
            if (left <= 0) return 0;
            sleepLocked(snd, left);
        }
    }

    /**
     * A write of no bytes: nothing is queued, but it fails as a write would (EBADF when closed, EPIPE after
     * shutdown, the pending error, ENOTCONN; FreeBSD's sosend checks these before it looks at the length).
     */
    private int writeNothing() throws SocketError {
        snd.lock.lock();
        try {
            SocketError failure = sendErrorLocked();
            if (failure != null) throw failure;
            return 0;
        } finally {
            snd.lock.unlock();
        }
    }

    /** Why no byte may be written now, or null: EPIPE after shutdown, the pending error, ENOTCONN. */
    private SocketError sendErrorLocked() {
        rcv.lock.lock(); // so_snd then so_rcv, the declared order
        try {
            if (noFdRef) return new SocketError(Errno.EBADF, "write on a closed socket");
            if (cantSendMore) return new SocketError(Errno.EPIPE);
            int err = takeErrorLocked();
            if (err != 0) return error(err, "write");
            if (!connected && !connecting) return new SocketError(Errno.ENOTCONN);
            if (disconnected) return new SocketError(Errno.EPIPE);
            return null;
        } finally {
            rcv.lock.unlock();
        }
    }

    /** Reads at most {@code len} bytes into {@code b} at {@code off}; -1 at end of stream. */
    public int read(byte[] b, int off, int len) throws SocketError {
        Objects.checkFromIndexSize(off, len, Objects.requireNonNull(b, "b").length);
        checkOpen(); // a read of no bytes on a closed socket is EBADF too
        if (len == 0) return 0;
        int n;
        rcv.sblock.lock();
        locks.enterEntryPoint();
        try {
            rcv.lock.lock();
            try {
                if (awaitDataLocked("read") < 0) return -1;
                n = rcvStream.readableLocked(Math.min(rcvStream.ccLocked(), len)); // up to the urgent mark
                rcvStream.copyLocked(0, n, b, off);
                rcvStream.consumeLocked(n);
                readinessChangedLocked();
            } finally {
                rcv.lock.unlock();
            }
            usr.rcvd(pcb()); // tcp_usr_rcvd: the window may open
        } finally {
            locks.leaveEntryPoint();
            rcv.sblock.unlock();
        }
        notifyWatchers();
        return n;
    }

    // ---- urgent data (RFC 9293 3.8.5) --------------------------------------------------------------------

    /**
     * Sends {@code b} as urgent data ({@code send(2)} with {@code MSG_OOB}): the byte joins the stream like a
     * written one, and every segment until it is sent carries URG with an urgent pointer to the byte after
     * it (the BSD reading of the pointer, RFC 6093). It goes at once, past Nagle, even into a closed window
     * (one byte). It may exceed the send buffer a little, as FreeBSD allows; errors as {@link #write}, and
     * ENOBUFS when the buffer is already 512 bytes past full.
     */
    public void sendUrgent(byte b) throws SocketError {
        snd.sblock.lock();
        locks.enterEntryPoint();
        try {
            int sbcc;
            snd.lock.lock();
            try {
                SocketError failure = sendErrorLocked();
                if (failure != null) throw failure;
                if (sndStream.hiwatLocked() - sndStream.ccLocked() < -512) throw new SocketError(Errno.ENOBUFS, "sendUrgent");
                sndStream.appendLocked(new byte[] {b}, 0, 1);
                sbcc = sndStream.ccLocked();
            } finally {
                snd.lock.unlock();
            }
            usr.sendUrgent(pcb(), sbcc); // tcp_usr_send with PRUS_OOB
        } finally {
            locks.leaveEntryPoint();
            snd.sblock.unlock();
        }
        updateReady();
    }

    /**
     * Reads the out-of-band byte ({@code recv(2)} with {@code MSG_OOB}), 0 to 255, once. Never blocks: EINVAL
     * when there is none to read (no urgent mark, {@link SockOpt#SO_OOBINLINE} on, or read already),
     * EAGAIN (EWOULDBLOCK) when the peer's urgent pointer arrived before its byte.
     */
    public int readUrgent() throws SocketError {
        checkOpen();
        int r = entry(() -> usr.receiveUrgent(pcb()));
        if (r < 0) throw error(-r, "readUrgent");
        return r;
    }

    /**
     * True when the next byte {@link #read} returns is at the urgent mark ({@code ioctl(SIOCATMARK)}): the
     * one after the urgent byte, or the urgent byte itself with {@link SockOpt#SO_OOBINLINE}. Reads stop at
     * the mark, so a read never returns bytes from both sides of it.
     */
    public boolean atMark() {
        rcv.lock.lock();
        try {
            return rcvStream.atMarkLocked();
        } finally {
            rcv.lock.unlock();
        }
    }

    /**
     * {@code recv(2)} with {@code MSG_PEEK}: copies at most {@code len} bytes from the head of the receive
     * buffer into {@code b} at {@code off} and leaves them there, so the next read returns them again; -1 at
     * end of stream. Waits for data as {@link #read} does, and stops at the urgent mark as it does. Nothing is
     * consumed, so the advertised window does not open (FreeBSD's soreceive does not call pru_rcvd for a peek).
     */
    public int peek(byte[] b, int off, int len) throws SocketError {
        Objects.checkFromIndexSize(off, len, Objects.requireNonNull(b, "b").length);
        checkOpen();
        if (len == 0) return 0;
        rcv.sblock.lock();
        try {
            rcv.lock.lock();
            try {
                if (awaitDataLocked("peek") < 0) return -1;
                int n = rcvStream.readableLocked(Math.min(rcvStream.ccLocked(), len)); // as read: up to the mark
                rcvStream.copyLocked(0, n, b, off);
                return n;
            } finally {
                rcv.lock.unlock();
            }
        } finally {
            rcv.sblock.unlock();
        }
    }

    /**
     * Under so_rcv: waits until the receive buffer holds data (returns 1) or the stream ended (returns -1), as
     * the socket's mode and receive timeout allow; throws the pending error, ENOTCONN, or EAGAIN.
     */
    private int awaitDataLocked(String op) throws SocketError {
        long timeout = receiveTimeoutNanos();
        long deadline = timeout == 0 ? 0 : scheduler.nanoTime() + timeout;
        while (true) {
            if (noFdRef) throw new SocketError(Errno.EBADF, op + " on a closed socket");
            if (rcvStream.ccLocked() > 0) return 1;
            int err = takeErrorLocked();
            if (err != 0) throw error(err, op);
            if (cantRcvMore) return -1;
            if (!connected && !connecting) throw new SocketError(Errno.ENOTCONN);
            if (!isBlocking()) throw new SocketError(Errno.EAGAIN);
            long left = timeout == 0 ? Long.MAX_VALUE : deadline - scheduler.nanoTime();
            if (left <= 0) throw new SocketError(Errno.EAGAIN, op + " timed out");
            sleepLocked(rcv, left);
        }
    }

    /** shutdown(2): stop reading (SHUT_RD), writing (SHUT_WR: send FIN after the queued data), or both. */
    public void shutdown(boolean read, boolean write) throws SocketError {
        rcv.lock.lock();
        try {
            if (noFdRef) throw new SocketError(Errno.EBADF, "shutdown of a closed socket");
            if (!connected && !connecting) throw new SocketError(Errno.ENOTCONN);
            if (read) {
                cantRcvMore = true;
                rcvStream.flushLocked();
                rcvStream.setCantMoreLocked();
                rcv.cv.broadcast();
            }
            if (write) cantSendMore = true;
            readinessChangedLocked();
        } finally {
            rcv.lock.unlock();
        }
        if (write) locks.runEntryPoint(() -> usr.shutdownWrite(pcb()));
        notifyWatchers();
    }

    /** Closes the socket: FIN after queued data, or a RST as SO_LINGER 0 demands (see the class comment). */
    @Override
    public void close() {
        ArrayDeque<TcpSocket> unaccepted;
        rcv.lock.lock();
        try {
            if (noFdRef) return;
            noFdRef = true;
            cantSendMore = true;
            if (connected || connecting) rcvStream.flushLocked(); // sbflush: unread data is discarded
            unaccepted = new ArrayDeque<>(completed);
            completed.clear();
            rcv.cv.broadcast();
            readinessChangedLocked();
        } finally {
            rcv.lock.unlock();
        }
        snd.lock.lock();
        try {
            snd.cv.broadcast();
        } finally {
            snd.lock.unlock();
        }
        for (TcpSocket s : unaccepted) s.abortUnaccepted();
        Tcpcb p = pcb();
        if (p != null) locks.runEntryPoint(() -> usr.close(p));
        lingerWait();
        notifyWatchers();
        onClose.accept(this);
    }

    /** SO_LINGER with a positive time on a blocking socket: close waits for the FIN handshake, that long at most. */
    private void lingerWait() {
        Tcpcb p = pcb();
        if (p == null || !isBlocking()) return;
        long linger = usr.getOption(p, SockOpt.SO_LINGER);
        if (linger <= 0) return;
        locks.enterEntryPoint();
        try {
            rcv.lock.lock();
            try {
                long deadline = scheduler.nanoTime() + linger * 1_000_000_000L;
                while (!disconnected) {
                    long left = deadline - scheduler.nanoTime();
                    if (left <= 0) break;
                    sleepLocked(rcv, left);
                }
            } finally {
                rcv.lock.unlock();
            }
        } finally {
            locks.leaveEntryPoint();
        }
    }

    /** soabort: a connection its listener closed before it was accepted. */
    private void abortUnaccepted() {
        rcv.lock.lock();
        try {
            noFdRef = true;
        } finally {
            rcv.lock.unlock();
        }
        Tcpcb p = pcb();
        if (p != null) locks.runEntryPoint(() -> usr.abort(p));
    }

    // ---- options and views ----------------------------------------------------------------------------

    /** Sets an option, as setsockopt(2): ENOPROTOOPT for one that cannot be set, EINVAL for a bad value. */
    public void setOption(SockOpt option, int value) throws SocketError {
        Objects.requireNonNull(option, "option");
        checkOpen();
        switch (option) {
            case SO_ERROR -> throw new SocketError(Errno.ENOPROTOOPT, "SO_ERROR is read-only");
            case SO_SNDBUF, SO_RCVBUF -> {
                if (value < 1) throw new SocketError(Errno.EINVAL, option + " " + value);
                if (value > maxSockBuf.get()) throw new SocketError(Errno.ENOBUFS, option + " " + value);
                StreamBuffer sb = option == SockOpt.SO_SNDBUF ? sndStream : rcvStream;
                sb.lock.lock();
                try {
                    sb.setHiwatLocked(value, true);
                } finally {
                    sb.lock.unlock();
                }
                updateReady();
            }
            default -> {
                int e = entry(() -> usr.setOption(pcb(), option, value));
                if (e != 0) throw error(e, option + " " + value);
            }
        }
    }

    /** Reads an option, as getsockopt(2). */
    public int getOption(SockOpt option) throws SocketError {
        Objects.requireNonNull(option, "option");
        checkOpen();
        switch (option) {
            case SO_ERROR -> {
                rcv.lock.lock();
                try {
                    return takeErrorLocked();
                } finally {
                    rcv.lock.unlock();
                }
            }
            case SO_SNDBUF, SO_RCVBUF -> {
                StreamBuffer sb = option == SockOpt.SO_SNDBUF ? sndStream : rcvStream;
                sb.lock.lock();
                try {
                    return sb.hiwatLocked();
                } finally {
                    sb.lock.unlock();
                }
            }
            default -> {
                long v = usr.getOption(pcb(), option);
                if (v == Long.MIN_VALUE) throw new SocketError(Errno.ENOPROTOOPT, option.toString());
                return (int) v;
            }
        }
    }

    /** The connection's TCP_INFO view. */
    public TcpInfo info() { return usr.info(pcb()); }

    /** The connection's state. */
    public TcpState state() { return usr.state(pcb()); }

    /** The local address, or null before bind or connect. */
    public InetSocketAddress localAddress() {
        int[] a = usr.addresses(pcb());
        return a[1] == 0 ? null : Addresses.of(a[0], a[1]);
    }

    /** The peer's address, or null when not connected. */
    public InetSocketAddress remoteAddress() {
        int[] a = usr.addresses(pcb());
        return a[3] == 0 ? null : Addresses.of(a[2], a[3]);
    }

    /** Bytes in the send buffer (written, not yet acknowledged). */
    public int sendQueued() {
        snd.lock.lock();
        try {
            return sndStream.ccLocked();
        } finally {
            snd.lock.unlock();
        }
    }

    @Override
    public int receiveQueued() {
        rcv.lock.lock();
        try {
            return rcvStream.ccLocked();
        } finally {
            rcv.lock.unlock();
        }
    }

    // ---- internals --------------------------------------------------------------------------------------

    private interface Call { int run(); }

    /** Runs a TCP call inside the host's entry point. */
    private int entry(Call c) {
        locks.enterEntryPoint();
        try {
            return c.run();
        } finally {
            locks.leaveEntryPoint();
        }
    }

    private void checkOpen() throws SocketError {
        rcv.lock.lock();
        try {
            if (noFdRef) throw new SocketError(Errno.EBADF, "socket is closed");
        } finally {
            rcv.lock.unlock();
        }
    }

    private static SocketError error(int errno, String what) {
        Errno e = Errno.ofNumber(errno);
        return new SocketError(e == null ? Errno.EINVAL : e, what);
    }

    @Override
    IOException errorException(int errno) { return error(errno, null); }

    @Override
    int protocolReadyLocked(boolean isClosed) {
        rcv.lock.assertOwned();
        int r = 0;
        if (rcvStream.ccLocked() >= Math.max(1, rcvStream.lowatLocked()) || cantRcvMore || !completed.isEmpty()
                || noFdRef) {
            r |= EventQueue.READ;
        }
        if ((connected && !cantSendMore && !disconnected) || (disconnected && !listening)) r |= EventQueue.WRITE;
        return r;
    }

    /** Recomputes readiness (send space is read under so_snd first) and tells the watchers. */
    private void updateReady() {
        rcv.lock.lock();
        try {
            readinessChangedLocked();
        } finally {
            rcv.lock.unlock();
        }
        notifyWatchers();
    }

    /** What TCP calls, with the connection's inp held. */
    private final class Hooks implements TcpSocketHooks {
        @Override public StreamBuffer rcv() { return rcvStream; }

        @Override public StreamBuffer snd() { return sndStream; }

        @Override
        public boolean connectedLocked() {
            TcpSocket listener = head;
            rcv.lock.lock();
            try {
                // A Fast Open connection was queued on its listener when its SYN came; its handshake ends later
                if (connected) return true;
                connecting = false;
                connected = true;
                rcv.cv.broadcast();
                readinessChangedLocked();
            } finally {
                rcv.lock.unlock();
            }
            notifyWatchers();
            return listener == null || listener.enqueueCompleted(TcpSocket.this);
        }

        @Override
        public void disconnectedLocked() {
            rcv.lock.lock();
            try {
                connecting = false;
                disconnected = true;
                cantRcvMore = true;
                cantSendMore = true;
                rcv.cv.broadcast();
                readinessChangedLocked();
            } finally {
                rcv.lock.unlock();
            }
            snd.lock.lock();
            try {
                snd.cv.broadcast();
            } finally {
                snd.lock.unlock();
            }
            notifyWatchers();
        }

        @Override
        public void cantRcvMoreLocked() {
            wakeReaders(true);
        }

        @Override
        public void readableLocked() {
            wakeReaders(false);
        }

        /** Under so_rcv: marks end of stream if asked, wakes sleeping readers and updates readiness; then tells the watchers. */
        private void wakeReaders(boolean endOfStream) {
            rcv.lock.lock();
            try {
                if (endOfStream) {
                    cantRcvMore = true;
                    rcvStream.setCantMoreLocked();
                }
                rcv.cv.broadcast();
                readinessChangedLocked();
            } finally {
                rcv.lock.unlock();
            }
            notifyWatchers();
        }

        @Override
        public void writableLocked() {
            snd.lock.lock();
            try {
                snd.cv.broadcast();
            } finally {
                snd.lock.unlock();
            }
            updateReady();
        }

        @Override
        public void errorBeforeDisconnectLocked(int errno) {
            rcv.lock.lock();
            try {
                setErrorLocked(errno); // disconnectedLocked, next under the same pcb lock, wakes and notifies
            } finally {
                rcv.lock.unlock();
            }
        }

        @Override
        public TcpSocketHooks newConnectionLocked() {
            rcv.lock.lock();
            try {
                if (noFdRef || !listening || completed.size() > 3 * backlog / 2) return null; // sonewconn's overflow
            } finally {
                rcv.lock.unlock();
            }
            TcpSocket child = new TcpSocket(usr, locks, scheduler, maxSockBuf, onOpen, onClose, TcpSocket.this);
            return child.new Hooks();
        }

        @Override
        public void pcbCreatedLocked(Tcpcb pcb) {
            pcbOfChild = pcb;
            rcv.lock.lock();
            try {
                connecting = true;
            } finally {
                rcv.lock.unlock();
            }
        }

        @Override
        public boolean closedByUserLocked() {
            rcv.lock.lock();
            try {
                return noFdRef;
            } finally {
                rcv.lock.unlock();
            }
        }
    }

    /** A connection completed the handshake: onto this listener's queue (soisconnected's so_comp). */
    private boolean enqueueCompleted(TcpSocket child) {
        boolean aborted;
        rcv.lock.lock();
        try {
            aborted = noFdRef;
            if (!aborted) {
                completed.addLast(child);
                rcv.cv.broadcast();
                readinessChangedLocked();
            }
        } finally {
            rcv.lock.unlock();
        }
        if (!aborted) notifyWatchers();
        return !aborted;
    }

    @Override public String toString() { return "tcp " + localAddress() + " -> " + remoteAddress(); }

    /**
     * One zero-copy send ({@link TcpSocket#sendZeroCopy}): bytes {@code [offset, offset+length)} of the
     * application's region, which the stack's segments reference instead of copying. The region must not be
     * written until the send is done: that is when every byte was acknowledged (or the connection failed) and
     * every mbuf referencing the region (a segment still in a NIC ring, on a wire, queued for retransmission)
     * was freed. Then exactly one event comes on the event queue named at the send: kind
     * {@link smpnet.stack.kevent.EventQueue#ZEROCOPY}, source the socket, attachment this object.
     *
     * <p>Thread-safe: the accessors read state the stack publishes before the completion event.
     */
    public interface ZeroCopySend {
        /** A number unique within the host, in the order of the sends. */
        long id();

        /** The region as the application passed it. */
        MemorySegment region();

        /** The first byte sent, as an offset in {@link #region()}. */
        long offset();

        /** The bytes sent. */
        long length();

        /** True once the completion event was posted: the region may be reused. */
        boolean isDone();

        /**
         * Once done: null if every byte was acknowledged, else why the send failed (the connection was reset,
         * timed out or aborted): the peer may have received only part of it.
         */
        Errno error();

        /** Bytes of this send the peer has acknowledged so far. */
        long bytesAcked();

        /**
         * Once done, with a write checker on ({@link TcpSocket#checkWrites}): the writes found in the region
         * while the send was in flight, or null if none.
         */
        WriteInFlight writeInFlight();

        /**
         * Copies {@code src[srcOff, srcOff+len)} to {@code offset} of the region through the write checker (the
         * only writes its {@code WRITE_BARRIER} back-end sees); without a checker, or once done, a plain copy.
         */
        void write(long offset, byte[] src, int srcOff, int len);
    }

    /**
     * The write checker's report: the application wrote into a region while a zero-copy send of it was still
     * in flight, so the peer may have received bytes the application did not mean to send.
     *
     * @param connection the sending connection ({@code tcp local -> remote})
     * @param sendId     the send's number ({@code ZeroCopySend.id()})
     * @param ranges     the written bytes, {@code [start, end)} offsets in the region the application passed,
     *                   clipped to the bytes the send covers (page-granular inside them)
     * @param backend    the tracker back-end that found the writes
     * @param sendStack  where the zero-copy send was made (the frames of the call that owns the region)
     */
    public record WriteInFlight(String connection, long sendId, List<DirtyDiff.Range> ranges, DirtyTracker.Backend backend,
                                List<StackTraceElement> sendStack) {
        public WriteInFlight {
            ranges = List.copyOf(ranges);
            sendStack = List.copyOf(sendStack);
        }

        @Override
        public String toString() {
            StringBuilder sb = new StringBuilder("write into zero-copy send #").append(sendId).append(" in flight on ")
                    .append(connection).append(": bytes ").append(ranges).append(" (").append(backend.setting())
                    .append("); the send was made at");
            for (StackTraceElement e : sendStack) sb.append("\n\tat ").append(e);
            return sb.toString();
        }
    }
}
