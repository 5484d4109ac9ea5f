package smpnet.sim.bench.workloads;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import smpnet.sim.SimSettings;
import smpnet.stack.internal.os.NetNamespace;
import smpnet.stack.internal.os.Posix;

/**
 * Linux's own TCP between two hosts, the baseline of the TCP benchmarks: two network namespaces (a client
 * and a server) joined by a veth pair with an MTU of {@link #MTU}, the offloads of both ends on (TSO, GSO,
 * GRO, scatter-gather, transmit and receive checksums) or all off ({@code ethtool -K}). The JVM stays in
 * its own namespace: a thread that opens client sockets enters the client namespace first
 * ({@link NetNamespace#enter}, a setns(2) of that thread alone), and the listener is opened in the server
 * namespace by a thread that comes straight back. The sockets are java.nio channels used through their
 * blocking streams, as smpnet's are through {@code read} and {@code write}.
 *
 * <p>The client namespace reuses TIME_WAIT ports for new connections ({@code net.ipv4.tcp_tw_reuse=1}) and
 * uses every port above 1023: the connection benchmark's clients close first, and Linux keeps TIME_WAIT
 * for 60 s (smpnet's benchmark hosts use a short MSL for the same reason). The namespaces are named after
 * this process and removed on close, at JVM exit, or by the next run if the JVM was killed
 * ({@link NetNamespace#sweepStale}).
 *
 * <p>Thread use: the namespaces are the harness thread's; each socket is used by one thread at a time.
 */
final class VethHosts implements TcpNet {
    static final int MTU = 1500;
    static final InetSocketAddress SERVER = new InetSocketAddress("10.3.0.2", 5001);
    /** The offloads {@code ethtool -K} turns on or off at both ends. */
    static final List<String> OFFLOADS = List.of("tso", "gso", "gro", "sg", "tx", "rx");

    private final NetNamespace clientNs;
    private final NetNamespace serverNs;
    private boolean closed;

    /** Makes the two namespaces and the veth pair, offloads on or off; on failure nothing is left. */
    VethHosts(boolean offloads) throws IOException {
        clientNs = NetNamespace.create();
        NetNamespace s = null;
        try {
            s = NetNamespace.create();
            clientNs.ipIn("link", "add", "veth0", "mtu", Integer.toString(MTU), "type", "veth", "peer", "name", "veth1",
                    "mtu", Integer.toString(MTU), "netns", s.name());
            setUp(clientNs, "veth0", "10.3.0.1/24", offloads);
            setUp(s, "veth1", "10.3.0.2/24", offloads);
            NetNamespace.run(clientNs.exec("sysctl", "-q", "-w", "net.ipv4.tcp_tw_reuse=1",
                    "net.ipv4.ip_local_port_range=1024 65535"));
        } catch (IOException | RuntimeException e) {
            if (s != null) s.close();
            clientNs.close();
            throw e;
        }
        serverNs = s;
    }

    private static void setUp(NetNamespace ns, String dev, String cidr, boolean offloads) throws IOException {
        ns.ipIn("addr", "add", cidr, "dev", dev);
        String[] ethtool = new String[3 + 2 * OFFLOADS.size()];
        ethtool[0] = "ethtool";
        ethtool[1] = "-K";
        ethtool[2] = dev;
        for (int i = 0; i < OFFLOADS.size(); i++) {
            ethtool[3 + 2 * i] = OFFLOADS.get(i);
            ethtool[4 + 2 * i] = offloads ? "on" : "off";
        }
        // Offloads are set before the link comes up: changing them on a running veth can reset its link.
        NetNamespace.run(ns.exec(ethtool));
        ns.ipIn("link", "set", "dev", dev, "up");
        ns.ipIn("link", "set", "dev", "lo", "up");
    }

