package smpnet.sim.servers;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Runs a {@link ServerPlan} case by case (each model at each connection count, smallest counts first, after a
 * warm-up case per model that is not reported) and reports: a table, CSV and JSON of the figures, where each model stopped and why, which model wins at each
 * count, and whether the event loop's cost per event stayed flat (the goal: within 20% from 1,000 connections
 * to the largest count run).
 */
public final class ServerComparison {
    /**
     * The event loop's goal: its CPU time per event flat within this much from 1,000 connections to the
     * largest count, that is neither count's cost more than this much above the other's: the ratio of the
     * largest count's cost to 1,000's between 1 / (1 + FLAT_WITHIN) and 1 + FLAT_WITHIN.
     */
    public static final double FLAT_WITHIN = 0.20;

    /**
     * The confidence of the interval the verdict judges the ratio by: the chance that it holds the ratio of
     * the two counts' true median costs, each window's parts taken as independent draws of its cost.
     */
    static final double CONFIDENCE = 0.95;

    private final ServerPlan plan;
    private final List<ServerResult> results;
    /** Mbufs the cases' hosts' allocators still had outstanding once the hosts were closed, summed (0: none leaked). */
    private final long mbufsOutstanding;
    /** Where the figures are medians over forks, the forks' description and their verdict ({@link ServerForks}); else null. */
    private final ServerForks.Merged forks;

    /** Connections of the warm-up cases at most. */
    static final int WARMUP_CONNECTIONS = 1_000;

    private ServerComparison(ServerPlan plan, List<ServerResult> results, long mbufsOutstanding, ServerForks.Merged forks) {
        this.plan = plan;
        this.results = List.copyOf(results);
        this.mbufsOutstanding = mbufsOutstanding;
        this.forks = forks;
    }

    /** The report of {@code results}, measured (or made up, in a test of the report) under {@code plan}. */
    static ServerComparison of(ServerPlan plan, List<ServerResult> results) {
        return new ServerComparison(plan, results, 0, null);
    }

    /** The report of {@code results} measured in one JVM, whose hosts left {@code mbufsOutstanding} mbufs outstanding. */
    static ServerComparison of(ServerPlan plan, List<ServerResult> results, long mbufsOutstanding) {
        return new ServerComparison(plan, results, mbufsOutstanding, null);
    }

    /** The report of results merged over forks ({@link ServerForks#merge}). */
    static ServerComparison merged(ServerPlan plan, List<ServerResult> results, long mbufsOutstanding, ServerForks.Merged forks) {
        return new ServerComparison(plan, results, mbufsOutstanding, forks);
    }

    /**
     * Runs every case, telling {@code progress} of each as it starts and ends. First each model runs a case
     * at the smallest count (at most {@link #WARMUP_CONNECTIONS}) that is not reported: a warm-up, as JMH
     * runs warm-up iterations, so that the first case measured does not pay for the compilation of the code
     * every case runs (the stack's, the clients', the model's), which the later ones find compiled.
     */
    public static ServerComparison run(ServerPlan plan, Consumer<String> progress) throws Exception {
        return run(plan, progress, false);
    }

    /**
     * As {@link #run(ServerPlan, Consumer)}, the connection counts in descending order where {@code descending}
     * (a fork of {@link ServerForks} alternates the order, so that the machine's drift over minutes does not
     * favour one count): then a model that stops at a count still runs at the smaller ones. The results are in
     * ascending order of counts either way.
     */
    public static ServerComparison run(ServerPlan plan, Consumer<String> progress, boolean descending) throws Exception {
        long[] outstanding = {0};
        int warm = Math.min(plan.connections().getFirst(), WARMUP_CONNECTIONS);
        for (ServerModel m : plan.models()) {
            progress.accept(String.format(Locale.ROOT, "[warm-up] %s, %,d connections ...", m.label(), warm));
            ServerResult r = ServerCase.run(plan, m, warm, progress, left -> outstanding[0] += left);
            progress.accept("      " + (r.completed() ? "warmed up (not reported)" : r.stopped()));
        }
        List<ServerResult> out = new ArrayList<>();
        Set<ServerModel> stopped = EnumSet.noneOf(ServerModel.class);
        int total = plan.models().size() * plan.connections().size(), i = 0;
        for (int n : descending ? plan.connections().reversed() : plan.connections()) {
            for (ServerModel m : plan.models()) {
                i++;
                if (stopped.contains(m)) {
                    out.add(ServerResult.notRun(m, n, "not run: the model stopped at a smaller count"));
                    continue;
                }
                progress.accept(String.format(Locale.ROOT, "[%d/%d] %s, %,d connections ...", i, total, m.label(), n));
                ServerResult r = ServerCase.run(plan, m, n, progress, left -> outstanding[0] += left);
                progress.accept("      " + (r.completed() ? line(r) : r.stopped()));
                if (!r.completed() && !descending) stopped.add(m);
                out.add(r);
            }
        }
        // each count's cases in the plan's order of models, counts ascending
        out.sort(Comparator.comparingInt(ServerResult::connections));
        return new ServerComparison(plan, out, outstanding[0], null);
    }

