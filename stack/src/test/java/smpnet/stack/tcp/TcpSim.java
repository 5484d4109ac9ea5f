package smpnet.stack.tcp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Predicate;
import smpnet.locking.DeterministicScheduler;
import smpnet.locking.Scheduler;
import smpnet.stack.Stack;
import smpnet.stack.StackConfig;
import smpnet.stack.dev.ImpairedLink;
import smpnet.stack.dev.ImpairedLink.Impairments;
import smpnet.stack.dev.NicConfig;
import smpnet.stack.dev.SimNic;
import smpnet.stack.locks.LockMode;
import smpnet.stack.mbuf.Mbuf;
import smpnet.stack.socket.TcpSocket;
import smpnet.stack.netisr.DispatchPolicy;
import smpnet.stack.netisr.PlacementPolicy;
import smpnet.witness.Witness;
import smpnet.witness.Report;
import smpnet.witness.ReportKind;

/**
 * Test fixture: two hosts, a (10.0.0.1) and b (10.0.0.2), on an impaired link, run deterministically from a
 * seed on virtual time (a 3-second timer costs nothing). The body runs as the application thread; the link
 * and hosts are closed inside the run afterwards, and every host must then hold no TCP connection, control
 * block or timer. A witness report (a lock-order reversal) fails the run. With the system property
 * {@code tcp.test.pcap=PREFIX}, host a's interface is captured to {@code PREFIX-MODE.pcap} (for debugging).
 */
final class TcpSim {
    interface Body { void run(Stack a, Stack b, ImpairedLink link) throws Exception; }

    /** A body that also gets the hosts' interfaces (to put crafted frames on a's receive side). */
    interface NicBody { void run(Stack a, Stack b, SimNic na, SimNic nb) throws Exception; }

    /** What the run left to check after it ended. */
    record Result(long virtualNanos, Stack a, Stack b) {}

    static final Impairments CLEAN = Impairments.NONE.withLatency(Duration.ofMillis(1), Duration.ZERO);

    private TcpSim() {}

    static Result run(long seed, LockMode mode, Impairments imp, Body body) {
        return run(seed, mode, imp, imp, body);
    }

    /** As {@link #run(long, LockMode, Impairments, Body)}, each direction impaired on its own. */
    static Result run(long seed, LockMode mode, Impairments aToB, Impairments bToA, Body body) {
        return runWithNics(seed, mode, aToB, bToA, 1, (a, b, na, nb) -> body.run(a, b, LINK.get()));
    }

    private static final ThreadLocal<ImpairedLink> LINK = new ThreadLocal<>();

    static Result runWithNics(long seed, LockMode mode, Impairments imp, NicBody body) {
        return runWithNics(seed, mode, imp, 1, body);
    }

    /**
     * As {@link #runWithNics(long, LockMode, Impairments, NicBody)} with {@code cpus} RX and TX queues per NIC
     * and as many netisr workers (direct dispatch), each queue's threads on their own simulated CPU.
     */
    static Result runWithNics(long seed, LockMode mode, Impairments imp, int cpus, NicBody body) {
        return runWithNics(seed, mode, imp, imp, cpus, body);
    }

    private static Result runWithNics(long seed, LockMode mode, Impairments aToB, Impairments bToA, int cpus,
                                      NicBody body) {
        return runLinked(seed, mode, cpus, 4096, (na, nb) -> {
            ImpairedLink link = ImpairedLink.connect(na, nb, aToB, bToA, seed * 31 + 7, 0);
            LINK.set(link);
            return link::close;
        }, body);
    }

    /** How a run joins its two NICs; the returned action disconnects them when the run ends. */
    interface Linker { Runnable connect(SimNic na, SimNic nb); }

    /**
     * A plain wire that records: each frame goes to the other NIC at once, as a copy (the sent mbuf is
     * freed; one the receiver has no mbuf for is lost), and a copy of each frame a sends that {@code keep}
     * accepts is added to {@code fromA}.
     */
    static Linker recordingWire(List<byte[]> fromA, Predicate<byte[]> keep) {
        return (na, nb) -> {
            na.attachLink(f -> forward(f, nb, b -> {
                if (keep.test(b)) fromA.add(b);
            }));
            nb.attachLink(f -> forward(f, na, b -> { }));
            return () -> { };
        };
    }

    /** Carries a copy of frame {@code f} to {@code to}, shown first to {@code seen}; {@code f} is freed. */
    private static void forward(Mbuf f, SimNic to, Consumer<byte[]> seen) {
        byte[] b = new byte[f.pktLen()];
        f.copyData(0, b.length, b, 0);
        f.freeChain();
        seen.accept(b);
        Mbuf c = to.allocator().fromBytes(b, 0, b.length, Mbuf.M_NOWAIT);
        if (c != null) to.receive(c);
    }

