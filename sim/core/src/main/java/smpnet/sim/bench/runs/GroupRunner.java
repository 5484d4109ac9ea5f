package smpnet.sim.bench.runs;

import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.HdrHistogram.Histogram;
import smpnet.sim.bench.plan.BenchCase;
import smpnet.sim.bench.plan.BenchPath;
import smpnet.sim.bench.plan.BenchOptions;
import smpnet.sim.bench.plan.CaseGroup;
import smpnet.sim.bench.plan.Subject;
import smpnet.sim.bench.results.CaseResult;
import smpnet.sim.bench.results.Ceiling;
import smpnet.sim.bench.results.MeasuredWindow;
import smpnet.sim.bench.results.RunSample;
import smpnet.sim.bench.results.Warmup;

/**
 * Runs one {@link CaseGroup}: starts and warms up each child in turn (never two busy at once), then
 * measures them window by window in the {@link PairSchedule} order, each child paused while another is
 * measured; for the ceiling, the 1-CPU child and a second one on the other core are measured in the same
 * window. Prints one progress line per window: its rate, busy CPUs, the JIT's and the collector's work in it,
 * and whether it was measured again because the JIT compiled in it.
 *
 * <p>Thread use: one parent thread.
 */
public final class GroupRunner {
    /**
     * A resumed child runs this long, not counted, before each window: after a pause its caches, branch
     * predictors and the CPU's clock are cold. (At most the window's own length.)
     */
    public static final long RESUME_SETTLE_NANOS = 300_000_000L;
    /** The core of the ceiling's second child. */
    public static final String CEILING_CORE = "1";

    /** A group's results: one per case, the ceiling if it was measured, notes on what was not. */
    public record Outcome(List<CaseResult> results, Ceiling ceiling, List<String> notes) {}

    /** One child and what it measured. */
    private static final class Track {
        final ChildProcess child;
        final Warmup warmup;
        final long warmupNanos;
        final List<RunSample> runs = new ArrayList<>();
        final Histogram latency = new Histogram(3);
        long pausedWall;
        long pausedCpu;

        Track(ChildProcess child, Warmup warmup) {
            this.child = child;
            this.warmup = warmup;
            this.warmupNanos = warmup.wallNanos();
        }

        void add(MeasuredWindow w, List<RunSample> into, Histogram latencyInto) {
            into.add(w.sample());
            latencyInto.add(w.latency());
            pausedWall += w.pausedWallNanos();
            pausedCpu += w.pausedCpuNanos();
        }

        /**
         * CPU used while paused, in cores, over all of the child's pauses: process CPU time is counted in
         * ticks (10 ms here), so a short pause alone can look busy.
         */
        double pausedCpuUse() {
            return pausedWall <= 0 ? 0 : (double) pausedCpu / pausedWall;
        }
    }

    private final ChildLauncher launcher;
    private final BenchOptions options;
    private final int cores;
    private final PrintStream log;
    /** Each window's measured length, and the settle before it. */
    private final long run;
    private final long settle;
    private final List<Track> started = new ArrayList<>();
    /** The tracks of the group's own cases, in the group's order (not the ceiling child). */
    private final List<Track> caseTracks = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();
    private Track ceilingChild;
    private Track profiledTrack;
    private MeasuredWindow profiledWindow;
    private final List<RunSample> ceiling0 = new ArrayList<>();
    private final List<RunSample> ceiling1 = new ArrayList<>();
    private final Histogram ceilingLatency = new Histogram(3);

    GroupRunner(ChildLauncher launcher, BenchOptions options, int cores, PrintStream log) {
        this.launcher = launcher;
        this.options = options;
        this.cores = cores;
        this.log = log;
        this.run = nanos(options.seconds());
        this.settle = Math.min(RESUME_SETTLE_NANOS, run);
    }

    /**
     * Runs {@code g} in as many forks as the options ask, each a fresh set of children (numbered in the
     * progress when there are several), and merges what they measured ({@link Forks}).
     */
    public static Outcome runForks(ChildLauncher launcher, BenchOptions options, int cores, PrintStream log,
            CaseGroup g) throws IOException, InterruptedException {
        List<Outcome> forks = new ArrayList<>();
        for (int f = 1; f <= options.forks(); f++) {
            if (options.forks() > 1) log.printf("  fork %d/%d%n", f, options.forks());
            forks.add(new GroupRunner(launcher, options, cores, log).run(g));
        }
        return Forks.merge(forks);
    }

    /** Runs {@code g} (once per runner); a failure of one of its cases' children fails the whole group. */
    Outcome run(CaseGroup g) throws IOException, InterruptedException {
        try {
            Track one = g.withCpus(1) == null ? null : startCase(g.withCpus(1), g);
            Track two = g.withCpus(2) == null ? null : startCase(g.withCpus(2), g);
            if (g.ceiling()) startCeiling(g.payload());
            measure(g, one, two);
            if (g.profiled() != null) profile(g.profiled(), g.profiled().cpus() == 1 ? one : two);
            return finish(g);
        } finally {
            for (Track t : started) t.child.close();
        }
    }