    /** Mbufs the hosts' allocators still had outstanding once the hosts were closed, over every case (0: none leaked). */
    public long mbufsOutstanding() { return mbufsOutstanding; }

    public ServerPlan plan() { return plan; }

    public List<ServerResult> results() { return results; }

    private static String line(ServerResult r) {
        ServerResult.LoopCost l = r.loop();
        String loop = l == null ? "" : String.format(Locale.ROOT, "; event loop after a warm-up of %s, over %,d events "
                + "(%,d requests): %s ns per event in "
                + "its parts, %,.0f in all, %,.0f without its sleeps, %,.0f in polls; %.1f events per poll, %.4f sleeps, %.4f parks and "
                + "%.2f wake-ups given per event, %d writable events, %d GCs (%d ms), %d parts in which other work shared the loop's "
                + "core, other processes on %s cores; %s", warmup(l), l.events(), l.requests(), parts(l),
                l.nanosPerEvent(),
                l.busyNanosPerEvent(),
                l.queueNanosPerEvent(), l.eventsPerPoll(), l.sleepsPerEvent(), l.parksPerEvent(), l.unparksPerEvent(), l.writeEvents(),
                l.gcs(), l.gcMillis(), l.partsShared(), cores(l.otherCores()), l.placement());
        return String.format(Locale.ROOT, "%,.0f requests/s, p50 %.0f µs, p99 %.0f µs, %.2f parks and %.2f context switches per "
                + "request, %d retransmits, %d ring drops", r.throughput(), r.p50Micros(), r.p99Micros(), r.parksPerRequest(),
                r.switchesPerRequest(), r.retransmits(), r.ringDrops()) + loop;
    }

