package smpnet.sim.scenario;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.HdrHistogram.Histogram;
import smpnet.locking.DeterministicScheduler;
import smpnet.locking.Scheduler;
import smpnet.sim.determ.DeterministicRun;
import smpnet.sim.determ.FreeRun;
import smpnet.sim.determ.Simulation;
import smpnet.sim.scenario.ScenarioResult.Variant;
import smpnet.sim.scenario.ScenarioResult.WorkloadResult;
import smpnet.sim.scenario.ScenarioSpec.Endpoint;
import smpnet.sim.scenario.ScenarioSpec.HostSpec;
import smpnet.sim.scenario.ScenarioSpec.Http;
import smpnet.sim.scenario.ScenarioSpec.LinkSpec;
import smpnet.sim.scenario.ScenarioSpec.NicSpec;
import smpnet.sim.scenario.ScenarioSpec.RouteSpec;
import smpnet.sim.scenario.ScenarioSpec.TcpWorkload;
import smpnet.sim.scenario.ScenarioSpec.UdpBlast;
import smpnet.sim.scenario.ScenarioSpec.UdpEcho;
import smpnet.sim.scenario.ScenarioSpec.UdpSink;
import smpnet.sim.scenario.ScenarioSpec.Workload;
import smpnet.sim.trace.ChromeTrace;
import smpnet.stack.Stack;
import smpnet.stack.StackConfig;
import smpnet.stack.config.ArpConfig;
import smpnet.stack.config.ReassemblyLimits;
import smpnet.stack.dev.ImpairedLink;
import smpnet.stack.dev.NicConfig;
import smpnet.stack.dev.SimNic;
import smpnet.stack.dev.Wire;
import smpnet.stack.locks.LockMode;
import smpnet.stack.net.IfCounters;
import smpnet.stack.netisr.NetisrConfig;
import smpnet.stack.socket.Datagram;
import smpnet.stack.socket.UdpSocket;
import smpnet.stack.stats.UdpStat;

/**
 * Runs a {@link ScenarioSpec}: per variant, a fresh {@link Simulation} (deterministic or free-running) whose
 * "main" application thread builds the hosts, NICs, routes and links, starts the hosts, binds the receiving
 * sockets, then starts one application thread per workload. Sinks and echo servers end once their senders
 * are done and nothing more arrived for their idle time; the last workload to end reads the hosts' and
 * links' counters; the run then closes everything and checks that no mbuf leaked.
 */
public final class ScenarioRunner {
    private ScenarioRunner() {}

    /** How often a traced run samples its counters (queue depths, mbufs in use). */
    static final long SAMPLE_NANOS = 1_000_000;

    /** Runs every variant of {@code spec}, one after another. */
    public static ScenarioResult run(ScenarioSpec spec) throws Exception { return run(spec, null); }

    /** As {@link #run(ScenarioSpec)}, recording each variant into {@code trace} (null: no trace). */
    public static ScenarioResult run(ScenarioSpec spec, ChromeTrace trace) throws Exception {
        return run(spec, trace, line -> { });
    }

    /** As {@link #run(ScenarioSpec, ChromeTrace)}, telling {@code progress} of each compared variant as it starts and ends. */
    public static ScenarioResult run(ScenarioSpec spec, ChromeTrace trace, java.util.function.Consumer<String> progress) throws Exception {
        return run(spec, trace, progress, new HostObserver() { });
    }

    /**
     * What a command may do with a run's hosts: capture their interfaces before they start, read their
     * sockets and counters once the workloads have ended (before the run closes them). Both are called on
     * the run's "main" or last workload thread.
     */
    public interface HostObserver {
        /** {@code host} of {@code variant} is built (its NICs by name) and not yet started. */
        default void built(String variant, Stack host, Map<String, SimNic> nics) { }

        /** Every workload of {@code variant} has ended; {@code host} is still open. */
        default void ended(String variant, Stack host) { }
    }

    /** As {@link #run(ScenarioSpec, ChromeTrace, java.util.function.Consumer)}, showing the hosts to {@code observer}. */
    public static ScenarioResult run(ScenarioSpec spec, ChromeTrace trace, java.util.function.Consumer<String> progress,
                                     HostObserver observer) throws Exception {
        List<Variant> out = new ArrayList<>();
        Map<String, List<HostSpec>> variants = variants(spec);
        for (Map.Entry<String, List<HostSpec>> v : variants.entrySet()) {
            if (variants.size() > 1) progress.accept(String.format("[%d/%d] %s ...", out.size() + 1, variants.size(), v.getKey()));
            Variant done = runVariant(spec, v.getKey(), v.getValue(), trace, observer);
            if (variants.size() > 1) {
                progress.accept(String.format(Locale.ROOT, "      done: %.3f s %s", done.seconds(),
                        spec.run().deterministic() ? "virtual" : "wall-clock"));
            }
            out.add(done);
        }
        return new ScenarioResult(spec, out);
    }

