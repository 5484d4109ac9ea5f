package smpnet.stack.socket;

import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.NoRouteToHostException;
import java.net.PortUnreachableException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Objects;
import java.util.function.Consumer;
import smpnet.locking.Scheduler;
import smpnet.stack.internal.sysctl.Sysctl;
import smpnet.stack.internal.trace.PacketProbe;
import smpnet.stack.internal.udp.Inpcb;
import smpnet.stack.internal.udp.Udp;
import smpnet.stack.internal.udp.UdpReceiver;
import smpnet.stack.kevent.EventQueue;
import smpnet.stack.locks.StackLocks;
import smpnet.stack.mbuf.Mbuf;
import smpnet.stack.mbuf.MbufAllocator;

/**
 * A UDP socket of one smpnet host, shaped like {@link java.nio.channels.DatagramChannel}: bind, connect,
 * send/sendTo, receive/receiveFrom, close; blocking (with an optional timeout) or non-blocking; a receive
 * buffer with high and low watermarks; and readiness for an {@link EventQueue}. What is not UDP's own (the
 * buffers, the wait loop, so_error, readiness) is the generic socket it extends.
 *
 * <p>Locking key: see the generic socket for the buffers; the pcb's own {@code inp} lock and the table lock
 * belong to {@link Udp}.
 */
public final class UdpSocket extends Socket {
    /** Default receive buffer size, FreeBSD's net.inet.udp.recvspace. */
    public static final int DEFAULT_RECEIVE_BUFFER = 42_080;
    /** Largest datagram sent, FreeBSD's net.inet.udp.maxdgram (the send buffer's high watermark). */
    public static final int DEFAULT_MAX_DATAGRAM = 9216;
    private static final int HEADROOM = 64;

    private final Udp udp;
    private final MbufAllocator alloc;
    private final Inpcb pcb;
    private final Consumer<UdpSocket> onClose;

    /**
     * Created by the stack ({@code Stack.openUdp()}) with its buffer sizes (net.inet.udp.recvspace and
     * maxdgram) and kern.ipc.maxsockbuf; the stack hears of the close through {@code onClose}.
     */
    public UdpSocket(Udp udp, StackLocks locks, MbufAllocator alloc, Scheduler scheduler, int recvSpace,
                     int maxDatagram, Sysctl.Value maxSockBuf, Consumer<UdpSocket> onClose) {
        super(locks, scheduler, recvSpace, maxDatagram, maxSockBuf);
        this.onClose = onClose;
        this.udp = udp;
        this.alloc = alloc;
        this.pcb = udp.attach(new Receiver());
    }

    // ---- configuration --------------------------------------------------------------------------------

    /** Blocking (the default) or non-blocking: then receive returns null (or -1) instead of waiting. */
    public UdpSocket configureBlocking(boolean block) {
        setBlocking(block);
        return this;
    }

