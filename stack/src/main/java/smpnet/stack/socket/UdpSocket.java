package smpnet.stack.socket;

import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.NoRouteToHostException;
import java.net.PortUnreachableException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.CopyOnWriteArrayList;
import smpnet.locking.CacheLinePadded;
import smpnet.locking.GuardedBy;
import smpnet.locking.Scheduler;
import smpnet.stack.kevent.EventQueue;
import smpnet.stack.kevent.Pollable;
import smpnet.stack.locks.LockInventory;
import smpnet.stack.locks.StackLocks;
import smpnet.stack.mbuf.Mbuf;
import smpnet.stack.mbuf.MbufAllocator;
import smpnet.stack.internal.udp.Inpcb;
import smpnet.stack.internal.udp.Udp;
import smpnet.stack.internal.udp.UdpReceiver;

/**
 * A UDP socket of one smpnet host, shaped like {@link java.nio.channels.DatagramChannel}: bind, connect,
 * send/sendTo, receive/receiveFrom, close; blocking (with an optional timeout) or non-blocking; a receive
 * buffer with high and low watermarks; and readiness for an {@link EventQueue}.
 *
 * <p>Locking key: {@code rcv.sblock} serialises receive calls and {@code snd.sblock} send calls (sx,
 * sleepable). {@code rcv.lock} (so_rcv) guards the receive buffer and {@code soError}; a blocked receiver
 * sleeps on the buffer's condition variable with it as interlock, and in giant mode that lock is Giant,
 * which the sleep drops entirely. The pcb's own {@code inp} lock and the table lock belong to {@link Udp}.
 * {@code ready} is a snapshot written under so_rcv and read without locks by event queues.
 */
public final class UdpSocket extends CacheLinePadded implements Pollable, AutoCloseable {
    /** Default receive buffer size, FreeBSD's net.inet.udp.recvspace. */
    public static final int DEFAULT_RECEIVE_BUFFER = 42_080;
    /** Largest datagram sent, FreeBSD's net.inet.udp.maxdgram (the send buffer's high watermark). */
    public static final int DEFAULT_MAX_DATAGRAM = 9216;
    private static final int HEADROOM = 64;

    private final Udp udp;
    private final StackLocks locks;
    private final MbufAllocator alloc;
    private final Scheduler scheduler;
    private final SockBuf rcv;
    private final SockBuf snd;
    private final Inpcb pcb;
    @GuardedBy("so_rcv") private int soError;
    @GuardedBy("so_rcv") private boolean closed;
    private volatile int ready = EventQueue.WRITE;
    private volatile boolean blocking = true;
    private volatile long timeoutNanos;
    private final CopyOnWriteArrayList<Watcher> watchers = new CopyOnWriteArrayList<>();

    private final java.util.function.Consumer<UdpSocket> onClose;

    /** Created by the stack ({@code Stack.openUdp()}), which hears of the close through {@code onClose}. */
    public UdpSocket(Udp udp, StackLocks locks, MbufAllocator alloc, Scheduler scheduler,
                     java.util.function.Consumer<UdpSocket> onClose) {
        this.onClose = onClose;
        this.udp = udp;
        this.locks = locks;
        this.alloc = alloc;
        this.scheduler = scheduler;
        this.rcv = new SockBuf(locks.mutex(LockInventory.SO_RCV), locks.sxlock(LockInventory.SBLOCK), "sbwait_rcv",
                DEFAULT_RECEIVE_BUFFER);
        this.snd = new SockBuf(locks.mutex(LockInventory.SO_SND), locks.sxlock(LockInventory.SBLOCK), "sbwait_snd",
                DEFAULT_MAX_DATAGRAM);
        this.pcb = udp.attach(new Receiver());
    }

    // ---- configuration --------------------------------------------------------------------------------

    /** Blocking (the default) or non-blocking: then receive returns null (or -1) instead of waiting. */
    public UdpSocket configureBlocking(boolean block) {
        blocking = block;
        return this;
    }

    /** How long a blocking receive waits before {@link SocketTimeoutException}; zero waits forever. */
    public UdpSocket setReceiveTimeout(Duration timeout) {
        timeoutNanos = timeout.toNanos();
        return this;
    }

    /** Receive buffer high watermark (SO_RCVBUF) and low watermark (SO_RCVLOWAT), in bytes. */
    public UdpSocket setReceiveBuffer(int highWatermark, int lowWatermark) {
        rcv.lock.lock();
        try {
            rcv.setWatermarksLocked(highWatermark, lowWatermark);
            updateReadyLocked();
        } finally {
            rcv.lock.unlock();
        }
        notifyWatchers();
        return this;
    }