    /** The variants to run, by name: every combination of the compared modes and CPU counts, or the file as written. */
    static Map<String, List<HostSpec>> variants(ScenarioSpec spec) {
        Map<String, List<HostSpec>> out = new LinkedHashMap<>();
        ScenarioSpec.Compare c = spec.compare();
        if (c.isEmpty()) {
            out.put("as written", spec.hosts());
            return out;
        }
        List<LockMode> modes = c.modes().isEmpty() ? Collections.singletonList(null) : c.modes();
        List<Integer> cpus = c.cpus().isEmpty() ? Collections.singletonList(null) : c.cpus();
        for (LockMode m : modes) {
            for (Integer n : cpus) {
                List<HostSpec> hosts = new ArrayList<>();
                for (HostSpec h : spec.hosts()) {
                    hosts.add(c.hosts().contains(h.name()) ? h.with(m == null ? h.mode() : m, n == null ? h.cpus() : n) : h);
                }
                String name = ((m == null ? "" : "locking=" + m.name().toLowerCase(Locale.ROOT).replace('_', '-') + " ")
                        + (n == null ? "" : "cpus=" + n)).strip();
                out.put(name, hosts);
            }
        }
        return out;
    }

    private static Variant runVariant(ScenarioSpec spec, String name, List<HostSpec> hosts, ChromeTrace trace,
                                      HostObserver observer) throws Exception {
        ScenarioSpec.RunSpec r = spec.run();
        Simulation sim = r.deterministic()
                ? DeterministicRun.of(DeterministicScheduler.Options.seed(r.seed()).withPreemptOneIn(r.preemptOneIn()))
                        .replayWith("./smpnet scenario FILE (seed " + r.seed() + ")")
                : new FreeRun(r.seed());
        Build b = new Build(spec, name, hosts, sim, trace, observer);
        sim.spawn("main", b::start);
        long t0 = System.nanoTime();
        long decisions = 0;
        double seconds;
        if (trace != null) {
            // The run's clock: virtual time of its deterministic scheduler, or the real clock.
            trace.start(spec.name() + ": " + name, sim instanceof DeterministicRun d ? d.scheduler() : Scheduler.current());
        }
        try {
            if (sim instanceof DeterministicRun d) {
                DeterministicRun.Result res = d.run();
                decisions = res.decisions();
                seconds = res.virtualNanos() / 1e9;
            } else {
                ((FreeRun) sim).run();
                seconds = (System.nanoTime() - t0) / 1e9;
            }
        } finally {
            if (trace != null) trace.stop();
        }
        return new Variant(name, b.results(), seconds, decisions, b.hostLines, b.linkLines);
    }

    /**
     * One variant's world while it runs. Locking key: {@code results}, {@code hostLines} and {@code linkLines}
     * are written by the workload threads and the last of them, and read after the run has ended (its threads
     * joined), so they are synchronized lists.
     */
    private static final class Build {
        final ScenarioSpec spec;
        final String variant;
        final HostObserver observer;
        final List<HostSpec> hosts;
        final Simulation sim;
        final ChromeTrace trace;
        final Map<String, Stack> stacks = new LinkedHashMap<>();
        final Map<Endpoint, SimNic> nics = new LinkedHashMap<>();
        final List<ImpairedLink> links = new ArrayList<>();
        final WorkloadResult[] results;
        final List<String> hostLines = Collections.synchronizedList(new ArrayList<>());
        final List<String> linkLines = Collections.synchronizedList(new ArrayList<>());
        /** Workload threads still running: the last one to end reads the counters. */
        final AtomicInteger running = new AtomicInteger();
        /** UDP senders (blasts) still sending: sinks end only after they are done. */
        final AtomicInteger sending = new AtomicInteger();

        Build(ScenarioSpec spec, String variant, List<HostSpec> hosts, Simulation sim, ChromeTrace trace, HostObserver observer) {
            this.spec = spec;
            this.variant = variant;
            this.observer = observer;
            this.hosts = hosts;
            this.sim = sim;
            this.trace = trace;
            this.results = new WorkloadResult[spec.workloads().size()];
        }

