package smpnet.stack.socket;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.net.SocketTimeoutException;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.ArrayDeque;
import smpnet.locking.CacheLinePadded;
import smpnet.locking.GuardedBy;
import smpnet.locking.Scheduler;
import smpnet.stack.internal.net.DirectReceive;
import smpnet.stack.internal.sysctl.Sysctl;
import smpnet.stack.internal.trace.PacketProbe;
import smpnet.stack.kevent.EventQueue;
import smpnet.stack.kevent.Pollable;
import smpnet.stack.locks.LockInventory;
import smpnet.stack.locks.StackLocks;
import smpnet.stack.mbuf.Mbuf;

/**
 * What every socket shares, whatever its protocol (FreeBSD's {@code struct socket} and the generic half of
 * {@code uipc_socket.c}): the two socket buffers and their sblocks, blocking mode and receive timeout,
 * the receive wait loop that drops Giant to sleep, {@code so_error}, readiness for event queues, and the
 * wake-up protocol input calls when it appends. A protocol's socket ({@link UdpSocket}, later TCP's) adds
 * its own calls on top.
 *
 * <p>Locking key: {@code rcv.sblock} serialises receive calls and {@code snd.sblock} send calls (sx,
 * sleepable). {@code rcv.lock} (so_rcv) guards the receive buffer, {@code soError} and {@code closed}; a
 * blocked receiver sleeps on the buffer's condition variable with it as interlock, and in giant mode that
 * lock is Giant, which the sleep drops entirely. {@code ready} is a snapshot written under so_rcv and read
 * without locks by event queues; {@code blocking} and {@code timeoutNanos} are volatile settings.
 */
abstract class Socket extends CacheLinePadded implements Pollable, AutoCloseable {
    final StackLocks locks;
    final Scheduler scheduler;
    final SockBuf rcv;
    final SockBuf snd;
    private final Sysctl.Value maxSockBuf;
    @GuardedBy("so_rcv") private int soError;
    @GuardedBy("so_rcv") private boolean closed;
    private volatile int ready = EventQueue.WRITE;
    private volatile boolean blocking = true;
    private volatile long timeoutNanos;
    /**
     * The event queues' watchers: null for none, the {@link Watcher} itself for one (a socket in one queue,
     * the usual case), a {@code Watcher[]} for more; replaced whole (copy on write) by a compare-and-set, so
     * that a notification reads one field and calls the watcher, without the list object and array a
     * concurrent list would add to every socket (two more cache lines per notification at many connections).
     */
    private volatile Object watchers;
    private static final VarHandle WATCHERS;

