package smpnet.sim.servers;

import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;
import smpnet.locking.Schedulers;
import smpnet.stack.Stack;
import smpnet.stack.StackConfig;
import smpnet.stack.dev.NicConfig;
import smpnet.stack.dev.SimNic;
import smpnet.stack.dev.Wire;
import smpnet.stack.locks.LockMode;
import smpnet.stack.netisr.DispatchPolicy;
import smpnet.stack.netisr.PlacementPolicy;
import smpnet.stack.socket.TcpSocket;
import smpnet.stack.stats.TcpStat;

/**
 * Runs one case: fresh hosts (fine-grained locking, one netisr worker each, direct dispatch), the server in
 * its model on port {@link #PORT} of every server address, the client loops, the three phases (see the
 * package comment), then closes everything. The scheduling seam counts the server's parks meanwhile.
 */
final class ServerCase {
    static final int PORT = 80;
    /** The listener's smallest backlog: above the client loops' connects in flight ({@link LoadClient#CONNECTING}). */
    static final int BACKLOG = 1024;
    /** A short maximum segment lifetime, so that the clients' TIME_WAITs end soon after a case. */
    static final long MSL_MILLIS = 100;
    /**
     * Frames a NIC ring holds: a closed loop has at most one request per connection in flight, so a ring this
     * deep takes a burst of one per connection of an address (and their ACKs) without dropping.
     */
    static final int RING = 2 * ServerPlan.CONNECTIONS_PER_ADDRESS + 1024;
    /**
     * The smallest retransmission timeout: the wires lose nothing, so every retransmission would be spurious,
     * and an overloaded machine's queueing delay (seconds, for thousands of requests on two busy cores) would
     * otherwise pass for loss and double the work (each request sent twice) just when the server is slowest.
     */
    static final long REXMIT_MIN_MILLIS = 20_000;
    /** The longest a phase may take before the case is called failed. */
    static final long PHASE_MINUTES = 10;

    private ServerCase() {}

    /** Runs the case, telling {@code progress} when its connections are open (a large count takes a while). */
    static ServerResult run(ServerPlan plan, ServerModel model, int connections, java.util.function.Consumer<String> progress)
            throws Exception {
        return run(plan, model, connections, progress, left -> { });
    }

    /**
     * As above, telling {@code outstanding} how many mbufs the case's hosts' allocators still had outstanding once
     * the hosts were closed (0: none leaked), where the case created hosts.
     */
    static ServerResult run(ServerPlan plan, ServerModel model, int connections, java.util.function.Consumer<String> progress,
                            java.util.function.LongConsumer outstanding) throws Exception {
        if (model == ServerModel.THREAD_PER_CONNECTION && connections > plan.maxThreads()) {
            long limit = ContextSwitches.userThreadLimit();
            return ServerResult.notRun(model, connections, String.format(Locale.ROOT,
                    "not run: it needs %,d server threads, over the bound of %,d platform threads (--max-threads), kept "
                    + "below the machine's limit of %s threads per user, which every other process of the user shares",
                    connections, plan.maxThreads(), limit < 0 ? "unknown" : limit == Long.MAX_VALUE ? "unlimited"
                            : String.format(Locale.ROOT, "%,d", limit)));
        }
        ParkCounter seam = new ParkCounter();
        int caches = cachesCpus(); // asked before this thread is bound below: the JVM answers for the calling thread's mask
        // An event-loop case's threads start on the CPUs its placement gives them: this thread's, set here
        CorePlacement placement = model != ServerModel.EVENT_LOOP ? null
                : plan.pin() ? CorePlacement.split().bindOthers() : CorePlacement.unbound("not asked (--no-pin)");
        // Every host, socket and lock created below parks through the counting seam.
        try (Schedulers.Installation ignored = Schedulers.use(seam)) {
            List<Stack> all = new ArrayList<>();
            try {
                return run(plan, model, connections, seam, all, progress, placement, caches);
            } finally {
                for (Stack s : all) s.close();
                long left = 0;
                for (Stack s : all) left += s.allocator().outstanding();
                outstanding.accept(left);
            }
        } finally {
            if (placement != null) placement.restore();
        }
    }

