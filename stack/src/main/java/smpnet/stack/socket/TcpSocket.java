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
import smpnet.stack.internal.tcp.TcpUsrReq;
import smpnet.stack.internal.tcp.Tcpcb;
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
 * <p>This class holds the socket's state, the calls an application makes (their arguments checked here) and
 * connection set-up (bind, listen, accept, connect). The rest lives beside it in this package, each part
 * reading the fields below under the locks this key names: what TCP calls back (wake-ups, state changes, a
 * listener's new connections) in {@link TcpSocketCallbacks}; the send path in {@link TcpSocketSend}, the
 * receive path in {@link TcpSocketReceive}; shutdown and close in {@link TcpSocketClose}; options in
 * {@link TcpSocketOptions}; urgent data in {@link TcpSocketUrgent}; the zero-copy send in
 * {@link TcpSocketZeroCopy}; the implied connect of {@link #sendTo} in {@link TcpSocketSendTo}.
 *
 * <p>Locking key: so_rcv ({@code rcv.lock}) guards the socket's state flags, the accept queue and the receive
 * stream; so_snd ({@code snd.lock}) the send stream. Sleepers wait on the buffer's condition variable. The
 * connection's inp belongs to TCP ({@link TcpUsrReq}); TCP calls the socket's {@link TcpSocketCallbacks}
 * with it held (inp comes before both buffer locks).
 */
public final class TcpSocket extends Socket {
    final TcpUsrReq usr;
    private final Tcpcb tp;
    final StreamBuffer rcvStream;
    final StreamBuffer sndStream;
    private final Consumer<TcpSocket> onOpen;
    final Consumer<TcpSocket> onClose;
    final Sysctl.Value maxSockBuf;
    @GuardedBy("so_rcv") boolean connecting;
    @GuardedBy("so_rcv") boolean connected;
    @GuardedBy("so_rcv") boolean disconnected;
    @GuardedBy("so_rcv") boolean cantRcvMore;
    @GuardedBy("so_rcv") boolean cantSendMore;
    @GuardedBy("so_rcv") boolean noFdRef;
    @GuardedBy("so_rcv") boolean listening;
    @GuardedBy("so_rcv") int backlog;
    /** Completed connections of a listener, not yet accepted (so_comp). */
    @GuardedBy("so_rcv") final ArrayDeque<TcpSocket> completed = new ArrayDeque<>();
    /** The listener a not-yet-accepted connection will be queued on. */
    final TcpSocket head;
    volatile long sendTimeoutNanos;
    private final TcpSocketZeroCopy zeroCopy = new TcpSocketZeroCopy(this);

    /**
     * Created by the stack ({@code Stack.openTcp()}) with net.inet.tcp.recvspace/sendspace and
     * kern.ipc.maxsockbuf; the stack hears of accepted sockets through {@code onOpen} and of closes through
     * {@code onClose}.
     */
    public TcpSocket(TcpUsrReq usr, StackLocks locks, Scheduler scheduler, Sysctl.Value maxSockBuf,
                     Consumer<TcpSocket> onOpen, Consumer<TcpSocket> onClose) {
        this(usr, locks, scheduler, maxSockBuf, onOpen, onClose, null);
    }

    /** sonewconn: a connection of {@code listener} completing its handshake, its control block still to come. */
    TcpSocket(TcpSocket listener) {
        this(listener.usr, listener.locks, listener.scheduler, listener.maxSockBuf, listener.onOpen, listener.onClose,
                listener);
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
        this.tp = head == null ? usr.attach(new TcpSocketCallbacks(this)) : null;
        rcv.lock.lock();
        try {
            readinessChangedLocked(); // not writable until connected
        } finally {
            rcv.lock.unlock();
        }
    }

    /** For a connection a listener's TCP completes: the control block arrives through the callbacks. */
    Tcpcb pcbOfChild;

    Tcpcb pcb() { return tp != null ? tp : pcbOfChild; }

    /**
     * {@inheritDoc} Here: the receive and send buffers' locks and streams (a read and a write take them
     * first) and the connection's control block, lock and timers ({@code Tcpcb.touch}).
     */
    @Override
    public int touch() {
        int h = (rcv.lock.isOwned() ? 1 : 0) + (snd.lock.isOwned() ? 2 : 0) + rcvStream.touch() + sndStream.touch();
        Tcpcb p = pcb();
        return p == null ? h : h + p.touch();
    }

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
                    if (err != 0) {
                        if (!completed.isEmpty()) rcv.cv.signal(); // the wake-up this thread took, passed on
                        throw error(err, "accept");
                    }
                    s = completed.pollFirst();
                    if (s != null) {
                        // each queued connection wakes one acceptor: pass the turn on if more are queued
                        // (another thread's wake-up may have gone to one that left with an error)
                        if (!completed.isEmpty()) rcv.cv.signal();
                        break;
                    }
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
        return TcpSocketSendTo.sendTo(this, remote, b, off, len);
    }

    /** A connect that TCP refused: the socket is no longer connecting. */
    void notConnecting() {
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
        return TcpSocketSend.write(this, b, off, len);
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
        return zeroCopy.send(region, offset, length, completions);
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
        zeroCopy.checkWrites(backend, listener);
        return this;
    }

    /** Writes all of {@code b}. */
    public int write(byte[] b) throws SocketError { return write(b, 0, Objects.requireNonNull(b, "b").length); }

    /** Reads into all of {@code b}. */
    public int read(byte[] b) throws SocketError { return read(b, 0, Objects.requireNonNull(b, "b").length); }

    /** Reads at most {@code len} bytes into {@code b} at {@code off}; -1 at end of stream. */
    public int read(byte[] b, int off, int len) throws SocketError {
        Objects.checkFromIndexSize(off, len, Objects.requireNonNull(b, "b").length);
        checkOpen(); // a read of no bytes on a closed socket is EBADF too
        return TcpSocketReceive.read(this, b, off, len);
    }

    // ---- urgent data (RFC 9293 3.8.5) --------------------------------------------------------------------

    /**
     * Sends {@code b} as urgent data ({@code send(2)} with {@code MSG_OOB}): the byte joins the stream like a
     * written one, and every segment until it is sent carries URG with an urgent pointer to the byte after
     * it (the BSD reading of the pointer, RFC 6093). It goes at once, past Nagle, even into a closed window
     * (one byte). It may exceed the send buffer a little, as FreeBSD allows; errors as {@link #write}, and
     * ENOBUFS when the buffer is already 512 bytes past full.
     */
    public void sendUrgent(byte b) throws SocketError { TcpSocketUrgent.send(this, b); }

    /**
     * Reads the out-of-band byte ({@code recv(2)} with {@code MSG_OOB}), 0 to 255, once. Never blocks: EINVAL
     * when there is none to read (no urgent mark, {@link SockOpt#SO_OOBINLINE} on, or read already),
     * EAGAIN (EWOULDBLOCK) when the peer's urgent pointer arrived before its byte.
     */
    public int readUrgent() throws SocketError { return TcpSocketUrgent.read(this); }

    /**
     * True when the next byte {@link #read} returns is at the urgent mark ({@code ioctl(SIOCATMARK)}): the
     * one after the urgent byte, or the urgent byte itself with {@link SockOpt#SO_OOBINLINE}. Reads stop at
     * the mark, so a read never returns bytes from both sides of it.
     */
    public boolean atMark() { return TcpSocketUrgent.atMark(this); }

    /**
     * {@code recv(2)} with {@code MSG_PEEK}: copies at most {@code len} bytes from the head of the receive
     * buffer into {@code b} at {@code off} and leaves them there, so the next read returns them again; -1 at
     * end of stream. Waits for data as {@link #read} does, and stops at the urgent mark as it does. Nothing is
     * consumed, so the advertised window does not open (FreeBSD's soreceive does not call pru_rcvd for a peek).
     */
    public int peek(byte[] b, int off, int len) throws SocketError {
        Objects.checkFromIndexSize(off, len, Objects.requireNonNull(b, "b").length);
        checkOpen();
        return TcpSocketReceive.peek(this, b, off, len);
    }

    /** shutdown(2): stop reading (SHUT_RD), writing (SHUT_WR: send FIN after the queued data), or both. */
    public void shutdown(boolean read, boolean write) throws SocketError { TcpSocketClose.shutdown(this, read, write); }

    /** Closes the socket: FIN after queued data, or a RST as SO_LINGER 0 demands (see the class comment). */
    @Override
    public void close() { TcpSocketClose.close(this); }

    // ---- options and views ----------------------------------------------------------------------------

    /** Sets an option, as setsockopt(2): ENOPROTOOPT for one that cannot be set, EINVAL for a bad value. */
    public void setOption(SockOpt option, int value) throws SocketError {
        Objects.requireNonNull(option, "option");
        checkOpen();
        TcpSocketOptions.set(this, option, value);
    }

    /** Reads an option, as getsockopt(2). */
    public int getOption(SockOpt option) throws SocketError {
        Objects.requireNonNull(option, "option");
        checkOpen();
        return TcpSocketOptions.get(this, option);
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

    interface Call { int run(); }

    /** Runs a TCP call inside the host's entry point. */
    int entry(Call c) {
        locks.enterEntryPoint();
        try {
            return c.run();
        } finally {
            locks.leaveEntryPoint();
        }
    }

    void checkOpen() throws SocketError {
        rcv.lock.lock();
        try {
            if (noFdRef) throw new SocketError(Errno.EBADF, "socket is closed");
        } finally {
            rcv.lock.unlock();
        }
    }

    static SocketError error(int errno, String what) {
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

    /** Wakes every writer asleep on so_snd (space came, or the socket can no longer send). */
    void wakeWriters() {
        snd.lock.lock();
        try {
            snd.cv.broadcast();
        } finally {
            snd.lock.unlock();
        }
    }

    /** Recomputes readiness (send space is read under so_snd first) and tells the watchers. */
    void updateReady() {
        rcv.lock.lock();
        try {
            readinessChangedLocked();
        } finally {
            rcv.lock.unlock();
        }
        notifyWatchers();
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