    /**
     * As {@link #runWithNics(long, LockMode, Impairments, int, NicBody)} with the NICs joined by {@code linker}
     * (a {@link smpnet.stack.dev.Wire}, say), each ring holding {@code ringSize} frames.
     */
    static Result runLinked(long seed, LockMode mode, int cpus, int ringSize, Linker linker, NicBody body) {
        return runLinked(seed, mode, NicConfig.of(cpus).withRingSize(ringSize), linker, body);
    }

    /** As {@link #runLinked(long, LockMode, int, int, Linker, NicBody)} with both NICs shaped by {@code nic}. */
    static Result runLinked(long seed, LockMode mode, NicConfig nic, Linker linker, NicBody body) {
        int cpus = nic.rxQueues();
        DeterministicScheduler sched = new DeterministicScheduler(DeterministicScheduler.Options.seed(seed));
        Stack[] hosts = new Stack[2];
        sched.spawn("app", () -> {
            Stack a = Stack.create(config("a", mode, cpus).withScheduler(sched));
            Stack b = Stack.create(config("b", mode, cpus).withScheduler(sched));
            hosts[0] = a;
            hosts[1] = b;
            SimNic na = a.addNic("em0", "10.0.0.1/24", nic);
            SimNic nb = b.addNic("em0", "10.0.0.2/24", nic);
            Runnable disconnect = linker.connect(na, nb);
            String pcap = System.getProperty("tcp.test.pcap");
            if (pcap != null) a.capture(na, java.nio.file.Path.of(pcap + "-" + mode + ".pcap"));
            a.start();
            b.start();
            try {
                body.run(a, b, na, nb);
            } catch (Exception | AssertionError e) {
                // reported here too: closing the hosts below may make another thread fail first
                System.err.println("application thread failed: " + e);
                throw e instanceof AssertionError ae ? ae : new AssertionError(e);
            } finally {
                disconnect.run();
                a.close();
                b.close();
            }
        });
        try (Witness.Registration ignored = Witness.active() == null ? null : Witness.listen(r -> onReport(sched, r))) {
            sched.run();
        }
        for (Stack s : hosts) {
            assertEquals(new Stack.TcpResources(0, 0, 0, 0), s.tcpResources(), s.name() + " after close");
        }
        return new Result(sched.now(), hosts[0], hosts[1]);
    }

    private static StackConfig config(String name, LockMode mode, int cpus) {
        StackConfig c = StackConfig.defaults(name).withMode(mode);
        return cpus == 1 ? c : c.withNetisr(cpus, DispatchPolicy.DIRECT, PlacementPolicy.SOURCE);
    }

    private static void onReport(DeterministicScheduler sched, Report r) {
        if (r.kind() == ReportKind.NEW_ORDER || r.allowed()) return;
        sched.fail(new AssertionError(r.text()));
    }

    /**
     * One connection from {@code client} to {@code lis} (10.0.0.2:5001): a writer thread sends {@code up}
     * and shuts down its side, a server thread reads exactly {@code up} to end of stream, answers
     * {@code down} and closes, and the calling thread reads exactly {@code down}, then closes the client.
     */
    static void transfer(Stack client, TcpSocket lis, byte[] up, byte[] down) throws Exception {
        TcpSocket c = client.openTcp();
        c.connect(new InetSocketAddress("10.0.0.2", 5001));
        TcpSocket s = lis.accept();
        DeterministicScheduler sched = (DeterministicScheduler) Scheduler.current();
        Thread writer = sched.spawn("writer", () -> {
            try {
                assertEquals(up.length, c.write(up));
                c.shutdown(false, true);
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
        Thread server = sched.spawn("server", () -> {
            try {
                assertArrayEquals(up, TcpTwoHostsTest.readAll(s, up.length));
                assertEquals(down.length, s.write(down));
                s.close();
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
        assertArrayEquals(down, TcpTwoHostsTest.readAll(c, down.length));
        // waited for in virtual time: Thread.join would block this thread outside the scheduler, which then
        // runs no other thread, and the server may still be closing when the client has read its answer
        while (server.isAlive() || writer.isAlive()) sleep(1);
        c.close();
    }

    /** Reads exactly {@code n} bytes of {@code s} (the connection stays open); an end of stream before them fails. */
    static byte[] readExactly(TcpSocket s, int n) throws Exception {
        byte[] got = new byte[n];
        for (int at = 0; at < n; ) {
            int k = s.read(got, at, n - at);
            if (k <= 0) throw new AssertionError("end of stream after " + at + " of " + n + " bytes");
            at += k;
        }
        return got;
    }

    /** Sleeps {@code ms} of virtual time. */
    static void sleep(long ms) { Scheduler.current().parkNanos("sleep", ms * 1_000_000L); }
}
