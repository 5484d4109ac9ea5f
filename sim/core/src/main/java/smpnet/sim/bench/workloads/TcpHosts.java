package smpnet.sim.bench.workloads;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import smpnet.sim.bench.plan.BenchOptions;
import smpnet.sim.bench.plan.Subject;
import smpnet.stack.Stack;
import smpnet.stack.StackConfig;
import smpnet.stack.dev.NicConfig;
import smpnet.stack.dev.SimNic;
import smpnet.stack.dev.Wire;
import smpnet.stack.locks.LockMode;
import smpnet.stack.mbuf.MbufTransfer;
import smpnet.stack.netisr.DispatchPolicy;
import smpnet.stack.netisr.PlacementPolicy;
import smpnet.stack.socket.SockOpt;
import smpnet.stack.kevent.EventQueue;
import smpnet.stack.socket.TcpSocket;

/**
 * The two smpnet hosts of the TCP benchmarks, on the public API: a client and a server {@link Stack} in the
 * case's locking mode, each with as many netisr workers (direct dispatch) and NIC RX queues as CPUs, their
 * NICs joined by a {@link Wire} with an MTU of {@link #MTU} that hands frames over by reference
 * ({@link MbufTransfer#HANDOFF}: the receiver frees them into the sender's allocator) unless {@code --wire copy}
 * asks for a copy ({@link #wire()}), a short MSL ({@link #MSL_MILLIS}) and direct receive on
 * ({@code net.link.rx_direct}) on one CPU, as {@code --rx-direct} says ({@link #rxDirect()}). Every
 * thread may use either host: {@link #joinClient} and {@link #leave} do nothing.
 */
final class TcpHosts implements TcpNet {
    static final int MTU = 1500;
    /**
     * A short maximum segment lifetime (FreeBSD's is 30 s): the closing side's TIME_WAIT lasts 2 MSL, and a
     * connection benchmark would otherwise run out of ephemeral ports, and every run would wait a minute for
     * its last TIME_WAIT before it can check that nothing was left behind.
     */
    static final long MSL_MILLIS = 100;
    static final InetSocketAddress SERVER = new InetSocketAddress("10.2.0.2", 80);
    /** How long a read or write of an accepted connection may block before it fails the run. */
    static final Duration ACCEPTED_TIMEOUT = Duration.ofSeconds(30);

    final Stack client;
    final Stack server;
    private boolean closed;

    /** The hosts with the wire the child's {@link BenchOptions#WIRE_PROPERTY} names ({@link #wire()}). */
    TcpHosts(Subject mode, int cpus) {
        this(mode, cpus, wire(), 0);
    }

    /**
     * The hosts with {@code --wire}'s wire, their NIC queue threads bound among {@code processors}
     * ({@code net.link.bind_queues}, {@link BenchBinding}; 0: unbound).
     */
    TcpHosts(Subject mode, int cpus, long processors) {
        this(mode, cpus, wire(), processors);
    }

    TcpHosts(Subject mode, int cpus, MbufTransfer transfer) {
        this(mode, cpus, transfer, 0);
    }

    private TcpHosts(Subject mode, int cpus, MbufTransfer transfer, long processors) {
        LockMode m = mode.isGiant() ? LockMode.GIANT : LockMode.FINE;
        client = Stack.create(StackConfig.defaults("client").withMode(m)
                .withNetisr(cpus, DispatchPolicy.DIRECT, PlacementPolicy.SOURCE));
        server = Stack.create(StackConfig.defaults("server").withMode(m)
                .withNetisr(cpus, DispatchPolicy.DIRECT, PlacementPolicy.SOURCE));
        SimNic nc = client.addNic("em0", "10.2.0.1/24", nicConfig(mode, cpus), MTU);
        SimNic ns = server.addNic("em0", "10.2.0.2/24", nicConfig(mode, cpus), MTU);
        Wire.connect(nc, ns, transfer);
        for (Stack s : new Stack[] {client, server}) {
            s.sysctl("net.inet.tcp.msl", MSL_MILLIS);
            // a socket call's sender hands what it put on the peer's idle ring up the peer's stack itself, as
            // Linux's veth (the other side of these benchmarks) runs the receiver's input in the sender's context;
            // by default (auto) on one CPU only: on two the ring's interrupt thread runs it beside the sender
            s.sysctl("net.link.rx_direct", rxDirect());
            // a bulk case on 2 CPUs: each NIC queue's thread on one processor, beside the bound writer and reader
            if (processors != 0) s.sysctl("net.link.bind_queues", 1);
        }
    }

    /**
     * How the wire passes frames, from {@code --wire} ({@link BenchOptions#WIRE_PROPERTY}): by reference unless
     * {@code copy} is asked for. By reference, as Linux's veth passes a socket buffer between namespaces and
     * FreeBSD's epair(4) an mbuf: Linux's side of bench-tcp copies no frame, and a copy into the peer's memory
     * (a simulated NIC's DMA) was 11% of a bulk segment's CPU. The receiving NIC starts each frame's packet
     * header afresh and frees it into the sender's allocator (its own), so either way each host's allocator
     * counts what it allocated and a run ends with none of them in use.
     */
    static MbufTransfer wire() {
        String w = System.getProperty(BenchOptions.WIRE_PROPERTY, "handoff");
        return switch (w) {
            case "handoff" -> MbufTransfer.HANDOFF;
            case "copy" -> MbufTransfer.COPY;
            default -> throw new IllegalArgumentException(BenchOptions.WIRE_PROPERTY + " is copy or handoff, not '" + w + "'");
        };
    }