    /**
     * Why Linux's side cannot run here, or null when it can: it needs Linux, the ip and ethtool commands, and
     * the right to make network namespaces and enter them (root, or CAP_NET_ADMIN and CAP_SYS_ADMIN).
     */
    static String unavailableReason() {
        if (!Posix.isLinux()) return "it needs Linux (this is " + System.getProperty("os.name") + ")";
        for (String tool : List.of("ip", "ethtool")) {
            if (SimSettings.pathFolders().stream().noneMatch(d -> Files.isExecutable(Path.of(d, tool)))) {
                return "the " + tool + " command is not installed (" + (tool.equals("ip") ? "iproute2" : "ethtool")
                        + " package)";
            }
        }
        // A thread of its own tries entering: the caller's namespace stays as it was whatever happens.
        String[] why = new String[1];
        Thread probe = new Thread(() -> {
            try (NetNamespace ns = NetNamespace.create()) {
                ns.enter();
                NetNamespace.enterOwn();
            } catch (IOException | RuntimeException e) {
                why[0] = "this process may not make or enter network namespaces (root is needed): " + e.getMessage();
            }
        }, "veth-probe");
        probe.start();
        try {
            probe.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted while checking for network namespaces";
        }
        return why[0];
    }

    /** The namespaces' names, client first. */
    List<String> namespaces() {
        return List.of(clientNs.name(), serverNs.name());
    }

    @Override
    public void start() {}

    @Override
    public void joinClient() throws IOException {
        clientNs.enter();
    }

    @Override
    public void leave() throws IOException {
        NetNamespace.enterOwn();
    }

    @Override
    public Listener listen(int backlog) throws IOException {
        ServerSocketChannel l;
        serverNs.enter();
        try {
            l = ServerSocketChannel.open();
        } finally {
            NetNamespace.enterOwn();
        }
        try {
            l.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            l.bind(SERVER, backlog);
        } catch (IOException | RuntimeException e) {
            l.close();
            throw e;
        }
        return new Listener() {
            @Override
            public Conn accept() throws IOException {
                return new ChannelConn(l.accept(), TcpHosts.ACCEPTED_TIMEOUT.toMillis());
            }

            @Override
            public void close() throws IOException {
                l.close();
            }
        };
    }

    @Override
    public Conn connect(int sendBuffer, long timeoutMillis) throws IOException {
        SocketChannel c = SocketChannel.open();
        try {
            if (sendBuffer > 0) c.setOption(StandardSocketOptions.SO_SNDBUF, sendBuffer);
            c.connect(SERVER);
            return new ChannelConn(c, timeoutMillis);
        } catch (IOException | RuntimeException e) {
            c.close();
            throw e;
        }
    }

    /** A connected channel through its blocking streams; a read waits at most {@code timeoutMillis}. */
    private static final class ChannelConn implements Conn {
        private final SocketChannel c;
        private final InputStream in;
        private final OutputStream out;

        ChannelConn(SocketChannel c, long timeoutMillis) throws IOException {
            this.c = c;
            c.socket().setSoTimeout((int) timeoutMillis);
            in = c.socket().getInputStream();
            out = c.socket().getOutputStream();
        }

        @Override
        public int write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            return len;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            return in.read(b, off, len);
        }

        @Override
        public void shutdownOutput() throws IOException {
            c.shutdownOutput();
        }

        @Override
        public void close() throws IOException {
            c.close();
        }
    }

    /** Linux's TCP sockets in both namespaces, with their state ({@code ss -tin}). */
    @Override
    public String counters() {
        StringBuilder sb = new StringBuilder();
        for (NetNamespace ns : List.of(clientNs, serverNs)) {
            try {
                sb.append(ns.name()).append(": ").append(NetNamespace.run(ns.exec("ss", "-tin")).strip()).append("; ");
            } catch (IOException e) {
                sb.append(ns.name()).append(": ").append(e.getMessage()).append("; ");
            }
        }
        return sb.toString();
    }

    /** Linux keeps its TIME_WAIT (60 s) and its own accounting: nothing to wait for or check. */
    @Override
    public String leftoversAfterClose() {
        return "";
    }

    @Override
    public void close() {
        if (closed) return;
        closed = true;
        try {
            clientNs.close();
        } finally {
            serverNs.close();
        }
    }
}