    private Track startCase(BenchCase c, CaseGroup g) throws IOException, InterruptedException {
        Track t = start(c, ChildLauncher.cpuList(c.cpus()));
        caseTracks.add(t);
        log.printf(Locale.ROOT, "    warm-up%s %s%n", g.cases().size() > 1 ? " " + c.cpus() + "cpu" : "",
                warmup(t.warmup, options.warmup(c), options.maxWarmup()));
        return t;
    }

    private Track start(BenchCase c, String cpuList) throws IOException, InterruptedException {
        ChildProcess p = launcher.start(c, cpuList);
        try {
            Track t = new Track(p, p.warmUp(nanos(options.warmup(c)), nanos(options.maxWarmup())));
            started.add(t);
            return t;
        } catch (IOException | RuntimeException e) {
            p.close();
            throw e;
        }
    }

    /** Starts the ceiling's second child on the other core, or says why not. */
    private void startCeiling(int payload) throws InterruptedException {
        if (!launcher.pins()) {
            note("machine ceiling not measured: taskset is not on the PATH, so two 1-CPU children cannot be "
                    + "pinned to a core each");
        } else if (cores < 2) {
            note("machine ceiling not measured: this machine offers " + cores + " core");
        } else {
            try {
                ceilingChild = start(new BenchCase(Subject.FINE, 1, payload, false), CEILING_CORE);
                log.printf(Locale.ROOT, "    warm-up ceiling child (%s) %s%n", ceilingChild.child.pinning(),
                        warmup(ceilingChild.warmup, options.warmup(ceilingChild.child.benchCase()), options.maxWarmup()));
            } catch (IOException | RuntimeException e) {
                note("machine ceiling not measured: " + e.getMessage());
            }
        }
    }

    private void measure(CaseGroup g, Track one, Track two) throws IOException, InterruptedException {
        int rounds = options.runs(g.cases().getFirst());
        List<PairSchedule.Window> windows = PairSchedule.windows(
                PairSchedule.slots(one != null, two != null, g.ceiling()), rounds);
        for (PairSchedule.Window w : windows) {
            String prefix = String.format(Locale.ROOT, "    run %d/%d", w.round() + 1, rounds);
            switch (w.slot()) {
                case ONE_CPU -> window(one, two, prefix, g);
                case TWO_CPUS -> window(two, one, prefix, g);
                case CEILING -> ceilingWindow(one, w, prefix);
            }
        }
    }

    /**
     * How a warm-up of {@code minSeconds} (CPU) to {@code maxSeconds} (wall) went, for the progress: e.g.
     * {@code 7.5 s, settled} or {@code 20.0 s, not settled (ended by its maximum, 20 s)}; with no warm-up asked
     * for, its length alone.
     */
    static String warmup(Warmup w, double minSeconds, double maxSeconds) {
        String length = String.format(Locale.ROOT, "%.1f s", w.wallNanos() / 1e9);
        if (minSeconds == 0) return length;
        return length + (w.settled() ? ", settled" : String.format(Locale.ROOT,
                ", not settled (ended by its maximum, %.0f s)", maxSeconds));
    }

    /**
     * Windows of a case are measured again after the JIT compiled in them only after a warm-up: without one
     * ({@code --warmup 0}) every window runs freshly compiled code, and is measured once.
     */
    private int again(BenchCase c) {
        return options.warmup(c) > 0 ? RunSample.MEASURE_AGAIN_MAX : 0;
    }

    /**
     * What the JVM did in a window, for its progress line: e.g. {@code JIT 0 ms, GC 3 (12 ms)}, then, when the
     * window was measured again after the JIT compiled in it, how often, and when the one kept still had the
     * JIT compiling, that it is flagged.
     */
    public static String jvm(RunSample s) {
        String out = String.format(Locale.ROOT, "JIT %,d ms, GC %,d (%,d ms)", s.jvm().compileMillis(), s.jvm().gcs(),
                s.jvm().gcMillis());
        if (s.measuredAgain() > 0) {
            out += String.format(Locale.ROOT, "; measured again %s after the JIT compiled more than %d ms",
                    s.measuredAgain() == 1 ? "once" : s.measuredAgain() + " times", RunSample.QUIET_JIT_MILLIS);
        }
        if (s.jitBusy()) out += "; kept with the JIT still compiling: flagged";
        return out;
    }