        List<WorkloadResult> results() {
            synchronized (results) { return List.of(results); }
        }

        void start() throws Exception {
            for (HostSpec h : hosts) stacks.put(h.name(), buildHost(h));
            for (LinkSpec l : spec.links()) {
                SimNic a = nics.get(l.a()), b = nics.get(l.b());
                if (l.impairments() == null) Wire.connect(a, b);
                else links.add(sim.link(a, b, l.impairments()));
                if (trace != null) {
                    trace.nic(a, l.a().toString(), l.b().toString());
                    trace.nic(b, l.b().toString(), l.a().toString());
                }
            }
            for (Stack s : stacks.values()) {
                Map<String, SimNic> own = new LinkedHashMap<>();
                nics.forEach((e, n) -> {
                    if (e.host().equals(s.name())) own.put(e.nic(), n);
                });
                observer.built(variant, s, own);
            }
            for (Stack s : stacks.values()) s.start();
            List<Runnable> starts = new ArrayList<>();
            for (int i = 0; i < spec.workloads().size(); i++) {
                Workload w = spec.workloads().get(i);
                if (w instanceof UdpBlast) sending.incrementAndGet();
                running.incrementAndGet();
                starts.add(prepare(i, w));
            }
            for (Runnable s : starts) s.run();
            if (trace != null) sim.spawn("trace-sampler", this::sample);
        }

        /**
         * The trace's counters, every {@link #SAMPLE_NANOS} of the run's clock while workloads run: each
         * host's netisr queue depth and mbufs in use. Its own lock holds stay out of the trace.
         */
        private void sample() {
            trace.ignoreCurrentThread();
            String clockHost = stacks.keySet().iterator().next();
            while (running.get() > 0) {
                Map<String, Long> depth = new LinkedHashMap<>(), mbufs = new LinkedHashMap<>();
                for (Stack s : stacks.values()) {
                    depth.put(s.name(), (long) s.netisr().totals().depth());
                    mbufs.put(s.name(), s.allocator().outstanding());
                }
                trace.counter("netisr queue depth", depth);
                trace.counter("mbufs in use", mbufs);
                sleepUntil(clockHost, now(clockHost) + SAMPLE_NANOS);
            }
        }

        private Stack buildHost(HostSpec h) {
            NetisrConfig n = NetisrConfig.of(h.workers() == 0 ? h.cpus() : h.workers(), h.dispatch(), h.placement())
                    .withQueueLimit(h.netisrQueue());
            Stack s = sim.host(new StackConfig(h.name(), h.mode(), n, h.cpus(), h.forwarding(), ArpConfig.DEFAULT,
                    ReassemblyLimits.DEFAULT, Scheduler.current()));
            h.sysctl().forEach(s::sysctl);
            for (NicSpec nic : h.nics()) {
                NicConfig c = NicConfig.of(nic.queues() == 0 ? h.cpus() : nic.queues()).withRingSize(nic.ring())
                        .withLro(nic.lro()).withTso(nic.tso());
                nics.put(new Endpoint(h.name(), nic.name()), s.addNic(nic.name(), nic.address(), c, nic.mtu()));
            }
            for (RouteSpec r : h.routes()) s.addRoute(r.to(), r.via());
            return s;
        }

        /** Opens what workload {@code i} receives on (now, before any sender starts); returns what starts its threads. */
        private Runnable prepare(int i, Workload w) throws IOException {
            return switch (w) {
                case UdpSink k -> {
                    UdpSocket s = stacks.get(k.host()).openUdp().bind(k.port()).setReceiveTimeout(k.idle())
                            .setReceiveBuffer(1 << 20, 1);
                    yield () -> spawn(i, "sink-" + k.host() + ":" + k.port(), () -> sink(k, s));
                }
                case UdpBlast k -> () -> spawn(i, "blast-" + k.host(), () -> blast(k));
                case UdpEcho k -> {
                    UdpSocket s = stacks.get(k.server()).openUdp().bind(k.port()).setReceiveTimeout(k.timeout());
                    AtomicBoolean done = new AtomicBoolean();
                    yield () -> {
                        running.incrementAndGet(); // the server thread is one more
                        sim.spawn("echo-server-" + k.server(), () -> {
                            echoServer(s, done);
                            finished();
                        });
                        spawn(i, "echo-client-" + k.client(), () -> {
                            try {
                                return echoClient(k);
                            } finally {
                                done.set(true);
                            }
                        });
                    };
                }
                case TcpWorkload k -> () -> spawn(i, k.kind() + "-" + k.client(), () -> TcpWorkloads.run(k, stacks, sim));
                case Http k -> () -> spawn(i, "http-" + k.client(), () -> HttpWorkload.run(k, stacks));
            };
        }