    /**
     * How long a blocking receive waits before {@link SocketTimeoutException}; zero waits forever, and a
     * negative timeout is an {@link IllegalArgumentException}.
     */
    public UdpSocket setReceiveTimeout(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative()) throw new IllegalArgumentException("negative receive timeout: " + timeout);
        setReceiveTimeoutNanos(waitNanos(timeout));
        return this;
    }

    /**
     * Receive buffer high watermark (SO_RCVBUF) and low watermark (SO_RCVLOWAT), in bytes; a high watermark
     * above kern.ipc.maxsockbuf is an {@link IllegalArgumentException}.
     */
    public UdpSocket setReceiveBuffer(int highWatermark, int lowWatermark) {
        setReceiveWatermarks(highWatermark, lowWatermark);
        return this;
    }

    /** Largest datagram {@link #sendTo} accepts (SO_SNDBUF for UDP), at most kern.ipc.maxsockbuf. */
    public UdpSocket setMaxDatagram(int bytes) {
        setSendHighWatermark(bytes);
        return this;
    }

    // ---- bind, connect, close -------------------------------------------------------------------------

    /**
     * Binds to {@code local} (address 0.0.0.0: any; port 0: ephemeral; null, as for {@code DatagramChannel}:
     * any address and an ephemeral port). A port in use is a {@link BindException}; binding twice a
     * {@link SocketException}.
     */
    public UdpSocket bind(InetSocketAddress local) throws IOException {
        if (local == null) local = new InetSocketAddress(0);
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
    public UdpSocket bind(int port) throws IOException { return bind(new InetSocketAddress(port)); }

    /** Fixes the peer: send() goes there, and only its datagrams are received (plus errors it causes). */
    public UdpSocket connect(InetSocketAddress remote) throws IOException {
        Objects.requireNonNull(remote, "remote address");
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
        ArrayDeque<SockBuf.Datagram> left = shutdownReceive();
        if (left == null) return;
        locks.runEntryPoint(() -> udp.detach(pcb));
        for (SockBuf.Datagram d : left) d.data().freeChain();
        notifyWatchers();
        onClose.accept(this);
    }

    // ---- send -----------------------------------------------------------------------------------------

    /** Sends {@code data} to the connected peer. */
    public void send(byte[] data) throws IOException { sendTo(Objects.requireNonNull(data, "data"), 0, data.length, null); }

    /** Sends {@code data} to {@code target}. */
    public void sendTo(byte[] data, InetSocketAddress target) throws IOException {
        sendTo(Objects.requireNonNull(data, "data"), 0, data.length, target);
    }

    /**
     * Sends {@code len} bytes of {@code data} from {@code off} as one datagram to {@code target} (null: the
     * connected peer). A datagram the network then loses is not an error: UDP promises no delivery.
     */
    public void sendTo(byte[] data, int off, int len, InetSocketAddress target) throws IOException {
        Objects.checkFromIndexSize(off, len, Objects.requireNonNull(data, "data").length);
        ensureOpen();
        if (len > sendHighWatermark()) throw new SocketException("Message too long");
        int faddr = target == null ? 0 : Addresses.toInt(target);
        int fport = target == null ? 0 : target.getPort();
        if (target != null && fport == 0) throw new SocketException("Can't assign requested address: port 0");
        snd.sblock.lock();
        try {
            // Allocate before the entry point: an M_WAIT allocation may sleep, and must not hold Giant while it does.
            Mbuf m = alloc.fromBytes(data, off, len, HEADROOM, isBlocking() ? Mbuf.M_WAIT : Mbuf.M_NOWAIT);
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
                case NET_DOWN -> throw new SocketException("Network is down: the host has not started");
            }
        } finally {
            snd.sblock.unlock();
        }
    }

    /** Reports a pending error (freeing {@code m}) or sends; the caller holds sblock and the entry point. */
    private Udp.SendResult sendLocked(Mbuf m, int faddr, int fport) throws IOException {
        snd.sblock.assertOwned();
        try {
            throwPendingError();
        } catch (IOException e) {
            m.freeChain();
            throw e;
        }
        return udp.send(pcb, m, faddr, fport);
    }

    // ---- receive --------------------------------------------------------------------------------------

    /**
     * Receives one datagram with its sender. Blocking sockets wait (up to the receive timeout); a
     * non-blocking socket returns null when none is queued.
     */
    public Datagram receiveFrom() throws IOException {
        SockBuf.Datagram d = take();
        if (d == null) return null;
        PacketProbe.hop(PacketProbe.Hop.RECEIVE, d.data(), "receiveFrom");
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
    public int receive(byte[] buf) throws IOException { return receive(buf, 0, Objects.requireNonNull(buf, "buf").length); }

    /**
     * As {@link #receive(byte[])}, into {@code buf[off..off+len)}: at most {@code len} bytes are copied; the
     * datagram's whole length is returned.
     */
    public int receive(byte[] buf, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, Objects.requireNonNull(buf, "buf").length);
        SockBuf.Datagram d = take();
        if (d == null) return -1;
        PacketProbe.hop(PacketProbe.Hop.RECEIVE, d.data(), "receive");
        try {
            int n = Math.min(len, d.length());
            d.data().copyData(0, n, buf, off);
            return d.length();
        } finally {
            d.data().freeChain();
        }
    }

    @Override
    IOException errorException(int errno) {
        if (errno == UdpReceiver.ECONNREFUSED) return new PortUnreachableException("Connection refused");
        return new NoRouteToHostException("Host is unreachable");
    }

    /** What UDP input calls, under the pcb's inp lock: the generic socket's append and wake-up. */
    private final class Receiver implements UdpReceiver {
        @Override
        public boolean deliverLocked(int srcAddr, int srcPort, Mbuf payload) {
            pcb.assertLocked();
            return appendAndWake(srcAddr, srcPort, payload);
        }

        @Override
        public void errorLocked(int error) {
            pcb.assertLocked();
            setErrorAndWake(error);
        }
    }

    @Override public String toString() { return "udp " + localAddress(); }
}
