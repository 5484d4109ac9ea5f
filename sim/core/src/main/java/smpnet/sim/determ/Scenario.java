package smpnet.sim.determ;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import smpnet.locking.Mutex;
import smpnet.stack.Stack;
import smpnet.stack.StackConfig;
import smpnet.stack.locks.LockMode;
import smpnet.stack.dev.ImpairedLink.Impairments;
import smpnet.stack.dev.NicConfig;
import smpnet.stack.dev.SimNic;
import smpnet.stack.dev.Wire;
import smpnet.stack.netisr.DispatchPolicy;
import smpnet.stack.netisr.PlacementPolicy;
import smpnet.stack.socket.Datagram;
import smpnet.stack.socket.UdpSocket;
import smpnet.witness.Witness;

/**
 * The named scenarios of {@code ./smpnet run seeded} and the cost benchmark. Each starts its application
 * threads in a {@link Simulation} (deterministic or free) and writes what it observed into {@code outcome}.
 */
public enum Scenario {
    /** Three hosts with two netisr workers and two-queue NICs each: a wire a-b, a lossy link b-c, two flows into b. */
    HOSTS("three hosts, two workers each, UDP from a and from c (over a lossy link) into b") {
        @Override
        void start(Simulation sim, LockMode mode, List<String> outcome) {
            sim.spawn("main", () -> {
                Function<String, StackConfig> cfg = n -> StackConfig.defaults(n).withMode(mode)
                        .withNetisr(2, DispatchPolicy.DEFERRED, PlacementPolicy.SOURCE);
                Stack a = sim.host(cfg.apply("a")), b = sim.host(cfg.apply("b")), c = sim.host(cfg.apply("c"));
                SimNic ab = a.addNic("em0", "10.0.1.1/24", NicConfig.of(2));
                SimNic ba = b.addNic("em0", "10.0.1.2/24", NicConfig.of(2));
                SimNic bc = b.addNic("em1", "10.0.2.2/24", NicConfig.of(2));
                SimNic cb = c.addNic("em0", "10.0.2.3/24", NicConfig.of(2));
                Wire.connect(ab, ba);
                sim.link(bc, cb, Impairments.NONE.withLatency(Duration.ofMillis(1), Duration.ofNanos(300_000)).withLoss(0.05));
                a.start();
                b.start();
                c.start();
                UdpSocket fromA = b.openUdp().bind(5000).setReceiveTimeout(Duration.ofMillis(200));
                UdpSocket fromC = b.openUdp().bind(5001).setReceiveTimeout(Duration.ofMillis(200));
                sim.spawn("send-a", () -> blast(a, "10.0.1.2", 5000, 3, 10, 64));
                sim.spawn("send-c", () -> blast(c, "10.0.2.2", 5001, 3, 10, 64));
                sim.spawn("recv-a", () -> outcome.add("b got " + drain(fromA, Integer.MAX_VALUE) + " from a"));
                sim.spawn("recv-c", () -> outcome.add("b got " + drain(fromC, Integer.MAX_VALUE) + " from c"));
            });
        }
    },
    /** Packet-bound: one host sends a burst of small datagrams to another over a wire. */
    UDP_BLAST("packet-bound: 2000 datagrams of 64 bytes from a to b over a wire") {
        @Override
        void start(Simulation sim, LockMode mode, List<String> outcome) {
            sim.spawn("main", () -> {
                Stack a = host(sim, "a", mode), b = host(sim, "b", mode);
                NicConfig nic = NicConfig.of(1).withRingSize(4096);
                Wire.connect(a.addNic("em0", "10.0.0.1/24", nic), b.addNic("em0", "10.0.0.2/24", nic));
                a.start();
                b.start();
                UdpSocket rx = b.openUdp().bind(5000).setReceiveTimeout(Duration.ofMillis(50))
                        .setReceiveBuffer(1 << 21, 1);
                sim.spawn("recv", () -> outcome.add("b got " + drain(rx, BLAST) + " of " + BLAST));
                blast(a, "10.0.0.2", 5000, 1, BLAST, 64);
            });
        }
    },
    /** Timer-bound: request/response over a lossy link; the client times out and retries. */
    UDP_RPC("timer-bound: 100 requests over a link with 1 ms latency and 10% loss, 20 ms timeout and retry") {
        @Override
        void start(Simulation sim, LockMode mode, List<String> outcome) {
            sim.spawn("main", () -> {
                Stack client = host(sim, "client", mode), server = host(sim, "server", mode);
                sim.link(client.addNic("em0", "10.0.0.1/24", NicConfig.of(1)), server.addNic("em0", "10.0.0.2/24", NicConfig.of(1)),
                        Impairments.NONE.withLatency(Duration.ofMillis(1), Duration.ZERO).withLoss(0.1));
                client.start();
                server.start();
                UdpSocket srv = server.openUdp().bind(7).setReceiveTimeout(Duration.ofMillis(100));
                AtomicBoolean done = new AtomicBoolean();
                sim.spawn("server", () -> echo(srv, done));
                UdpSocket cl = client.openUdp().bind(0).setReceiveTimeout(Duration.ofMillis(20));
                int retries = 0;
                for (int i = 0; i < 100; i++) retries += call(cl, new InetSocketAddress("10.0.0.2", 7), "request " + i);
                done.set(true);
                outcome.add("100 replies after " + retries + " retries");
            });
        }
    },
    /**
     * A lock-order reversal planted for exploration (a lab's bug): "resizer" takes lab_table then lab_stats,
     * as declared; "counter" holds lab_stats and takes lab_table only if it finds a resize in progress, which
     * only some interleavings show it. Meanwhile the host carries datagrams between them.
     */
    PLANTED_LOR("a lock-order reversal only some interleavings reach (lab_stats -> lab_table)") {
        @Override
        void start(Simulation sim, LockMode mode, List<String> outcome) {
            Witness w = Witness.active();
            if (w != null) w.declareOrder("lab_table", "lab_stats");
            sim.spawn("main", () -> {
                Stack a = host(sim, "a", mode);
                a.start();
                Mutex table = new Mutex("lab_table");
                Mutex stats = new Mutex("lab_stats");
                AtomicBoolean resizing = new AtomicBoolean();
                UdpSocket rx = a.openUdp().bind(9).setReceiveTimeout(Duration.ofMillis(100));
                sim.spawn("resizer", () -> {
                    UdpSocket tx = a.openUdp();
                    for (int i = 0; i < 3; i++) {
                        table.lock();
                        resizing.set(true);
                        stats.lock();
                        stats.unlock();
                        resizing.set(false);
                        table.unlock();
                        tx.sendTo(new byte[16], new InetSocketAddress("127.0.0.1", 9));
                    }
                });
                sim.spawn("counter", () -> {
                    int seen = 0;
                    for (int i = 0; i < 3; i++) {
                        stats.lock();
                        if (resizing.get()) { // the bug: "up" the order without dropping stats first
                            table.lock();
                            table.unlock();
                        }
                        stats.unlock();
                        if (rx.receiveFrom() != null) seen++;
                    }
                    outcome.add("counter saw " + seen + " datagrams");
                });
            });
        }
    };