        /** A workload's thread: its result goes to slot {@code i}. */
        private void spawn(int i, String name, WorkloadBody body) {
            sim.spawn(name, () -> {
                WorkloadResult r = body.run();
                synchronized (results) { results[i] = r; }
                finished();
            });
        }

        /** A workload thread ended: the last one reads every host's and link's counters, before the run closes them. */
        private void finished() {
            if (running.decrementAndGet() != 0) return;
            for (Stack s : stacks.values()) observer.ended(variant, s);
            for (Stack s : stacks.values()) {
                IfCounters nic = IfCounters.ZERO;
                for (Map.Entry<Endpoint, SimNic> e : nics.entrySet()) {
                    if (e.getKey().host().equals(s.name())) nic = nic.plus(e.getValue().counters());
                }
                StringBuilder line = new StringBuilder(String.format(Locale.ROOT,
                        "%s (%s, %d cpu): nic in %d out %d, drops in %d out %d", s.name(),
                        s.config().mode().name().toLowerCase(Locale.ROOT).replace('_', '-'), s.config().cpus(),
                        nic.inPackets(), nic.outPackets(), nic.inDrops(), nic.outDrops()));
                var isr = s.netisr().totals();
                if (isr.queued() + isr.dropped() > 0) {
                    line.append(String.format(Locale.ROOT, "; netisr queued %d dropped %d (deepest queue %d)", isr.queued(),
                            isr.dropped(), isr.maxDepth()));
                }
                for (var c : List.of(s.ipStats(), s.arpStats(), s.udpStats())) {
                    if (!c.nonZero().isEmpty()) line.append("; ").append(c.protocol()).append(' ').append(c.nonZero());
                }
                hostLines.add(line.toString());
            }
            int n = 0;
            for (LinkSpec l : spec.links()) {
                if (l.impairments() == null) continue;
                ImpairedLink link = links.get(n++);
                linkLines.add(l.a() + " -> " + l.b() + ": " + linkText(link.counters(true)));
                linkLines.add(l.b() + " -> " + l.a() + ": " + linkText(link.counters(false)));
            }
        }

        private static String linkText(ImpairedLink.Counters c) {
            StringBuilder b = new StringBuilder(c.frames() + " frames, " + c.delivered() + " delivered");
            long[] v = {c.lost(), c.queueDrops(), c.reordered(), c.duplicated(), c.corrupted(), c.noMemory(), c.inFlight()};
            String[] names = {"lost", "dropped at the queue", "reordered", "duplicated", "corrupted", "dropped for memory", "in flight"};
            for (int i = 0; i < v.length; i++) if (v[i] != 0) b.append(", ").append(v[i]).append(' ').append(names[i]);
            return b.toString();
        }

        /** Waits until {@code host}'s clock reads {@code deadline} (virtual time in a deterministic run). */
        private void sleepUntil(String host, long deadline) {
            Scheduler s = stacks.get(host).config().scheduler();
            for (long left; (left = deadline - s.nanoTime()) > 0; ) s.parkNanos(this, left);
        }

        // ---- the workloads -------------------------------------------------------------------------------

        private long now(String host) { return stacks.get(host).config().scheduler().nanoTime(); }

        private WorkloadResult blast(UdpBlast k) throws IOException {
            try {
                Stack from = stacks.get(k.host());
                InetSocketAddress dst = new InetSocketAddress(k.toAddress(), k.toPort());
                UdpSocket[] socks = new UdpSocket[k.flows()];
                for (int f = 0; f < socks.length; f++) socks[f] = from.openUdp().bind(0);
                byte[] payload = new byte[k.payload()];
                long sent = 0, noBuffers = 0;
                sleepUntil(k.host(), now(k.host()) + k.delay().toNanos());
                long start = now(k.host());
                long deadline = k.seconds() == null ? Long.MAX_VALUE : start + k.seconds().toNanos();
                for (long round = 0; k.seconds() == null ? round < k.count() : (round & 15) != 0 || now(k.host()) < deadline; round++) {
                    for (UdpSocket s : socks) {
                        try {
                            s.sendTo(payload, dst);
                            sent++;
                        } catch (SocketException e) {
                            if (!"No buffer space available".equals(e.getMessage())) throw e;
                            noBuffers++;
                        }
                    }
                }
                double secs = (now(k.host()) - start) / 1e9;
                for (UdpSocket s : socks) s.close();
                double rate = secs > 0 ? sent / secs : Double.NaN;
                return new WorkloadResult(k.label(), String.format(Locale.ROOT, "sent %d datagrams of %d B from %d socket(s) in %.3f s%s%s",
                        sent, k.payload(), k.flows(), secs, Double.isNaN(rate) ? "" : String.format(Locale.ROOT, ": %,.0f/s", rate),
                        noBuffers == 0 ? "" : ", " + noBuffers + " refused (no buffers)"), rate, "datagrams/s");
            } finally {
                sending.decrementAndGet();
            }
        }

