package smpnet.stack.fuzz.targets;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import smpnet.stack.Stack.InputOutcomes;
import smpnet.stack.Stack;
import smpnet.stack.StackConfig;
import smpnet.stack.dev.NicConfig;
import smpnet.stack.dev.SimNic;
import smpnet.stack.dev.Wire;
import smpnet.stack.fuzz.FuzzTarget;
import smpnet.stack.locks.LockMode;
import smpnet.stack.net.IfCounters;
import smpnet.stack.mbuf.Mbuf;
import smpnet.stack.netisr.DispatchPolicy;
import smpnet.stack.netisr.PlacementPolicy;
import smpnet.stack.socket.Datagram;
import smpnet.stack.socket.Ping;
import smpnet.stack.socket.SockOpt;
import smpnet.stack.socket.TcpInfo;
import smpnet.stack.socket.TcpSocket;
import smpnet.stack.socket.TcpState;
import smpnet.stack.socket.UdpSocket;
import smpnet.stack.stats.EtherStat;
import smpnet.stack.testing.ManualClock;
import smpnet.witness.Witness;

/**
 * A fuzz target fed through real hosts: a victim router (10.0.0.2/24 on em0, 10.0.1.1/24 on em1,
 * forwarding, a UDP echo service on port 7, a discard socket on 9, a socket on 5000 connected to the
 * peer's port 9) between a peer (10.0.0.1) and a far host (10.0.1.2). The victim's clock is manual, so
 * timers fire when the harness says. For the tcp target the victim also listens on TCP port 80, and the
 * peer keeps a connection to it, made again whenever an input ended it; the harness reads what arrives.
 *
 * <p>After every input, once the hosts are quiet: no exception escaped a thread, witness reported
 * nothing, every frame the victim received has exactly one outcome ({@link InputOutcomes}), the echo
 * service did not loop. Every {@link #LEAK_CHECK_EVERY} inputs, and at every periodic check, the harness
 * empties what the victim may legitimately hold (reads its sockets, moves the clock past the reassembly
 * timeout, flushes ARP) and checks that not one mbuf is left. Every {@code N} inputs (the engine
 * decides) and at the end, the peer pings the victim: a ping per input would cost more than the input.
 */