    /** Largest datagram {@link #sendTo} accepts (SO_SNDBUF for UDP). */
    public UdpSocket setMaxDatagram(int bytes) {
        snd.lock.lock();
        try {
            snd.setWatermarksLocked(bytes, 1);
        } finally {
            snd.lock.unlock();
        }
        return this;
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

    // ---- bind, connect, close -------------------------------------------------------------------------

    /** Binds to {@code local} (address 0.0.0.0: any; port 0: ephemeral). */
    public UdpSocket bind(InetSocketAddress local) throws IOException {
        ensureOpen();
        if (udp.localPort(pcb) != 0) throw new SocketException("Socket is already bound");
        int port;
        locks.enterEntryPoint();
        try {
            port = udp.bind(pcb, Addresses.toInt(local), local.getPort());
        } finally {
            locks.leaveEntryPoint();
        }
        if (port < 0) {
            throw new BindException("Address already in use: " + local);
        }
        return this;
    }

    /** Binds to {@code port} on every address. */
    public UdpSocket bind(int port) throws IOException { return bind(new InetSocketAddress(port == 0 ? 0 : port)); }

    /** Fixes the peer: send() goes there, and only its datagrams are received (plus errors it causes). */
    public UdpSocket connect(InetSocketAddress remote) throws IOException {
        ensureOpen();
        Udp.SendResult r;
        locks.enterEntryPoint();
        try {
            r = udp.connect(pcb, Addresses.toInt(remote), remote.getPort());
        } finally {
            locks.leaveEntryPoint();
        }
        switch (r) {
            case SENT -> { return this; }
            case NO_ROUTE -> throw new NoRouteToHostException("No route to host: " + remote);
            default -> throw new BindException("No ephemeral port available");
        }
    }

    /** The bound address and port (port 0 if unbound). */
    public InetSocketAddress localAddress() { return Addresses.of(udp.localAddress(pcb), udp.localPort(pcb)); }

    /** Closes the socket: pending receivers fail, queued datagrams are freed, the port is released. */
    @Override
    public void close() {
        ArrayDeque<SockBuf.Datagram> left;
        rcv.lock.lock();
        try {
            if (closed) return;
            closed = true;
            left = rcv.shutdownLocked();
            updateReadyLocked();
        } finally {
            rcv.lock.unlock();
        }
        locks.runEntryPoint(() -> udp.detach(pcb));
        for (SockBuf.Datagram d : left) d.data().freeChain();
        notifyWatchers();
        onClose.accept(this);
    }

    private void ensureOpen() throws ClosedChannelException {
        rcv.lock.lock();
        try {
            if (closed) throw new ClosedChannelException();
        } finally {
            rcv.lock.unlock();
        }
    }

    // ---- send -----------------------------------------------------------------------------------------

    /** Sends {@code data} to the connected peer. */
    public void send(byte[] data) throws IOException { sendTo(data, 0, data.length, null); }

    /** Sends {@code data} to {@code target}. */
    public void sendTo(byte[] data, InetSocketAddress target) throws IOException { sendTo(data, 0, data.length, target); }

    /**
     * Sends {@code len} bytes of {@code data} from {@code off} as one datagram to {@code target} (null: the
     * connected peer). A datagram the network then loses is not an error: UDP promises no delivery.
     */
    public void sendTo(byte[] data, int off, int len, InetSocketAddress target) throws IOException {
        ensureOpen();
        checkMaxDatagram(len);
        int faddr = target == null ? 0 : Addresses.toInt(target);
        int fport = target == null ? 0 : target.getPort();
        if (target != null && fport == 0) throw new SocketException("Can't assign requested address: port 0");
        snd.sblock.lock();
        try {
            // Allocate before the entry point: an M_WAIT allocation may sleep, and must not hold Giant while it does.
            Mbuf m = alloc.fromBytes(data, off, len, HEADROOM, blocking ? Mbuf.M_WAIT : Mbuf.M_NOWAIT);
            if (m == null) throw new SocketException("No buffer space available");
            Udp.SendResult r;
            locks.enterEntryPoint();
            try {
                r = sendLocked(m, faddr, fport);
            } finally {
                locks.leaveEntryPoint();
            }
            switch (r) {
                case SENT, DROPPED -> { }
                case NOT_CONNECTED -> throw new SocketException("Destination address required");
                case NO_ROUTE -> throw new NoRouteToHostException("No route to host: " + target);
                case TOO_BIG -> throw new SocketException("Message too long");
                case NO_BUFFERS -> throw new SocketException("No buffer space available");
                case NO_PORTS -> throw new BindException("No ephemeral port available");
            }
        } finally {
            snd.sblock.unlock();
        }
    }

    /** Reports a pending error (freeing {@code m}) or sends; the caller holds sblock and the entry point. */
    private Udp.SendResult sendLocked(Mbuf m, int faddr, int fport) throws IOException {
        try {
            throwPendingError();
        } catch (IOException e) {
            m.freeChain();
            throw e;
        }
        return udp.send(pcb, m, faddr, fport);
    }

    private void checkMaxDatagram(int len) throws SocketException {
        snd.lock.lock();
        try {
            if (len > snd.hiwatLocked()) throw new SocketException("Message too long");
        } finally {
            snd.lock.unlock();
        }
    }

    // ---- receive --------------------------------------------------------------------------------------

    /**
     * Receives one datagram with its sender. Blocking sockets wait (up to the receive timeout); a
     * non-blocking socket returns null when none is queued.
     */
    public Datagram receiveFrom() throws IOException {
        SockBuf.Datagram d = take();
        if (d == null) return null;
        try {
            return new Datagram(Addresses.of(d.srcAddr(), d.srcPort()), d.data().toBytes());
        } finally {
            d.data().freeChain();
        }
    }

    /**
     * Receives one datagram into {@code buf}, returning its length; bytes beyond {@code buf.length} are
     * discarded, as recv(2) truncates. Returns -1 if non-blocking and none is queued.
     */
    public int receive(byte[] buf) throws IOException { return receive(buf, 0, buf.length); }

    /**
     * As {@link #receive(byte[])}, into {@code buf[off..off+len)}: at most {@code len} bytes are copied; the
     * datagram's whole length is returned.
     */
    public int receive(byte[] buf, int off, int len) throws IOException {
        java.util.Objects.checkFromIndexSize(off, len, buf.length);
        SockBuf.Datagram d = take();
        if (d == null) return -1;
        try {
            int n = Math.min(len, d.length());
            d.data().copyData(0, n, buf, off);
            return d.length();
        } finally {
            d.data().freeChain();
        }
    }

    private SockBuf.Datagram take() throws IOException {
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

    /** soreceive's wait loop: error first, then data, then closed, then sleep (if allowed). */
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
    private void sleepLocked(long nanos) {
        rcv.lock.assertOwned();
        int giantDepth = rcv.lock == locks.giant() ? 0 : locks.dropGiant();
        if (nanos == Long.MAX_VALUE) {
            rcv.cv.await(rcv.lock);
        } else {
            rcv.cv.awaitNanos(rcv.lock, nanos);
        }
        if (giantDepth > 0) {
            rcv.lock.unlock();
            locks.pickupGiant(giantDepth);
            rcv.lock.lock();
        }
    }

    private void throwPendingError() throws IOException {
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
        if (e == UdpReceiver.ECONNREFUSED) throw new PortUnreachableException("Connection refused");
        throw new NoRouteToHostException("Host is unreachable");
    }

    // ---- readiness (kqueue filters) -------------------------------------------------------------------

    @Override public int readyOps() { return ready; }

    @Override public void addWatcher(Watcher w) { watchers.add(w); }

    @Override public void removeWatcher(Watcher w) { watchers.remove(w); }

    private void updateReadyLocked() {
        rcv.lock.assertOwned();
        int r = closed ? EventQueue.READ : EventQueue.WRITE;
        if (rcv.readableLocked()) r |= EventQueue.READ;
        if (soError != 0) r |= EventQueue.ERROR;
        ready = r;
    }

    private void notifyWatchers() {
        for (Watcher w : watchers) w.readinessChanged();
    }

    /** What UDP input calls, under the pcb's inp lock. */
    private final class Receiver implements UdpReceiver {
        @Override
        public boolean deliverLocked(int srcAddr, int srcPort, Mbuf payload) {
            boolean ok;
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

        @Override
        public void errorLocked(int error) {
            rcv.lock.lock();
            try {
                soError = error;
                updateReadyLocked();
                rcv.cv.broadcast();
            } finally {
                rcv.lock.unlock();
            }
            notifyWatchers();
        }
    }

    @Override public String toString() { return "udp " + localAddress(); }
}