    private static ServerResult run(ServerPlan plan, ServerModel model, int n, ParkCounter seam, List<Stack> all,
                                    java.util.function.Consumer<String> progress, CorePlacement placement, int caches)
            throws Exception {
        int k = ServerPlan.clientHosts(n);
        Stack server = host("server", n, caches);
        all.add(server);
        List<Stack> clients = new ArrayList<>();
        List<SimNic> nics = new ArrayList<>();
        List<InetSocketAddress> addresses = new ArrayList<>();
        for (int i = 0; i < k; i++) {
            Stack c = host("client" + i, Math.min(ServerPlan.CONNECTIONS_PER_ADDRESS, n - i * ServerPlan.CONNECTIONS_PER_ADDRESS), caches);
            all.add(c);
            clients.add(c);
            SimNic cn = c.addNic("em0", "10.3." + i + ".1/24", NicConfig.of(1).withRingSize(RING), 1500);
            SimNic sn = server.addNic("em" + i, "10.3." + i + ".2/24", NicConfig.of(1).withRingSize(RING), 1500);
            nics.add(cn);
            nics.add(sn);
            Wire.connect(cn, sn);
            addresses.add(new InetSocketAddress("10.3." + i + ".2", PORT));
        }
        for (Stack s : all) s.start();
        // Every connection may wait in the accept queue: a client's connect is done at the handshake, whether the
        // server has accepted it or not, so its bound on connects in flight does not bound the queue; a slow
        // accept loop (one that starts a thread per connection) would see it overflow and connections reset.
        TcpSocket listener = server.openTcp().bind(new InetSocketAddress(PORT)).listen(Math.max(BACKLOG, n));
        int loops = Math.min(plan.clientLoops(), n);
        ClientPause pause = new ClientPause(loops);
        EchoServer srv = new EchoServer(model, n, plan, seam, pause);
        int requests = plan.requestsFor(model, n);
        srv.placement = placement;
        srv.segmentsSent = () -> server.tcpStats().get(TcpStat.SNDTOTAL);
        srv.acksSent = () -> server.tcpStats().get(TcpStat.SNDACKS);
        srv.start(listener);

        CountDownLatch connected = new CountDownLatch(loops), go = new CountDownLatch(1), done = new CountDownLatch(loops),
                close = new CountDownLatch(1);
        List<LoadClient> clientLoops = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < loops; i++) {
            // The loops share the requests in flight as they share the connections (the first ones one more).
            int window = plan.inFlight() / loops + (i < plan.inFlight() % loops ? 1 : 0);
            LoadClient l = new LoadClient(clients, addresses, i, loops, n, plan.activeOf(n), requests, plan.payload(), window,
                    plan.rateOf(i, loops), connected, go, done, close, () -> srv.windowDone, srv.served, pause);
            clientLoops.add(l);
            threads.add(Thread.ofPlatform().daemon().name("client-loop-" + i).start(l));
        }
        String stopped = null;
        long opening = System.nanoTime();
        try {
            if (!connected.await(PHASE_MINUTES, TimeUnit.MINUTES)) stopped = "the connections did not open within " + PHASE_MINUTES + " minutes";
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(PHASE_MINUTES);
            while (stopped == null && srv.accepted.get() < n && srv.failure == null && firstFailure(clientLoops) == null) {
                if (System.nanoTime() > deadline) stopped = "the server took " + srv.accepted.get() + " of " + n + " connections";
                Thread.sleep(1);
            }
            if (stopped == null) stopped = why(srv, clientLoops);
            if (stopped != null) return ServerResult.notRun(model, n, stopped(srv, n, stopped));
            progress.accept(String.format(Locale.ROOT, "      %,d connections open in %.1f s; %,d requests ...", n,
                    (System.nanoTime() - opening) / 1e9, (long) plan.activeOf(n) * requests));

            long switches0 = ContextSwitches.total(), parks0 = seam.parks(), cpu0 = processCpu();
            long rexmit0 = retransmits(all), drops0 = drops(nics);
            long t0 = System.nanoTime();
            srv.measuring = true;
            go.countDown();
            boolean finished = done.await(PHASE_MINUTES, TimeUnit.MINUTES);
            long t1 = System.nanoTime();
            srv.measuring = false;
            // the phase's figures leave out the event loop's collection before its window (none in the other models)
            long parks = seam.parks() - parks0, cpu = processCpu() - cpu0 - srv.pauseCpuNanos, switches1 = ContextSwitches.total();
            long rexmit = retransmits(all) - rexmit0, drops = drops(nics) - drops0;
            if (!finished) return ServerResult.notRun(model, n, "the requests did not end within " + PHASE_MINUTES + " minutes");
            close.countDown();
            for (Thread t : threads) t.join();
            if (!srv.ended.await(PHASE_MINUTES, TimeUnit.MINUTES)) stopped = "the server's connections did not end";
            srv.join(java.time.Duration.ofMinutes(1));
            if (stopped == null) stopped = why(srv, clientLoops);
            if (stopped != null) return ServerResult.notRun(model, n, stopped(srv, n, stopped));

            Histogram latency = new Histogram(3);
            long replies = 0;
            for (LoadClient l : clientLoops) {
                latency.add(l.latency);
                replies += l.replies;
            }
            return new ServerResult(model, n, replies, srv.requests.get(), (t1 - t0 - srv.pauseNanos) / 1e9,
                    latency.getValueAtPercentile(50) / 1e3, latency.getValueAtPercentile(99) / 1e3,
                    latency.getValueAtPercentile(99.9) / 1e3, parks,
                    switches0 < 0 || switches1 < 0 ? -1 : switches1 - switches0 - srv.pauseSwitches, cpu, srv.loopCost, rexmit, drops, null, cdf(latency));
        } finally {
            // Whatever happened, the clients close their connections, which ends the server's threads.
            pause.release();
            go.countDown();
            close.countDown();
            for (Thread t : threads) t.join(TimeUnit.MINUTES.toMillis(1));
        }
    }

    /**
     * A host for {@code connections} connections: its connection hash has a bucket per connection (256 to
     * 65,536), so that a segment's lookup walks a chain of one entry or so at every count, as FreeBSD sizes
     * its tcbhash by maxsockets; with the default 4,096 buckets the server's chains would be 25 long at
     * 100,000 connections, a cost per segment that grows with the count. Its per-CPU caches (mbufs, socket
     * buffers' rings) and callout wheels are {@code caches}, one per processor the process may run on ({@link #cachesCpus}),
     * not one per netisr worker: with one, the event loop (alone on its core) and the server's receive threads
     * (on the other) took and released the same cache for every mbuf and ring, passing its lines between the
     * cores, and at 100,000 connections the loop spun in the allocator's busy path behind a receive thread
     * preempted while holding it (4% of the loop's samples, against none at 1,000).
     */
    private static Stack host(String name, int connections, int caches) {
        Stack s = Stack.create(StackConfig.defaults(name).withMode(LockMode.FINE)
                .withNetisr(1, DispatchPolicy.DIRECT, PlacementPolicy.SOURCE).withCpus(caches));
        s.sysctl("net.inet.tcp.msl", MSL_MILLIS);
        s.sysctl("net.inet.tcp.rexmit_min", REXMIT_MIN_MILLIS);
        s.sysctl("net.inet.tcp.tcbhashsize", Math.clamp(connections, 256, 65_536));
        return s;
    }

    /**
     * A host's per-CPU caches: one for each processor the calling thread may run on (1 to 64), asked before
     * an event-loop case binds it.
     */
    static int cachesCpus() {
        return Math.clamp(Runtime.getRuntime().availableProcessors(), 1, 64);
    }

    /** The first failure of the server or a client loop, or null. */
    private static String why(EchoServer srv, List<LoadClient> loops) {
        if (srv.failure != null) return "the server failed: " + srv.failure;
        String c = firstFailure(loops);
        return c == null ? null : "a client failed: " + c;
    }

    private static String firstFailure(List<LoadClient> loops) {
        for (LoadClient l : loops) if (l.failure != null) return l.failure;
        return null;
    }

    private static String stopped(EchoServer srv, int n, String why) {
        return String.format(Locale.ROOT, "stopped at %,d of %,d connections: %s", srv.accepted.get(), n, why);
    }

    /** Data segments every host retransmitted so far. */
    private static long retransmits(List<Stack> hosts) {
        long n = 0;
        for (Stack s : hosts) n += s.tcpStats().get(TcpStat.SNDREXMITPACK);
        return n;
    }

    /** Frames every NIC dropped so far (a full ring, either way). */
    private static long drops(List<SimNic> nics) {
        long n = 0;
        for (SimNic nic : nics) n += nic.counters().inDrops() + nic.counters().outDrops();
        return n;
    }

    private static final com.sun.management.OperatingSystemMXBean OS =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

    /** The process's CPU time so far, ns. */
    static long processCpu() {
        return OS.getProcessCpuTime();
    }

    /** Fractions of requests at or below a latency, at fixed points with more of them in the tail. */
    private static final double[] CDF_POINTS = {0, 1, 5, 10, 20, 30, 40, 50, 60, 70, 80, 90, 95, 97.5, 99, 99.5, 99.9, 99.99, 100};

    private static double[][] cdf(Histogram h) {
        double[][] out = new double[CDF_POINTS.length][];
        for (int i = 0; i < CDF_POINTS.length; i++) {
            out[i] = new double[] {h.getValueAtPercentile(CDF_POINTS[i]) / 1e3, CDF_POINTS[i] / 100};
        }
        return out;
    }
}