public final class HostTarget implements FuzzTarget {
    private static final long STEP_NANOS = 31_000_000_000L; // past the 30 s reassembly timeout
    /**
     * Inputs between two exact leak checks. Emptying the host (sockets, reassembly, ARP) and checking that
     * no mbuf is left costs three more settles, which would divide the speed by four if done per input.
     */
    static final int LEAK_CHECK_EVERY = 32;
    private long inputs;
    /** Frames put on the victim's ring by the harness (received with no host having sent them). */
    private volatile long injected;
    private final String target;
    private final ManualClock clock = new ManualClock();
    private final Stack victim;
    private final Stack peer;
    private final Stack far;
    private final SimNic em0;
    private final SimNic[] nics;
    private final long peerMac;
    private final UdpSocket echo;
    private final UdpSocket discard;
    private final UdpSocket connected;
    private final ExecutorService watchdog = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "fuzz-settle");
        t.setDaemon(true);
        return t;
    });
    private final AtomicReference<Throwable> uncaught = new AtomicReference<>();
    private final AtomicLong witnessReports = new AtomicLong();
    private final Witness.Registration listening;
    private final Thread.UncaughtExceptionHandler previousHandler = Thread.getDefaultUncaughtExceptionHandler();
    /** tcp: the victim's listener on port 80 and the live connection from the peer (null until made). */
    private final TcpSocket listener;
    private TcpSocket peerEnd;
    private TcpSocket victimEnd;
    /** tcp: connections made so far; each takes the next of {@link #PEER_PORTS} local ports at the peer. */
    private int connections;
    private static final int PEER_PORT_BASE = 41000;
    private static final int PEER_PORTS = 1000;

    /**
     * {@code target}: one of {@link Shapes#TARGETS}; the victim's locking mode and netisr dispatch come from
     * {@code smpnet.fuzz.mode} (default FINE) and {@code smpnet.fuzz.dispatch} (default DIRECT).
     */
    public HostTarget(String target) {
        if (!Shapes.TARGETS.contains(target)) throw new IllegalArgumentException("no fuzz target " + target);
        this.target = target;
        Thread.setDefaultUncaughtExceptionHandler((t, e) -> uncaught.compareAndSet(null, e));
        listening = Witness.listen(r -> witnessReports.incrementAndGet());
        LockMode mode = LockMode.valueOf(System.getProperty("smpnet.fuzz.mode", "FINE"));
        victim = Stack.create(StackConfig.defaults("victim").withMode(mode).withForwarding(true).withScheduler(clock)
                .withNetisr(1, DispatchPolicy.valueOf(System.getProperty("smpnet.fuzz.dispatch", "DIRECT")),
                        PlacementPolicy.SOURCE));
        peer = Stack.create(StackConfig.defaults("peer"));
        far = Stack.create(StackConfig.defaults("far"));
        em0 = victim.addNic("em0", "10.0.0.2/24", NicConfig.of(1));
        SimNic em1 = victim.addNic("em1", "10.0.1.1/24", NicConfig.of(1));
        SimNic peer0 = peer.addNic("em0", "10.0.0.1/24", NicConfig.of(1));
        SimNic far0 = far.addNic("em0", "10.0.1.2/24", NicConfig.of(1));
        nics = new SimNic[] {em0, em1, peer0, far0};
        peerMac = peer0.mac().bits();
        Wire.connect(em0, peer0);
        Wire.connect(em1, far0);
        peer.addRoute("10.0.1.0/24", "10.0.0.2");
        far.addRoute("0.0.0.0/0", "10.0.1.1");
        victim.start();
        peer.start();
        far.start();
        try {
            echo = victim.openUdp().bind(7).configureBlocking(false);
            discard = victim.openUdp().bind(9).configureBlocking(false);
            connected = victim.openUdp().bind(5000).configureBlocking(false);
            connected.connect(new InetSocketAddress("10.0.0.1", 9));
            listener = target.equals("tcp")
                    ? victim.openTcp().bind(new InetSocketAddress("10.0.0.2", 80)).listen(16).configureBlocking(false) : null;
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public List<byte[]> seeds() { return Shapes.seeds(target, em0.mac().bits()); }

    @Override
    public String run(byte[] input) {
        if (target.equals("tcp")) {
            String parsed = Shapes.parseTcp(input);
            if (parsed != null) return parsed;
        }
        Shapes.TcpLink link = null;
        if (listener != null) {
            String why = liveConnection();
            if (why != null) return why;
            TcpInfo v = victimEnd.info();
            link = new Shapes.TcpLink(victimEnd.remoteAddress().getPort(), 80, (int) v.rcvNxt(), (int) v.sndNxt());
        }
        List<byte[]> frames = Shapes.frames(target, input, em0.mac().bits(), link);
        for (byte[] f : frames) {
            if (f.length == 0) continue;
            if (!em0.receive(victim.allocator().fromBytes(f, 0, f.length, Mbuf.M_WAIT))) return "ring full";
            injected++;
        }
        String why = settle();
        if (why != null) return why;
        // RFC 862, run by the harness so the host is quiet when checked. Each frame may bring a datagram (and
        // its echo a port unreachable, nothing more): far more answers than frames is a loop (finding 1).
        int rounds = 0;
        for (Datagram d; (d = receive(echo)) != null; ) {
            if (++rounds > 2 * frames.size() + 8) return "the echo service is looping (finding 1)";
            sendTo(d);
            if ((why = settle()) != null) return why;
        }
        if ((why = checks()) != null) return why;
        smpnet.stack.fuzz.EdgeCoverage.pause(); // the housekeeping below is not the input's coverage
        if (listener != null) {
            drain(victimEnd); // what the input delivered is read, so the window stays open
            if ((why = settle()) != null) return why;
        }
        return ++inputs % LEAK_CHECK_EVERY == 0 ? emptyAndCheckLeaks() : null;
    }

    /**
     * tcp: makes sure the peer and the victim have an established connection for the next input, the last
     * one having been ended (a fuzzed RST, FIN or SYN may end it) or never made. The old ends are closed
     * with a reset (SO_LINGER 0), so nothing waits out TIME_WAIT; the next connection takes the next port.
     */
    private String liveConnection() {
        if (victimEnd != null && victimEnd.state() == TcpState.ESTABLISHED && peerEnd.state() == TcpState.ESTABLISHED) {
            return null;
        }
        closeConnection();
        String why = settle();
        if (why != null) return why;
        try {
            int port = PEER_PORT_BASE + connections++ % PEER_PORTS;
            peerEnd = peer.openTcp().setReceiveTimeout(Duration.ofSeconds(5)) // bounds the connect
                    .bind(new InetSocketAddress("10.0.0.1", port));
            peerEnd.connect(new InetSocketAddress("10.0.0.2", 80));
            if ((why = settle()) != null) return why;
            victimEnd = listener.accept().configureBlocking(false);
            return settle();
        } catch (java.io.IOException e) {
            return "the peer could not connect to the victim's port 80: " + e + "\n" + victim.netstat();
        }
    }

    /** tcp: ends the live connection at both ends with a reset, and every connection the listener completed. */
    private void closeConnection() {
        for (TcpSocket s : new TcpSocket[] {victimEnd, peerEnd}) {
            if (s == null) continue;
            try {
                s.setOption(SockOpt.SO_LINGER, 0);
            } catch (java.io.IOException e) {
                // already reset by the input: close() below frees it all the same
            }
            s.close();
        }
        victimEnd = peerEnd = null;
        while (true) {
            try {
                listener.accept().close();
            } catch (java.io.IOException e) {
                return; // EAGAIN: none left
            }
        }
    }

    /** Reads a non-blocking socket until it has nothing more (or its end, or an error). */
    private static void drain(TcpSocket s) {
        byte[] b = new byte[4096];
        try {
            while (s.read(b) > 0) { }
        } catch (java.io.IOException e) {
            // EAGAIN (nothing left), or the connection reset: the next input makes a new one
        }
    }

    private String checks() {
        Throwable t = uncaught.get();
        if (t != null) return "exception escaped a thread: " + stackTrace(t);
        if (witnessReports.get() != 0) return "witness reported: " + Witness.active().reports();
        InputOutcomes o = victim.inputOutcomes();
        // The peer and the far host run on real time: their timers (ARP's retries and what an answer releases)
        // may send the victim a frame after the hosts went quiet, half-way through the victim when counted (a
        // campaign found it: the far host's frames sent went up by one between the settling and the count). A
        // frame the victim gave no outcome has none either once the hosts are quiet again.
        for (int i = 0; i < QUIET_AGAIN && !o.balanced(); i++) {
            String why = settle();
            if (why != null) return why;
            o = victim.inputOutcomes();
        }
        if (!o.balanced()) return "a frame without exactly one outcome: " + o + "\n" + victim.netstat();
        return null;
    }

    /** How many times a check that failed settles the hosts and looks again (see {@link #checks}). */
    private static final int QUIET_AGAIN = 3;

    /** Empties what the victim may hold between inputs, then expects no mbuf left. */
    private String emptyAndCheckLeaks() {
        for (UdpSocket s : new UdpSocket[] {echo, discard, connected}) {
            while (receive(s) != null) { }
        }
        if (listener != null) closeConnection(); // a reassembly queue may hold out-of-order data: freed with it
        clock.advance(STEP_NANOS); // reassembly gives up (and may send a time exceeded), ARP ages
        String why = settle();
        if (why != null) return why;
        victim.arpFlush();
        why = settle();
        if (why != null) return why;
        for (UdpSocket s : new UdpSocket[] {echo, discard, connected}) {
            while (receive(s) != null) { }
        }
        if ((why = checks()) != null) return why;
        long left = victim.allocator().outstanding();
        for (int i = 0; i < QUIET_AGAIN && left != 0; i++) { // a frame from a neighbour's timer, as in checks()
            if ((why = settle()) != null) return why;
            left = victim.allocator().outstanding();
        }
        if (left != 0) return left + " mbufs leaked: " + victim.allocator().outstandingReport();
        return null;
    }

    /**
     * Lets all hosts go quiet, at most 10 s: a thread that died leaves its ring undrained forever. Quiet
     * means a round of quiesce changed no count, and every frame sent (or injected) was received: one
     * host's quiesce may hand a frame to a host quiesced before it, so one quiet round alone is not proof.
     */
    private String settle() {
        Future<?> f = watchdog.submit(() -> {
            long before;
            do {
                before = frames();
                for (Stack s : new Stack[] {victim, peer, far}) s.quiesce();
                if (inFlight() != 0) java.util.concurrent.locks.LockSupport.parkNanos(20_000);
            } while (frames() != before || inFlight() != 0);
        });
        try {
            f.get(10, TimeUnit.SECONDS);
            return null;
        } catch (java.util.concurrent.TimeoutException e) {
            return "the hosts did not go quiet in 10 s (a thread died?), in flight " + inFlight() + "\n"
                    + victim.netstat() + peer.etherStats().nonZero() + "\n" + far.etherStats().nonZero()
                    + (uncaught.get() == null ? "" : "\n" + stackTrace(uncaught.get()));
        } catch (Exception e) {
            return "settling failed: " + stackTrace(e);
        }
    }

    /**
     * Frames sent or injected and not yet received by any host: every NIC has a wire, so a frame is lost
     * only where a NIC counts it (a ring full, a runt shorter than an Ethernet header).
     */
    private long inFlight() {
        long sent = injected;
        for (SimNic n : nics) {
            IfCounters c = n.rxCounters(0);
            sent -= c.inDrops() + c.inErrors();
        }
        for (Stack s : new Stack[] {victim, peer, far}) {
            sent += s.etherStats().get(EtherStat.SENT) - s.etherStats().get(EtherStat.TX_DROPPED)
                    - s.etherStats().get(EtherStat.RECEIVED);
        }
        return sent;
    }

    private long frames() {
        return victim.etherStats().get(EtherStat.RECEIVED) + peer.etherStats().get(EtherStat.RECEIVED)
                + far.etherStats().get(EtherStat.RECEIVED);
    }

    @Override
    public String periodicCheck() {
        // The peer announces itself first, as a real neighbour's next request would: a fuzzed ARP reply
        // may have claimed its address for another MAC (ARP believes that, RFC 826), and a ping lost to
        // that would be ARP working as designed, not the victim failing.
        byte[] announce = smpnet.stack.testing.Frames.ether(em0.mac().bits(), peerMac,
                smpnet.stack.internal.wire.EthernetHeader.TYPE_ARP,
                smpnet.stack.testing.Frames.arp(1, peerMac, Shapes.PEER, 0, Shapes.VICTIM));
        if (!em0.receive(victim.allocator().fromBytes(announce, 0, announce.length, Mbuf.M_WAIT))) return "ring full";
        injected++;
        String settled = settle();
        if (settled != null) return settled;
        Ping.Result p = peer.ping("10.0.0.2", 1, Duration.ZERO, Duration.ofSeconds(5));
        if (p.received() != 1) {
            return "the victim no longer answers a ping: " + p.summary() + "\nvictim's entry for the peer "
                    + Long.toHexString(victim.arpLookup(em0, "10.0.0.1")) + " (peer " + Long.toHexString(peerMac)
                    + "), peer's for the victim " + Long.toHexString(peer.arpLookup(nics[2], "10.0.0.2"))
                    + "\nvictim " + counters(victim) + "\npeer " + counters(peer);
        }
        String why = settle();
        if (why == null) why = checks();
        return why == null ? emptyAndCheckLeaks() : why;
    }

    @Override
    public String finish() {
        try {
            victim.close();
            peer.close();
            far.close();
            long left = victim.allocator().outstanding();
            return left == 0 ? null : left + " mbufs left after close: " + victim.allocator().outstandingReport();
        } finally {
            watchdog.shutdownNow();
            listening.close();
            Thread.setDefaultUncaughtExceptionHandler(previousHandler);
        }
    }

    private static String counters(Stack s) {
        return String.join("\n  ", s.etherStats().nonZero(), s.arpStats().nonZero(), s.ipStats().nonZero(),
                s.icmpStats().nonZero(), s.udpStats().nonZero());
    }

    private static Datagram receive(UdpSocket s) {
        try {
            return s.receiveFrom();
        } catch (java.io.IOException e) {
            return null; // an ICMP error reported to the connected socket: read, and the socket goes on
        }
    }

    private void sendTo(Datagram d) {
        try {
            echo.sendTo(d.data(), d.source());
        } catch (java.io.IOException e) {
            // no route or too big: the service drops it, as inetd's would
        }
    }

    private static String stackTrace(Throwable t) {
        java.io.StringWriter w = new java.io.StringWriter();
        t.printStackTrace(new java.io.PrintWriter(w));
        return w.toString();
    }
}