    /**
     * Direct receive's {@code net.link.rx_direct}, from {@code --rx-direct} ({@link BenchOptions#RX_DIRECT_PROPERTY}):
     * 1 for {@code on}, 0 for {@code off}, 2 for {@code auto} (the default: on a host of one CPU only).
     */
    static int rxDirect() {
        String v = System.getProperty(BenchOptions.RX_DIRECT_PROPERTY, "auto");
        return switch (v) {
            case "on" -> 1;
            case "off" -> 0;
            case "auto" -> 2;
            default -> throw new IllegalArgumentException(BenchOptions.RX_DIRECT_PROPERTY + " is on, off or auto, not '" + v + "'");
        };
    }

    /**
     * Both hosts' NIC: {@code cpus} queues, and for an offload subject ({@link Subject#isOffload}) every
     * offload the simulated NIC has on, as Linux's veth baseline has its own on: TCP segmentation offload and
     * large receive offload. This is the one place the offload cases differ from the copying send's.
     */
    static NicConfig nicConfig(Subject mode, int cpus) {
        NicConfig c = NicConfig.of(cpus);
        return mode.isOffload() ? c.withTso(true).withLro(true) : c;
    }

    @Override
    public void start() {
        client.start();
        server.start();
    }

    @Override
    public void joinClient() {}

    @Override
    public void leave() {}

    @Override
    public Listener listen(int backlog) throws IOException {
        TcpSocket l = server.openTcp().bind(SERVER).listen(backlog);
        return new Listener() {
            @Override
            public Conn accept() throws IOException {
                return new SocketConn(l.accept().setReceiveTimeout(ACCEPTED_TIMEOUT).setSendTimeout(ACCEPTED_TIMEOUT));
            }

            @Override
            public void close() {
                l.close();
            }
        };
    }

    @Override
    public Conn connect(int sendBuffer, long timeoutMillis) throws IOException {
        Duration t = Duration.ofMillis(timeoutMillis);
        TcpSocket s = client.openTcp().setReceiveTimeout(t).setSendTimeout(t);
        try {
            if (sendBuffer > 0) s.setOption(SockOpt.SO_SNDBUF, sendBuffer);
            s.connect(SERVER);
        } catch (IOException | RuntimeException e) {
            s.close();
            throw e;
        }
        return new SocketConn(s);
    }

    /** A smpnet socket as a connection's end. */
    private record SocketConn(TcpSocket s) implements Conn {
        @Override
        public int write(byte[] b, int off, int len) throws IOException {
            for (int done = 0; done < len; ) done += s.write(b, off + done, len - done);
            return len;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            return s.read(b, off, len);
        }

        @Override
        public void shutdownOutput() throws IOException {
            s.shutdown(false, true);
        }

        @Override
        public TcpSocket socket() {
            return s;
        }

        @Override
        public void close() {
            s.close();
        }
    }

    @Override
    public EventQueue newClientEventQueue() {
        return client.newEventQueue();
    }

    @Override
    public String counters() {
        return "client " + client.tcpStats().nonZero() + "; server " + server.tcpStats().nonZero();
    }

    /**
     * Waits out TIME_WAIT (2 MSL), then {@link #leftovers}. On a loaded machine the callout thread that ends
     * TIME_WAIT may run late, so what is left is asked again for up to {@link #LATE_TIMER_MILLIS} more before
     * it is reported: a leak stays, a late timer does not.
     */
    @Override
    public String leftoversAfterClose() throws InterruptedException {
        Thread.sleep(2 * MSL_MILLIS + 50);
        long deadline = System.nanoTime() + LATE_TIMER_MILLIS * 1_000_000L;
        String left = leftovers();
        while (!left.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(20);
            left = leftovers();
        }
        return left;
    }

    /** How long past 2 MSL a late TIME_WAIT timer may still end a connection before it counts as left behind. */
    static final long LATE_TIMER_MILLIS = 2_000;

    /**
     * What the two hosts still hold once every socket is closed and TIME_WAIT is over: connections, pcbs,
     * timers and syncache entries of both, and the mbufs of both allocators; empty when nothing leaked.
     */
    String leftovers() {
        for (int i = 0; i < 3; i++) {
            client.quiesce();
            server.quiesce();
        }
        StringBuilder sb = new StringBuilder();
        Stack.TcpResources none = new Stack.TcpResources(0, 0, 0, 0);
        if (!client.tcpResources().equals(none)) sb.append("client ").append(client.tcpResources()).append(' ');
        if (!server.tcpResources().equals(none)) sb.append("server ").append(server.tcpResources()).append(' ');
        return sb.toString().strip();
    }

    /** Mbufs and clusters both hosts' allocators still count as allocated (after {@link #close}: leaked ones). */
    long mbufsOutstanding() {
        return client.allocator().outstanding() + client.allocator().outstandingClusters()
                + server.allocator().outstanding() + server.allocator().outstandingClusters();
    }

    @Override
    public void close() {
        if (closed) return;
        closed = true;
        try {
            client.close();
        } finally {
            server.close();
        }
    }
}