    /** Measures {@code t} alone; once its partner has run in the same round, prints their ratio. */
    private void window(Track t, Track partner, String prefix, CaseGroup g) throws IOException, InterruptedException {
        int again = again(t.child.benchCase());
        t.child.startWindow(settle, run, false, again);
        t.add(t.child.awaitWindow(settle, run, again), t.runs, t.latency);
        RunSample s = t.runs.getLast();
        String label = g.cases().size() > 1 ? " " + t.child.benchCase().cpus() + "cpu" : "";
        String pair = "";
        if (partner != null && partner.runs.size() == t.runs.size()) {
            Track over = t.child.benchCase().cpus() == 2 ? t : partner;
            Track under = over == t ? partner : t;
            pair = String.format(Locale.ROOT, "; 2/1 in this pair %.2fx",
                    over.runs.getLast().packetsPerSecond() / under.runs.getLast().packetsPerSecond());
        }
        log.printf(Locale.ROOT, "%s%s: %s, %.2f CPUs busy, %s%s%n", prefix, label, rate(g.path(), s), s.cpuUse(), jvm(s),
                pair);
    }

    /** Measures the 1-CPU child and the ceiling child in the same window. */
    private void ceilingWindow(Track one, PairSchedule.Window w, String prefix) throws IOException, InterruptedException {
        if (ceilingChild == null) return;
        one.child.startWindow(settle, run, false, 0);
        try {
            ceilingChild.child.startWindow(settle, run, false, 0);
        } catch (IOException e) {
            dropCeiling(e);
        }
        MeasuredWindow a = one.child.awaitWindow(settle, run, 0);
        if (ceilingChild == null) return;
        MeasuredWindow b;
        try {
            b = ceilingChild.child.awaitWindow(settle, run, 0);
        } catch (IOException e) {
            dropCeiling(e);
            return;
        }
        one.add(a, ceiling0, ceilingLatency);
        ceilingChild.add(b, ceiling1, ceilingLatency);
        double sum = a.sample().packetsPerSecond() + b.sample().packetsPerSecond();
        String ratio = one.runs.size() > w.round() ? String.format(Locale.ROOT, "; %.2fx one alone",
                sum / one.runs.get(w.round()).packetsPerSecond()) : "";
        log.printf(Locale.ROOT, "%s ceiling: %,.0f + %,.0f packets/s, %.2f CPUs busy%s%n", prefix,
                a.sample().packetsPerSecond(), b.sample().packetsPerSecond(),
                a.sample().cpuUse() + b.sample().cpuUse(), ratio);
    }

    /** One window of {@code t}'s child with lock profiling on, after its measured ones. */
    private void profile(BenchCase c, Track t) throws IOException, InterruptedException {
        t.child.startWindow(settle, run, true, 0);
        profiledWindow = t.child.awaitWindow(settle, run, 0);
        profiledTrack = t;
        log.printf(Locale.ROOT, "    profiled run (%dcpu, lock profiling on): %s, %.2f CPUs busy%n",
                c.cpus(), rate(c.path(), profiledWindow.sample()), profiledWindow.sample().cpuUse());
    }

    /** A run's rate in its path's unit, e.g. {@code 1,234 conn/s} or {@code 56.7 MB/s}. */
    static String rate(BenchPath p, RunSample s) {
        double v = s.packetsPerSecond() * p.scale();
        return String.format(Locale.ROOT, p.scale() == 1 ? "%,.0f %s" : "%,.1f %s", v, p.unit());
    }

    private void dropCeiling(IOException e) {
        note("machine ceiling not measured: " + e.getMessage());
        ceilingChild.child.close();
        ceilingChild = null;
    }

    private Outcome finish(CaseGroup g) throws IOException, InterruptedException {
        List<CaseResult> results = new ArrayList<>();
        for (Track t : caseTracks) {
            ChildProcess.Ending e = t.child.quit();
            results.add(new CaseResult(t.child.benchCase(), t.child.pinning(), t.warmupNanos, t.warmup.settled(), t.runs,
                    t.latency, e.settled(), List.of(), t.pausedCpuUse()));
            if (t == profiledTrack) {
                results.add(new CaseResult(g.profiled(), t.child.pinning(), t.warmupNanos, t.warmup.settled(),
                        List.of(profiledWindow.sample()), profiledWindow.latency(), e.settled(), e.locks(),
                        t.pausedCpuUse()));
            }
        }
        Ceiling ceiling = null;
        if (ceilingChild != null) {
            try {
                ChildProcess.Ending e = ceilingChild.child.quit();
                ceiling = new Ceiling(g.payload(), launcher.pinning(ChildLauncher.cpuList(1)) + " | "
                        + ceilingChild.child.pinning(), ceilingChild.warmupNanos, ceiling0, ceiling1, ceilingLatency,
                        e.settled().inFlight() == 0);
            } catch (IOException ex) {
                note("machine ceiling not measured: " + ex.getMessage());
            }
        }
        return new Outcome(results, ceiling, List.copyOf(notes));
    }

    private void note(String text) {
        notes.add(text);
        log.println("    " + text);
    }

    static long nanos(double seconds) {
        return Math.round(seconds * 1e9);
    }
}