        private WorkloadResult sink(UdpSink k, UdpSocket s) throws IOException {
            long got = 0, bytes = 0, first = 0, last = 0;
            while (true) {
                try {
                    Datagram d = s.receiveFrom();
                    last = now(k.host());
                    if (got++ == 0) first = last;
                    bytes += d.data().length;
                } catch (SocketTimeoutException e) {
                    if (sending.get() == 0) break; // idle, and nobody sends any more
                }
            }
            s.close();
            double secs = (last - first) / 1e9;
            double rate = got >= 2 && secs > 0 ? (got - 1) / secs : Double.NaN;
            return new WorkloadResult(k.label(), String.format(Locale.ROOT, "received %d datagrams, %d B%s", got, bytes,
                    Double.isNaN(rate) ? "" : String.format(Locale.ROOT, " in %.3f s: %,.0f/s", secs, rate)), rate, "datagrams/s");
        }

        /** Echoes each request back to its sender until the client is done and a receive timed out. */
        private static void echoServer(UdpSocket s, AtomicBoolean done) throws IOException {
            while (true) {
                try {
                    Datagram d = s.receiveFrom();
                    s.sendTo(d.data(), d.source());
                } catch (SocketTimeoutException e) {
                    if (done.get()) break;
                }
            }
            s.close();
        }

        private WorkloadResult echoClient(UdpEcho k) throws IOException {
            UdpSocket c = stacks.get(k.client()).openUdp().bind(0).setReceiveTimeout(k.timeout());
            InetSocketAddress server = new InetSocketAddress(k.serverAddress(), k.port());
            Histogram latency = new Histogram(3);
            byte[] request = new byte[k.payload()];
            int replies = 0, retries = 0, lost = 0;
            sleepUntil(k.client(), now(k.client()) + k.delay().toNanos());
            long start = now(k.client());
            for (int seq = 0; seq < k.count(); seq++) {
                ByteBuffer.wrap(request).putInt(0, seq);
                long sentAt = now(k.client());
                boolean answered = false;
                for (int attempt = 0; attempt <= k.retries() && !answered; attempt++) {
                    if (attempt > 0) retries++;
                    c.sendTo(request, server);
                    answered = awaitReply(c, seq);
                }
                if (answered) {
                    replies++;
                    latency.recordValue(Math.max(0, now(k.client()) - sentAt) / 1000);
                } else {
                    lost++;
                }
            }
            c.close();
            double secs = (now(k.client()) - start) / 1e9;
            double rate = secs > 0 ? replies / secs : Double.NaN;
            return new WorkloadResult(k.label(), String.format(Locale.ROOT,
                    "%d of %d requests answered, %d retries, %d given up; latency p50 %d us, p99 %d us, max %d us%s",
                    replies, k.count(), retries, lost, latency.getValueAtPercentile(50), latency.getValueAtPercentile(99),
                    latency.getMaxValue(), Double.isNaN(rate) ? "" : String.format(Locale.ROOT, "; %,.0f requests/s", rate)),
                    rate, "requests/s");
        }

        /** Waits for the reply to {@code seq}, skipping late replies to earlier requests; false on a timeout. */
        private static boolean awaitReply(UdpSocket c, int seq) throws IOException {
            while (true) {
                try {
                    Datagram d = c.receiveFrom();
                    if (d.data().length >= 4 && ByteBuffer.wrap(d.data()).getInt(0) == seq) return true;
                } catch (SocketTimeoutException e) {
                    return false;
                }
            }
        }
    }

    /** A workload thread's code: it returns its result. */
    @FunctionalInterface
    interface WorkloadBody {
        WorkloadResult run() throws Exception;
    }
}