    private static final int BLAST = 2000;

    private final String description;

    Scenario(String description) { this.description = description; }

    /** Starts the scenario's threads in {@code sim}; they write what they observe into {@code outcome}. */
    abstract void start(Simulation sim, LockMode mode, List<String> outcome);

    public String description() { return description; }

    /** The command-line name: the constant in lower case with dashes. */
    public String cliName() { return name().toLowerCase(Locale.ROOT).replace('_', '-'); }

    /** The scenario called {@code name} on the command line, or null. */
    public static Scenario named(String name) {
        for (Scenario s : values()) if (s.cliName().equals(name)) return s;
        return null;
    }

    // ---- the applications' pieces ----------------------------------------------------------------------

    /** A host with the defaults and {@code mode}. */
    private static Stack host(Simulation sim, String name, LockMode mode) {
        return sim.host(StackConfig.defaults(name).withMode(mode));
    }

    /** Sends {@code count} datagrams of {@code bytes} from each of {@code flows} sockets (flows differ in port). */
    private static void blast(Stack from, String to, int port, int flows, int count, int bytes) throws IOException {
        InetSocketAddress dst = new InetSocketAddress(to, port);
        UdpSocket[] socks = new UdpSocket[flows];
        for (int f = 0; f < flows; f++) socks[f] = from.openUdp().bind(0);
        byte[] payload = new byte[bytes];
        for (int i = 0; i < count; i++) {
            for (UdpSocket s : socks) s.sendTo(payload, dst);
        }
    }

    /** Receives until {@code max} datagrams arrived or one receive timed out; returns how many arrived. */
    private static int drain(UdpSocket s, int max) throws IOException {
        int n = 0;
        try {
            while (n < max) {
                s.receiveFrom();
                n++;
            }
        } catch (SocketTimeoutException e) {
            // the sender is done: what did not arrive was lost
        }
        return n;
    }

    /** Echoes each request back to its sender until {@code done} and a receive timed out. */
    private static void echo(UdpSocket s, AtomicBoolean done) throws IOException {
        while (true) {
            try {
                Datagram d = s.receiveFrom();
                s.sendTo(d.data(), d.source());
            } catch (SocketTimeoutException e) {
                if (done.get()) return;
            }
        }
    }

    /** Sends {@code request} until its echo comes back; returns how many retries that took. */
    private static int call(UdpSocket s, InetSocketAddress server, String request) throws IOException {
        byte[] req = request.getBytes(StandardCharsets.UTF_8);
        for (int retries = 0; ; retries++) {
            s.sendTo(req, server);
            try {
                while (true) {
                    Datagram d = s.receiveFrom();
                    if (d.text().equals(request)) return retries; // a late echo of an earlier try is skipped
                }
            } catch (SocketTimeoutException e) {
                // lost one way or the other: try again
            }
        }
    }
}