    static {
        try {
            WATCHERS = MethodHandles.lookup().findVarHandle(Socket.class, "watchers", Object.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /**
     * @param rcvSpace   the receive buffer's high watermark (net.inet.udp.recvspace for UDP)
     * @param sndSpace   the send buffer's high watermark
     * @param maxSockBuf kern.ipc.maxsockbuf: the most a buffer may be set to
     */
    Socket(StackLocks locks, Scheduler scheduler, int rcvSpace, int sndSpace, Sysctl.Value maxSockBuf) {
        this.locks = locks;
        this.scheduler = scheduler;
        this.maxSockBuf = maxSockBuf;
        this.rcv = new SockBuf(locks.mutex(LockInventory.SO_RCV), locks.sxlock(LockInventory.SBLOCK), "sbwait_rcv",
                rcvSpace);
        this.snd = new SockBuf(locks.mutex(LockInventory.SO_SND), locks.sxlock(LockInventory.SBLOCK), "sbwait_snd",
                sndSpace);
    }

    /** The exception a pending {@code so_error} of {@code errno} is reported as, by this protocol's calls. */
    abstract IOException errorException(int errno);

    // ---- settings -------------------------------------------------------------------------------------

    final void setBlocking(boolean block) { blocking = block; }

    final boolean isBlocking() { return blocking; }

    final void setReceiveTimeoutNanos(long nanos) { timeoutNanos = nanos; }

    /** The longest wait a timeout stands for (73 years); a longer Duration may not fit in nanoseconds at all. */
    static final Duration LONGEST_WAIT = Duration.ofNanos(Long.MAX_VALUE / 4);

    /**
     * {@code timeout} in nanoseconds, at most {@link #LONGEST_WAIT}: a longer one ({@code
     * ChronoUnit.FOREVER.getDuration()}, beyond {@link Duration#toNanos()}'s 292 years) waits that long.
     */
    static long waitNanos(Duration timeout) {
        return timeout.compareTo(LONGEST_WAIT) > 0 ? LONGEST_WAIT.toNanos() : timeout.toNanos();
    }

    /** SO_RCVBUF and SO_RCVLOWAT; a high watermark above kern.ipc.maxsockbuf is refused (ENOBUFS). */
    final void setReceiveWatermarks(int highWatermark, int lowWatermark) {
        checkMaxSockBuf(highWatermark);
        rcv.lock.lock();
        try {
            rcv.setWatermarksLocked(highWatermark, lowWatermark);
            updateReadyLocked();
        } finally {
            rcv.lock.unlock();
        }
        notifyWatchers();
    }

    /** SO_SNDBUF: the send buffer's high watermark, at most kern.ipc.maxsockbuf. */
    final void setSendHighWatermark(int bytes) {
        checkMaxSockBuf(bytes);
        snd.lock.lock();
        try {
            snd.setWatermarksLocked(bytes, 1);
        } finally {
            snd.lock.unlock();
        }
    }

    private void checkMaxSockBuf(int bytes) {
        long max = maxSockBuf.get();
        if (bytes > max) {
            throw new IllegalArgumentException(bytes + " bytes is more than kern.ipc.maxsockbuf (" + max + ")");
        }
    }

    /** The send buffer's high watermark. */
    final int sendHighWatermark() {
        snd.lock.lock();
        try {
            return snd.hiwatLocked();
        } finally {
            snd.lock.unlock();
        }
    }

    /** Bytes now queued in the receive buffer. */
    public int receiveQueued() {
        rcv.lock.lock();
        try {
            return rcv.ccLocked();
        } finally {
            rcv.lock.unlock();
        }
    }

    // ---- close ----------------------------------------------------------------------------------------

    /**
     * The generic half of {@code soclose}: marks the socket closed, wakes its receivers and watchers'
     * readiness, and returns what the receive buffer still held (the caller frees it after detaching the
     * protocol); null if it was already closed.
     */
    final ArrayDeque<SockBuf.Datagram> shutdownReceive() {
        ArrayDeque<SockBuf.Datagram> left;
        rcv.lock.lock();
        try {
            if (closed) return null;
            closed = true;
            left = rcv.shutdownLocked();
            updateReadyLocked();
        } finally {
            rcv.lock.unlock();
        }
        return left;
    }

    final void ensureOpen() throws ClosedChannelException {
        rcv.lock.lock();
        try {
            if (closed) throw new ClosedChannelException();
        } finally {
            rcv.lock.unlock();
        }
    }

    // ---- receive --------------------------------------------------------------------------------------

    /**
     * {@code soreceive}'s generic part: under the receive sblock and the host's entry point, one record, or
     * null when a non-blocking socket has none. Errors and close are reported as exceptions.
     */
    final SockBuf.Datagram take() throws IOException {
        rcv.sblock.lock();
        locks.enterEntryPoint();
        try {
            rcv.lock.lock();
            try {
                return takeLocked();
            } finally {
                rcv.lock.unlock();
            }
        } finally {
            locks.leaveEntryPoint();
            rcv.sblock.unlock();
        }
    }

    /**
     * The wait loop: error first, then data, then closed, then sleep (if allowed). The other end of the
     * sleep is {@link #appendAndWake} (or {@link #setErrorAndWake}), called by protocol input.
     */
    private SockBuf.Datagram takeLocked() throws IOException {
        rcv.lock.assertOwned();
        long timeout = timeoutNanos;
        long deadline = 0; // read the clock only once a wait is certain: most receives find data or don't wait
        while (true) {
            throwPendingErrorLocked();
            if (rcv.readableLocked()) {
                SockBuf.Datagram d = rcv.pollLocked();
                updateReadyLocked();
                return d;
            }
            if (closed) throw new ClosedChannelException();
            if (!blocking) return null;
            if (timeout != 0 && deadline == 0) deadline = scheduler.nanoTime() + timeout;
            long left = timeout == 0 ? Long.MAX_VALUE : deadline - scheduler.nanoTime();
            if (left <= 0) throw new SocketTimeoutException("Receive timed out");
            sleepLocked(left);
        }
    }

    /**
     * Sleeps on the receive buffer. In giant mode the buffer's lock is Giant and the wait drops it. In
     * giant-over-fine mode the entry point's Giant is dropped too (FreeBSD's DROP_GIANT, as msleep does)
     * and, because Giant comes before so_rcv in the order, picked up again only after so_rcv is released;
     * the caller's loop then re-checks the buffer.
     */
    private void sleepLocked(long nanos) { sleepLocked(rcv, nanos); }

    /**
     * Closes a {@link DirectReceive} region opened around protocol output, where the caller holds no stack
     * mutex: its drain runs with Giant dropped, as a sleep drops it. The receiving host's input takes that
     * host's own Giant; holding ours meanwhile, two hosts' threads draining each other's rings would each wait
     * for the other's Giant.
     */
    final void closeDirect(DirectReceive d) {
        if (!d.willDrain()) {
            d.close();
            return;
        }
        int giantDepth = locks.dropGiant();
        try {
            d.close();
        } finally {
            locks.pickupGiant(giantDepth);
        }
    }

    /** Sleeps on buffer {@code b}'s condition variable, its lock held (and dropped while asleep), as above. */
    final void sleepLocked(SockBuf b, long nanos) {
        b.lock.assertOwned();
        int giantDepth = b.lock == locks.giant() ? 0 : locks.dropGiant();
        if (nanos == Long.MAX_VALUE) {
            b.cv.await(b.lock);
        } else {
            b.cv.awaitNanos(b.lock, nanos);
        }
        if (giantDepth > 0) {
            b.lock.unlock();
            locks.pickupGiant(giantDepth);
            b.lock.lock();
        }
    }

    /** The receive timeout in nanoseconds (0: none). */
    final long receiveTimeoutNanos() { return timeoutNanos; }

    /** Takes and clears so_error (0 if none); the receive buffer's lock is held. */
    final int takeErrorLocked() {
        rcv.lock.assertOwned();
        int e = soError;
        soError = 0;
        updateReadyLocked();
        return e;
    }

    /** Recomputes readiness after a protocol's own state changed; the receive buffer's lock is held. */
    final void readinessChangedLocked() { updateReadyLocked(); }

    final void throwPendingError() throws IOException {
        rcv.lock.lock();
        try {
            throwPendingErrorLocked();
        } finally {
            rcv.lock.unlock();
        }
    }

    /** Reports and clears so_error, as a BSD socket call does. */
    private void throwPendingErrorLocked() throws IOException {
        rcv.lock.assertOwned();
        int e = soError;
        if (e == 0) return;
        soError = 0;
        updateReadyLocked();
        throw errorException(e);
    }

    // ---- what protocol input calls ---------------------------------------------------------------------

    /**
     * {@code sbappendaddr} then {@code sorwakeup}: appends one datagram if it fits, wakes a receiver sleeping
     * in {@link #takeLocked} (the other end of this hand-off) and the event queues watching. Called by
     * protocol input with the pcb's lock held; true if the buffer took ownership of {@code payload}.
     */
    final boolean appendAndWake(int srcAddr, int srcPort, Mbuf payload) {
        boolean ok;
        PacketProbe.hop(PacketProbe.Hop.SOCKET_BUFFER, payload, "so_rcv");
        rcv.lock.lock();
        try {
            ok = rcv.appendLocked(srcAddr, srcPort, payload);
            if (ok) {
                updateReadyLocked();
                rcv.cv.signal();
            }
        } finally {
            rcv.lock.unlock();
        }
        if (ok) notifyWatchers();
        return ok;
    }

    /** Records an asynchronous error (so_error) without a wake-up; the receive buffer's lock is held. */
    final void setErrorLocked(int error) {
        rcv.lock.assertOwned();
        soError = error;
        updateReadyLocked();
    }

    /** Records an asynchronous error (so_error) and wakes every receiver; called with the pcb's lock held. */
    final void setErrorAndWake(int error) {
        rcv.lock.lock();
        try {
            setErrorLocked(error);
            rcv.cv.broadcast();
        } finally {
            rcv.lock.unlock();
        }
        notifyWatchers();
    }

    // ---- readiness (kqueue filters) -------------------------------------------------------------------

    @Override public int readyOps() { return ready; }

    @Override
    public void addWatcher(Watcher w) {
        java.util.Objects.requireNonNull(w, "watcher");
        while (true) {
            Object old = watchers, now;
            if (old == null) {
                now = w;
            } else if (old instanceof Watcher one) {
                now = new Watcher[] {one, w};
            } else {
                Watcher[] a = (Watcher[]) old;
                Watcher[] b = java.util.Arrays.copyOf(a, a.length + 1);
                b[a.length] = w;
                now = b;
            }
            if (WATCHERS.compareAndSet(this, old, now)) return;
        }
    }

    @Override
    public void removeWatcher(Watcher w) {
        while (true) {
            Object old = watchers, now;
            if (old == w) {
                now = null;
            } else if (old instanceof Watcher[] a) {
                int i = 0;
                while (i < a.length && a[i] != w) i++;
                if (i == a.length) return;
                if (a.length == 2) {
                    now = a[1 - i];
                } else {
                    Watcher[] b = new Watcher[a.length - 1];
                    System.arraycopy(a, 0, b, 0, i);
                    System.arraycopy(a, i + 1, b, i, a.length - i - 1);
                    now = b;
                }
            } else {
                return; // not a watcher of this socket
            }
            if (WATCHERS.compareAndSet(this, old, now)) return;
        }
    }

    private void updateReadyLocked() {
        rcv.lock.assertOwned();
        int r = protocolReadyLocked(closed);
        if (soError != 0) r |= EventQueue.ERROR;
        ready = r;
    }

    /** READ and WRITE as this protocol sees them (the datagram rules by default); so_rcv is held. */
    int protocolReadyLocked(boolean isClosed) {
        int r = isClosed ? EventQueue.READ : EventQueue.WRITE;
        if (rcv.readableLocked()) r |= EventQueue.READ;
        return r;
    }

    final void notifyWatchers() {
        Object ws = watchers;
        if (ws == null) return;
        if (ws instanceof Watcher w) {
            w.readinessChanged();
        } else {
            for (Watcher w : (Watcher[]) ws) w.readinessChanged();
        }
    }
}
