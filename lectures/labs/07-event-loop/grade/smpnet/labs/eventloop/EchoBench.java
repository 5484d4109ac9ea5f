package smpnet.labs.eventloop;

import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import smpnet.stack.Stack;
import smpnet.stack.StackConfig;
import smpnet.stack.socket.Datagram;
import smpnet.stack.socket.UdpSocket;
import smpnet.stack.stats.UdpStat;

/**
 * The lab's load: a host with server sockets on ports 7000 and up, and clients on the same host (over lo0)
 * that send seeded datagrams and check every echo byte for byte. Part of the bench: do not change it.
 */
final class EchoBench {
    static final int FIRST_PORT = 7000;
    /** How long a client waits for one echo before it gives up on the server. */
    private static final Duration PATIENCE = Duration.ofSeconds(2);
    /** How long the server has to return after the shutdown request. */
    private static final long RETURN_MILLIS = 1_000;

    private EchoBench() {}

    /**
     * {@code sockets} server sockets, {@code clientsPerSocket} clients on each, {@code datagrams} each of
     * 1 to {@code maxBytes} bytes; a ping-pong client waits for each echo before it sends the next, a burst
     * client's datagrams are all queued in the server's sockets before the server starts.
     */
    record Load(int sockets, int clientsPerSocket, int datagrams, int maxBytes, boolean burst, long seed) {
        int expected() { return sockets * clientsPerSocket * datagrams; }
    }

    /** What a run saw: problems (at most a few), echoes that matched, the server's threads, the clients' time. */
    record Outcome(List<String> problems, int echoes, int expected, Set<String> serverThreads, long nanos) {}

    static Outcome run(EchoServer server, Load load) throws Exception {
        List<String> problems = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger echoes = new AtomicInteger();
        try (Stack host = Stack.create(StackConfig.defaults("lab07"))) {
            host.start();
            List<UdpSocket> sockets = new ArrayList<>();
            for (int i = 0; i < load.sockets(); i++) {
                sockets.add(host.openUdp().bind(FIRST_PORT + i).setReceiveBuffer(1 << 20, 1));
            }
            List<Client> clients = new ArrayList<>();
            for (int i = 0; i < load.sockets() * load.clientsPerSocket(); i++) {
                clients.add(new Client(i, FIRST_PORT + i % load.sockets(), host.openUdp().setReceiveTimeout(PATIENCE), load));
            }
            if (load.burst()) {
                for (Client c : clients) {
                    c.sendAll();
                }
                awaitDelivered(host, load.expected());
            }
            Set<Thread> before = Thread.getAllStackTraces().keySet();
            EchoServer.Shutdown shutdown = new EchoServer.Shutdown();
            AtomicReference<Throwable> serverFailure = new AtomicReference<>();
            Thread serving = Thread.ofPlatform().daemon().name("server").start(() -> {
                try {
                    server.serve(host, List.copyOf(sockets), shutdown);
                } catch (Throwable e) {
                    serverFailure.set(e);
                }
            });
            long start = System.nanoTime();
            List<Thread> clientThreads = new ArrayList<>();
            for (Client c : clients) {
                clientThreads.add(Thread.ofPlatform().name("client-" + c.id).start(() -> c.run(problems, echoes)));
            }
            for (Thread t : clientThreads) {
                t.join();
            }
            long nanos = System.nanoTime() - start;
            Set<String> serverThreads = new HashSet<>();
            for (Thread t : Thread.getAllStackTraces().keySet()) {
                if (!before.contains(t) && !clientThreads.contains(t)) {
                    serverThreads.add(t.getName());
                }
            }
            serverThreads.add(serving.getName());
            shutdown.request();
            serving.join(RETURN_MILLIS);
            if (serving.isAlive()) {
                problems.add("the server did not return within " + RETURN_MILLIS + " ms of the shutdown request; it was at "
                        + (serving.getStackTrace().length > 0 ? where(serving) : "?"));
            }
            if (serverFailure.get() != null) {
                problems.add(0, "the server threw " + serverFailure.get());
            }
            for (Client c : clients) {
                c.socket.close();
            }
            return new Outcome(List.copyOf(problems), echoes.get(), load.expected(), serverThreads, nanos);
        }
    }

    /** The first frame of {@code t}'s stack inside the lab's code, or its top frame. */
    private static String where(Thread t) {
        StackTraceElement[] stack = t.getStackTrace();
        for (StackTraceElement f : stack) {
            if (f.getClassName().startsWith("smpnet.labs.")) {
                return f.toString();
            }
        }
        return stack[0].toString();
    }

    private static void awaitDelivered(Stack host, int n) throws InterruptedException {
        for (int i = 0; i < 500 && host.udpStats().get(UdpStat.DELIVERED) < n; i++) {
            Thread.sleep(10);
        }
        if (host.udpStats().get(UdpStat.DELIVERED) < n) {
            throw new IllegalStateException("the bench's burst was not delivered: " + host.udpStats().nonZero());
        }
    }

    /** One client: its socket, its server port, and its seeded datagrams. */
    private static final class Client {
        final int id;
        final int port;
        final UdpSocket socket;
        final List<byte[]> datagrams = new ArrayList<>();
        final Load load;

        Client(int id, int port, UdpSocket socket, Load load) {
            this.id = id;
            this.port = port;
            this.socket = socket;
            this.load = load;
            Random r = new Random(load.seed() * 1_000_003 + id);
            for (int n = 0; n < load.datagrams(); n++) {
                byte[] d = new byte[1 + r.nextInt(load.maxBytes())];
                r.nextBytes(d);
                datagrams.add(d);
            }
        }

        InetSocketAddress server() { return new InetSocketAddress("127.0.0.1", port); }

        void sendAll() throws Exception {
            for (byte[] d : datagrams) {
                socket.sendTo(d, server());
            }
        }

        void run(List<String> problems, AtomicInteger echoes) {
            try {
                for (int n = 0; n < datagrams.size(); n++) {
                    if (!load.burst()) {
                        socket.sendTo(datagrams.get(n), server());
                    }
                    Datagram d;
                    try {
                        d = socket.receiveFrom();
                    } catch (SocketTimeoutException e) {
                        problems.add("client " + id + " (server port " + port + "): no echo of its datagram " + n + " of "
                                + datagrams.size() + " within " + PATIENCE.toSeconds() + " s");
                        return;
                    }
                    if (!Arrays.equals(d.data(), datagrams.get(n)) || d.source().getPort() != port) {
                        problems.add("client " + id + ": echo " + n + " is " + d.data().length + " bytes from port "
                                + d.source().getPort() + ", not its " + datagrams.get(n).length + " bytes from port " + port);
                        return;
                    }
                    echoes.incrementAndGet();
                }
            } catch (Exception e) {
                problems.add("client " + id + " failed: " + e);
            }
        }
    }
}