    /** The table, where each model stopped, the winners and the event loop's verdict. */
    public String format() {
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "Server models: %s%n", describe()));
        b.append(String.format(Locale.ROOT, "%-22s %9s %10s %12s %9s %9s %9s %12s %12s %10s %11s %11s %11s %8s %9s %8s %8s%n", "model",
                "conns", "requests", "requests/s", "p50 µs", "p99 µs", "p99.9 µs", "parks/req", "switches/req", "CPU µs/req",
                "loop ns/ev", "busy ns/ev", "queue ns/ev", "ev/poll", "sleeps/ev", "rexmits", "drops"));
        for (ServerResult r : results) {
            if (!r.completed()) {
                b.append(String.format(Locale.ROOT, "%-22s %,9d   %s%n", r.model().label(), r.connections(), r.stopped()));
                continue;
            }
            ServerResult.LoopCost l = r.loop();
            b.append(String.format(Locale.ROOT, "%-22s %,9d %,10d %,12.0f %9.0f %9.0f %9.0f %12.2f %12.2f %10.1f %11s %11s %11s %8s %9s %8d %8d%n",
                    r.model().label(), r.connections(), r.requests(), r.throughput(), r.p50Micros(), r.p99Micros(), r.p999Micros(),
                    r.parksPerRequest(), r.switchesPerRequest(), r.cpuMicrosPerRequest(), nanos(r.loopNanosPerEvent()),
                    l == null ? "" : nanos(l.busyNanosPerEvent()), nanos(r.queueNanosPerEvent()),
                    l == null ? "" : String.format(Locale.ROOT, "%.1f", l.eventsPerPoll()),
                    l == null ? "" : String.format(Locale.ROOT, "%.4f", l.sleepsPerEvent()), r.retransmits(), r.ringDrops()));
        }
        b.append("Where each model stopped:\n");
        for (ServerModel m : plan.models()) b.append("  ").append(m.label()).append(": ").append(reach(m)).append('\n');
        b.append(winners());
        b.append(verdicts()).append('\n');
        return b.toString();
    }

    /**
     * The loop's cost per event in each part of its window, those in which a garbage collection ran marked,
     * e.g. "8,001 / 7,950 (GC) / 9,204".
     */
    private static String parts(ServerResult.LoopCost l) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < l.parts().length; i++) {
            out.add(nanos(l.parts()[i]) + (l.partGcs()[i] > 0 ? " (GC)" : l.shared(i) ? " (shared)" : ""));
        }
        return String.join(" / ", out);
    }

    /**
     * The window's parts, a line each: the loop's cost per event and what may explain it ({@link
     * ServerResult.PartFacts}), indented by {@code indent}; empty where the facts were not taken.
     */
    static String partTable(ServerResult.LoopCost l, String indent) {
        if (l.facts().isEmpty()) return "";
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "%s%4s %7s %7s %3s %6s %7s %9s %8s %7s %7s %9s %5s %8s %6s %6s %6s %7s%n", indent, "part",
                "ns/ev", "queue", "GC", "JIT ms", "ev/poll", "sleeps/ev", "wakes/ev", "segs/ev", "acks/ev", "cpu", "migr",
                "runq ms", "invol", "cores", "loop", "wall ms"));
        for (int i = 0; i < l.facts().size(); i++) {
            ServerResult.PartFacts f = l.facts().get(i);
            b.append(String.format(Locale.ROOT, "%s%4d %7s %7s %3d %6d %7.1f %9.4f %8.3f %7.3f %7.3f %9s %5d %8.2f %6d %6.2f %6.2f %7.1f%n",
                    indent, i + 1, nanos(l.parts()[i]), nanos(l.queueParts()[i]), f.gcs(), f.compileMillis(), f.eventsPerPoll(),
                    f.sleepsPerEvent(), f.wakeupsPerEvent(), f.segmentsPerEvent(), f.acksPerEvent(),
                    f.cpu() < 0 ? "?" : String.format(Locale.ROOT, "%d (%.0f%%)", f.cpu(), 100 * f.cpuShare()), f.migrations(),
                    f.runWaitMillis(), f.involuntary(), f.coresBusy(), f.loopBusy(), f.wallMillis()));
        }
        return b.toString();
    }

    /** {@code ns} rounded with thousands separators, or empty when NaN (a model without an event loop). */
    private static String nanos(double ns) {
        return Double.isNaN(ns) ? "" : String.format(Locale.ROOT, "%,.0f", ns);
    }

    /** Which model wins at each connection count: the highest requests/s, and the lowest p99 latency. */
    public String winners() {
        StringBuilder b = new StringBuilder("Winners (highest requests/s; lowest p99):\n");
        for (int n : plan.connections()) {
            List<ServerResult> at = results.stream().filter(r -> r.connections() == n && r.completed()).toList();
            if (at.isEmpty()) continue;
            ServerResult fast = at.stream().max(Comparator.comparingDouble(ServerResult::throughput)).orElseThrow();
            ServerResult tail = at.stream().min(Comparator.comparingDouble(ServerResult::p99Micros)).orElseThrow();
            b.append(String.format(Locale.ROOT, "  %,9d connections: %s; %s%n", n, fast.model().label(), tail.model().label()));
        }
        return b.toString();
    }

    /** How far {@code m} went: the largest count it completed, and why it stopped if it did. */
    public String reach(ServerModel m) {
        ServerResult last = null;
        for (ServerResult r : results) {
            if (r.model() != m) continue;
            if (!r.completed()) {
                return (last == null ? "completed no count" : String.format(Locale.ROOT, "completed up to %,d connections",
                        last.connections())) + "; at " + String.format(Locale.ROOT, "%,d", r.connections()) + " " + r.stopped();
            }
            last = r;
        }
        return last == null ? "not run" : String.format(Locale.ROOT, "completed every count, up to %,d connections", last.connections());
    }

    /** The plan in a sentence: requests, payload, requests in flight, pool, clients, the event loop's window. */
    /**
     * The names of this JVM's collectors ("PS Scavenge, PS MarkSweep" for the parallel one, which
     * {@code ./smpnet servers} picks: G1's concurrent threads shared the event loop's core at 100,000 connections).
     */
    static String collectors() {
        return String.join(", ", EchoServer.COLLECTORS.stream().map(java.lang.management.MemoryManagerMXBean::getName).toList());
    }

    private String describe() {
        return String.format(Locale.ROOT, "%d requests of %d B per connection (the event loop: as many more as its warm-up of %d "
                + "per connection, a full GC and %,d requests at most, and %,d measured in %d parts need, until it has measured; "
                + "its full GC left out of the figures), echoed, at most %,d in flight (fixed pool: %d threads; client: %d event loops); "
                + "each model warmed up first by an unreported case; this JVM's collector: %s%s", plan.requests(), plan.payload(), LoopWindow.SERVED_FIRST,
                plan.loopWarmup(), plan.loopRequests(), plan.loopParts(), plan.inFlight(), plan.poolThreads(), plan.clientLoops(),
                collectors(), plan.active() == 0 ? ""
                        : String.format(Locale.ROOT, "; requests on the first %,d connections of each case only, the others "
                        + "open and idle", plan.active()))
                + (plan.rate() == 0 ? "" : String.format(Locale.ROOT, "; offered at %,d requests/s, paced", plan.rate()))
                + (forks == null ? "" : "; " + forks.description());
    }

    /** The event loop's verdict: over the forks where the figures are merged from several, else this JVM's. */
    String verdicts() {
        return (forks == null ? eventLoopVerdict() : forks.verdict()) + offeredLoad();
    }

    /**
     * The event loop's completed cases from 1,000 connections up, which the verdict compares (its first with its
     * last); none unless there are two and the first is at 1,000.
     */
    private List<ServerResult> judgedLoopCases() {
        List<ServerResult> loop = results.stream().filter(r -> r.model() == ServerModel.EVENT_LOOP && r.completed()
                && r.loop() != null && r.connections() >= 1_000).toList();
        return loop.size() < 2 || loop.getFirst().connections() != 1_000 ? List.of() : loop;
    }

    /**
     * A line under the verdict on the load the two counts' event loop cases ran at, or nothing where the verdict
     * has no two counts: their requests per second and, unpaced, that they are not held equal (the loop's cost
     * per event follows how often it sleeps, and so the load); paced, how far short of the rate each fell.
     */
    String offeredLoad() {
        List<ServerResult> loop = judgedLoopCases();
        if (loop.isEmpty()) return "";
        ServerResult a = loop.getFirst(), z = loop.getLast();
        if (plan.rate() == 0) {
            return String.format(Locale.ROOT, "%n  the offered load: unpaced, %,.0f requests/s at 1,000 connections and %,.0f at %,d "
                    + "(x%.2f): the loop's cost per event follows how often it sleeps, so the two counts compare like with like "
                    + "only at one rate (--rate)", a.throughput(), z.throughput(), z.connections(), z.throughput() / a.throughput());
        }
        return String.format(Locale.ROOT, "%n  the offered load: %,d requests/s, paced; reached %,.0f at 1,000 connections (%.0f%%) "
                + "and %,.0f at %,d (%.0f%%)", plan.rate(), a.throughput(), 100 * a.throughput() / plan.rate(), z.throughput(),
                z.connections(), 100 * z.throughput() / plan.rate());
    }

    /**
     * The event loop's CPU time per event at 1,000 connections and at the largest count it completed, against
     * the goal: its work ({@link LoopFigure#WORK}: its time less its time in the scheduler's parks and
     * wake-ups), all of the loop thread's time, then the part spent in the event queue's poll; then the
     * warm-ups, and what says whether the two were measured in the same state (events per poll, parks and
     * wake-ups per event, writable events, garbage collections, compilation), which the verdict states and
     * does not judge.
     *
     * <p>Each figure is the median of a window's parts, and the verdict judges their ratio by a
     * {@link #CONFIDENCE} interval ({@link #ratioInterval}): "met" when the whole interval lies within the
     * goal's bounds, "NOT met" when it lies wholly outside them, "undecided" when it straddles a bound (the
     * parts spread too much, or the ratio is too near a bound, for so few parts to tell), and "undecided"
     * too when the loop's warm-up at either count had not settled when its window began (the window may
     * then measure the JIT compiling the loop's code rather than the loop).
     */
    public String eventLoopVerdict() {
        List<ServerResult> loop = judgedLoopCases();
        if (loop.isEmpty()) return "Event loop cost per event: needs runs at 1,000 connections and above (use the long setting)";
        ServerResult a = loop.getFirst(), z = loop.getLast();
        ServerResult.LoopCost x = a.loop(), y = z.loop();
        List<String> why = caveats(a, z);
        String unsettled = why.isEmpty() ? null : "undecided: " + String.join("; ", why);
        String repeats = x.repeats() + y.repeats() == 0 ? "" : String.format(Locale.ROOT, "; windows measured again after the JIT "
                + "compiled more than %d ms in them: %d and %d", EchoServer.WINDOW_COMPILE_MILLIS, x.repeats(), y.repeats());
        return verdict(LoopFigure.WORK, x, y, a, z, unsettled) + "\n" + verdict(LoopFigure.WHOLE, x, y, a, z, unsettled)
                + "\n" + verdict(LoopFigure.QUEUE, x, y, a, z, unsettled)
                + String.format(Locale.ROOT, "%n  warm-up: %s and %s; JIT compilation in the window %d and %d ms%s", warmup(x), warmup(y),
                        x.compileMillis(), y.compileMillis(), repeats)
                + String.format(Locale.ROOT, "%n  the window's parts: %s ns and %s ns; the whole window: %,.0f and %,.0f ns, without the "
                        + "polls that slept %,.0f and %,.0f ns; in the queue %,.0f and %,.0f ns; per event of the polls that did not "
                        + "sleep %,.0f and %,.0f ns; per poll that slept (its events' collection included) %s and %s ns", parts(x),
                        parts(y), x.nanosPerEvent(), y.nanosPerEvent(), x.busyNanosPerEvent(), y.busyNanosPerEvent(),
                        x.queueNanosPerEvent(), y.queueNanosPerEvent(), x.queueBusyNanosPerEvent(), y.queueBusyNanosPerEvent(),
                        orNone(x.nanosPerSleep()), orNone(y.nanosPerSleep()))
                + String.format(Locale.ROOT, "%n  the loop's CPU in the scheduler: in its parks %,.0f and %,.0f ns per event (%s and %s "
                        + "per park), in waking other threads %,.0f and %,.0f ns per event (%s and %s per wake-up)",
                        perEvent(x.waitNanos(), x), perEvent(y.waitNanos(), y), orNone(x.nanosPerPark()), orNone(y.nanosPerPark()),
                        perEvent(x.wakeNanos(), x), perEvent(y.wakeNanos(), y), orNone(x.nanosPerWakeup()), orNone(y.nanosPerWakeup()))
                + String.format(Locale.ROOT, "%n  measured over %,d and %,d events; events per poll %.1f and %.1f; sleeps per event %.4f and "
                        + "%.4f; parks per event %.4f and %.4f; wake-ups given per event %.2f and %.2f; writable events %d and %d; GCs %d "
                        + "(%d ms) and %d (%d ms)", x.events(), y.events(), x.eventsPerPoll(), y.eventsPerPoll(), x.sleepsPerEvent(),
                        y.sleepsPerEvent(), x.parksPerEvent(), y.parksPerEvent(), x.unparksPerEvent(), y.unparksPerEvent(),
                        x.writeEvents(), y.writeEvents(), x.gcs(), x.gcMillis(), y.gcs(), y.gcMillis())
                + String.format(Locale.ROOT, "%n  threads: %s (at %,d connections); %s (at %,d); other processes used %s and %s cores "
                        + "over the windows", orUnknown(x.placement()), a.connections(), orUnknown(y.placement()), z.connections(),
                        cores(x.otherCores()), cores(y.otherCores()))
                + (x.facts().isEmpty() ? "" : String.format(Locale.ROOT, "%n  the parts at %,d connections and what may explain them "
                        + "(runq ms: the loop waited for a CPU; invol: taken off its CPU while runnable; cores: the process's CPU "
                        + "over the wall-clock time; loop: the loop thread's):%n", a.connections()) + partTable(x, "    ").stripTrailing())
                + (y.facts().isEmpty() ? "" : String.format(Locale.ROOT, "%n  the parts at %,d connections:%n", z.connections())
                        + partTable(y, "    ").stripTrailing());
    }

    /**
     * Every reason the event loop's windows at counts {@code a} and {@code z} cannot be judged, in this order: an
     * unsettled warm-up, other work on the machine, compilation in the window; empty when there is none.
     */
    static List<String> caveats(ServerResult a, ServerResult z) {
        List<String> why = new ArrayList<>();
        for (ServerResult r : List.of(a, z)) {
            if (!r.loop().settled()) {
                why.add(String.format(Locale.ROOT, "the warm-up at %,d connections had not settled when its window began, after %,d "
                        + "requests (the window may measure compilation)", r.connections(), r.loop().warmupRequests()));
                break;
            }
        }
        for (ServerResult r : List.of(a, z)) {
            if (r.loop().otherCores() > ServerResult.LoopCost.OTHER_CORES) {
                why.add(String.format(Locale.ROOT, "other processes used %.2f cores of the machine over the window at %,d connections, "
                        + "over the bound of %.2f (the machine was busy with other work)", r.loop().otherCores(), r.connections(),
                        ServerResult.LoopCost.OTHER_CORES));
            }
        }
        for (ServerResult r : List.of(a, z)) {
            if (r.loop().compileMillis() > EchoServer.WINDOW_COMPILE_MILLIS) {
                why.add(String.format(Locale.ROOT, "the JIT compiled %,d ms in the window at %,d connections, over the bound of %d ms, "
                        + "in %d windows measured (its code may have changed mid-window)", r.loop().compileMillis(), r.connections(),
                        EchoServer.WINDOW_COMPILE_MILLIS, r.loop().repeats() + 1));
            }
        }
        return why;
    }

    private static double perEvent(long nanos, ServerResult.LoopCost l) {
        return l.events() > 0 ? (double) nanos / l.events() : Double.NaN;
    }

    private static String cores(double c) {
        return Double.isNaN(c) ? "unknown" : String.format(Locale.ROOT, "%.2f", c);
    }

    private static String orUnknown(String placement) {
        return placement.isEmpty() ? "not recorded" : placement;
    }

    /** {@code ns} rounded with thousands separators, or "none" when NaN (no such poll). */
    private static String orNone(double ns) {
        return Double.isNaN(ns) ? "none" : String.format(Locale.ROOT, "%,.0f", ns);
    }

    /**
     * The warm-up of {@code l}: its requests, those within which every connection had served its first
     * {@link LoopWindow#SERVED_FIRST}, the full collection's time, and whether the parts after it settled, e.g.
     * "45,000 requests (every connection served 2 within the first 2,000; a full GC before the window: 150 ms),
     * settled".
     */
    private static String warmup(ServerResult.LoopCost l) {
        return String.format(Locale.ROOT, "%,d requests (every connection served %d within the first %,d; a full GC before the "
                + "window: %,d ms), %s", l.warmupRequests(), LoopWindow.SERVED_FIRST, l.servedWithin(), l.fullGcMillis(),
                l.settled() ? "settled" : "NOT settled");
    }

    /**
     * One verdict line: the medians of {@code x}'s and {@code y}'s parts of {@code figure},
     * those in which a garbage collection ran left out, their ratio and its interval, and "met", "NOT met" or
     * "undecided" (or {@code unsettled}'s reason, where not null).
     */
    private static String verdict(LoopFigure figure, ServerResult.LoopCost x, ServerResult.LoopCost y, ServerResult a,
                                  ServerResult z, String unsettled) {
        double[] first = x.kept(figure.parts(x)), last = y.kept(figure.parts(y));
        double lo = 1 / (1 + FLAT_WITHIN), hi = 1 + FLAT_WITHIN;
        double[] ci = ratioInterval(first, last, CONFIDENCE);
        String judged = Double.isNaN(ci[0]) ? "undecided: too few parts for an interval" : judge(ci);
        for (ServerResult r : List.of(a, z)) {
            double[] kept = r == a ? first : last;
            if (unsettled == null && 2 * count(kept) < count(r.loop().parts())) {
                judged = String.format(Locale.ROOT, "undecided: %d of %d parts at %,d connections left out (a collection ran in "
                        + "them, or other threads ran on the loop's CPU: another process's, or this JVM's own collector and "
                        + "compilers, which are not bound)", count(r.loop().parts()) - count(kept), count(r.loop().parts()), r.connections());
                break;
            }
        }
        if (unsettled != null) judged = unsettled;
        String gcs = x.partsWithGc() + y.partsWithGc() == 0 ? "" : String.format(Locale.ROOT, "; %d and %d left out: a GC ran in them",
                x.partsWithGc(), y.partsWithGc());
        if (x.partsShared() + y.partsShared() > 0) {
            // the ratio with them too, so that a cost the count brings to the loop's core (this JVM's collector at
            // a large heap, say) is not only left out
            double[] all = ratioInterval(x.withoutGcs(figure.parts(x)), y.withoutGcs(figure.parts(y)), CONFIDENCE);
            gcs += String.format(Locale.ROOT, "; %d and %d left out: the loop waited for its CPU more than %.0f%% of the part "
                    + "(other work shared its core; with them x%.2f, %s)", x.partsShared(), y.partsShared(),
                    ServerResult.LoopCost.SHARED_WAIT * 100, all[1], interval(all, "interval"));
        }
        return String.format(Locale.ROOT, "%s (%s, median of the window's parts): %s ns at %,d connections, %s ns at %,d: x%.2f (%s, "
                + "from %d and %d parts%s), goal x%.2f to x%.2f (within %.0f%%): %s", figure.title, figure.what, orNone(ServerResult.LoopCost.quantile(first, 0.5)),
                a.connections(), orNone(ServerResult.LoopCost.quantile(last, 0.5)), z.connections(), ci[1],
                interval(ci, String.format(Locale.ROOT, "%.0f%% interval", CONFIDENCE * 100)), count(first), count(last), gcs, lo, hi,
                FLAT_WITHIN * 100, judged);
    }

    /**
     * The goal judged by the interval {@code ci} ({lower, ratio, upper}) of a ratio of costs: "met" where it lies
     * within the goal's bounds, "NOT met" where it lies wholly outside them, "undecided" where it crosses one.
     */
    static String judge(double[] ci) {
        double lo = 1 / (1 + FLAT_WITHIN), hi = 1 + FLAT_WITHIN;
        if (ci[0] >= lo && ci[2] <= hi) return "met";
        if (ci[0] > hi || ci[2] < lo) return "NOT met";
        return "undecided: the interval crosses a bound";
    }

    /** {@code name x<lower> to x<upper>}, or, where the parts were too few for one (NaN ends), that there is none. */
    static String interval(double[] ci, String name) {
        if (Double.isNaN(ci[0]) || Double.isNaN(ci[2])) return "no " + name + ": too few parts";
        return String.format(Locale.ROOT, "%s x%.2f to x%.2f", name, ci[0], ci[2]);
    }

    private static int count(double[] parts) {
        return (int) java.util.Arrays.stream(parts).filter(p -> !Double.isNaN(p)).count();
    }

    /**
     * The ratio of the medians of {@code last} and {@code first} (NaNs left out) and an interval that holds the
     * ratio of their true medians with probability {@code confidence} at least: {lower, ratio, upper}, or
     * lower and upper NaN when either sample is too small for one. Distribution-free: each median's interval
     * runs from the k-th smallest part to the k-th largest, with the largest k whose interval holds the
     * median with probability sqrt({@code confidence}) at least (by the binomial distribution of the parts
     * below the median: 1 - 2 P(B(n, 1/2) &lt; k)); the ratio's interval divides one by the other's ends, and
     * holds the true ratio whenever both hold their medians, so with probability {@code confidence} at least
     * for independent windows. With 20 parts k is 5: the interval of a median is its parts' 5th to 16th; with
     * 40 (the long setting's), k is 13: the 13th to the 28th.
     */
    static double[] ratioInterval(double[] first, double[] last, double confidence) {
        double[] a = java.util.Arrays.stream(first).filter(p -> !Double.isNaN(p)).sorted().toArray();
        double[] z = java.util.Arrays.stream(last).filter(p -> !Double.isNaN(p)).sorted().toArray();
        double ratio = ServerResult.LoopCost.quantile(z, 0.5) / ServerResult.LoopCost.quantile(a, 0.5);
        double each = Math.sqrt(confidence);
        int ka = medianRank(a.length, each), kz = medianRank(z.length, each);
        if (ka == 0 || kz == 0) return new double[] {Double.NaN, ratio, Double.NaN};
        return new double[] {z[kz - 1] / a[a.length - ka], ratio, z[z.length - kz] / a[ka - 1]};
    }

    /**
     * The largest k (1-based) such that the k-th smallest and k-th largest of {@code n} draws enclose their
     * distribution's median with probability {@code confidence} at least; 0 when even the smallest and the
     * largest do not.
     */
    static int medianRank(int n, double confidence) {
        // P(B < k) for B ~ Binomial(n, 1/2), summed term by term
        double term = Math.pow(0.5, n), below = 0;
        int best = 0;
        for (int k = 1; 2 * k <= n + 1; k++) {
            below += term; // now P(B <= k - 1)
            term = term * (n - (k - 1)) / k;
            if (1 - 2 * below >= confidence) best = k; else break;
        }
        return best;
    }

    /**
     * Adds the comparison to {@code page}: the table, where each model stopped, the winners, and charts of
     * throughput, p99 latency, parks per request and context switches per request against connections, the
     * latency CDF of every model at the largest count all completed, and the event loop's cost per event.
     */
    public void addTo(smpnet.sim.report.Html page) {
        page.heading(2, "Server models");
        page.paragraph(describe() + ".");
        List<List<String>> rows = new ArrayList<>();
        rows.add(List.of("model", "connections", "requests/s", "p50 µs", "p99 µs", "parks/request", "context switches/request",
                "CPU µs/request", "loop ns/event", "queue ns/event", "events/poll", "parks/event", "stopped"));
        for (ServerResult r : results) {
            rows.add(r.completed()
                    ? List.of(r.model().label(), String.format(Locale.ROOT, "%,d", r.connections()),
                            String.format(Locale.ROOT, "%,.0f", r.throughput()), String.format(Locale.ROOT, "%.0f", r.p50Micros()),
                            String.format(Locale.ROOT, "%.0f", r.p99Micros()), String.format(Locale.ROOT, "%.2f", r.parksPerRequest()),
                            String.format(Locale.ROOT, "%.2f", r.switchesPerRequest()), String.format(Locale.ROOT, "%.1f", r.cpuMicrosPerRequest()),
                            nanos(r.loopNanosPerEvent()), nanos(r.queueNanosPerEvent()),
                            r.loop() == null ? "" : String.format(Locale.ROOT, "%.1f", r.loop().eventsPerPoll()),
                            r.loop() == null ? "" : String.format(Locale.ROOT, "%.4f", r.loop().parksPerEvent()), "")
                    : List.of(r.model().label(), String.format(Locale.ROOT, "%,d", r.connections()), "", "", "", "", "", "", "", "",
                            "", "", r.stopped()));
        }
        page.table(rows);
        StringBuilder reach = new StringBuilder();
        for (ServerModel m : plan.models()) reach.append(m.label()).append(": ").append(reach(m)).append('\n');
        page.pre(reach + winners() + verdicts());
        var throughput = new smpnet.sim.report.SvgChart("Throughput", "concurrent connections", "requests/s").logX();
        var p99 = new smpnet.sim.report.SvgChart("Latency, 99th percentile", "concurrent connections", "µs").logX().logY();
        var parks = new smpnet.sim.report.SvgChart("Server parks per request", "concurrent connections", "parks").logX();
        var switches = new smpnet.sim.report.SvgChart("Context switches per request (process)", "concurrent connections", "switches").logX();
        var loop = new smpnet.sim.report.SvgChart("Event loop: CPU per event (all; its work, without the scheduler's sleeps and "
                + "wake-ups; in the event queue's poll)", "concurrent connections", "ns").logX();
        for (ServerResult r : results) {
            if (!r.completed()) continue;
            String m = r.model().label();
            throughput.point(m, r.connections(), r.throughput());
            p99.point(m, r.connections(), r.p99Micros());
            parks.point(m, r.connections(), r.parksPerRequest());
            switches.point(m, r.connections(), r.switchesPerRequest());
            if (!Double.isNaN(r.loopNanosPerEvent())) {
                loop.point(m, r.connections(), r.loopNanosPerEvent());
                loop.point(m + " (work)", r.connections(), r.loop().medianWorkNanosPerEvent());
                loop.point(m + " (queue)", r.connections(), r.queueNanosPerEvent());
            }
        }
        for (var c : List.of(throughput, p99, parks, switches, loop)) if (!c.isEmpty()) page.chart(c);
        int common = -1;
        for (int n : plan.connections()) {
            if (results.stream().filter(r -> r.connections() == n && r.completed()).count() >= 2) common = n;
        }
        if (common > 0) {
            var cdf = new smpnet.sim.report.SvgChart(String.format(Locale.ROOT, "Latency CDF at %,d connections", common),
                    "latency µs", "fraction of requests").logX();
            for (ServerResult r : results) {
                if (r.connections() != common || !r.completed()) continue;
                for (double[] pt : r.latencyCdf()) cdf.point(r.model().label(), pt[0], pt[1]);
            }
            page.chart(cdf);
        }
    }

    /** The figures as CSV, a row per case. */
    public String csv() {
        StringBuilder b = new StringBuilder("model,connections,requests,echoed,seconds,requests_per_s,p50_us,p99_us,p999_us,"
                + "server_parks,context_switches,cpu_ns,loop_ns_per_event,queue_ns_per_event,loop_events,loop_requests,loop_polls,"
                + "loop_cpu_ns,loop_sleeping_polls,loop_sleeping_ns,loop_sleeping_events,loop_parks,loop_unparks,loop_write_events,loop_gcs,loop_gc_ms,"
                + "loop_compile_ms,loop_warmup_requests,loop_settled,loop_window_repeats,loop_served_within,loop_full_gc_ms,"
                + "loop_work_ns_per_event,loop_wait_ns,loop_wake_ns,retransmits,"
                + "ring_drops,stopped\n");
        for (ServerResult r : results) {
            ServerResult.LoopCost l = r.loop();
            String loop = l == null ? ",,,,,,,,,,,,,,,,,,,," : String.format(Locale.ROOT, "%d,%d,%d,%d,%d,%d,%d,%d,%d,%d,%d,%d,%d,%d,%b,%d,%d,%d,%.1f,%d,%d",
                    l.events(), l.requests(), l.polls(), l.cpuNanos(), l.sleepingPolls(), l.sleepingNanos(), l.sleepingEvents(),
                    l.parks(), l.unparks(),
                    l.writeEvents(), l.gcs(), l.gcMillis(), l.compileMillis(), l.warmupRequests(), l.settled(), l.repeats(),
                    l.servedWithin(), l.fullGcMillis(), l.medianWorkNanosPerEvent(), l.waitNanos(), l.wakeNanos());
            b.append(String.format(Locale.ROOT, "%s,%d,%d,%d,%.6f,%.1f,%.1f,%.1f,%.1f,%d,%d,%d,%.1f,%.1f,%s,%d,%d,%s%n", r.model().label(),
                    r.connections(), r.requests(), r.echoed(), r.seconds(), r.throughput(), r.p50Micros(), r.p99Micros(),
                    r.p999Micros(), r.serverParks(), r.contextSwitches(), r.cpuNanos(), r.loopNanosPerEvent(), r.queueNanosPerEvent(),
                    loop, r.retransmits(), r.ringDrops(),
                    r.stopped() == null ? "" : '"' + r.stopped().replace("\"", "\"\"") + '"'));
        }
        return b.toString();
    }

    /** The figures as JSON ({@link ServerJson#write}): the plan, and a case per element of {@code results}. */
    public String json() { return ServerJson.write(this); }

    /** The number of forks merged into this comparison, 0 for one JVM's. */
    int forkCount() { return forks == null ? 0 : forks.count(); }
}
