package smpnet.sim.bench.workloads;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;
import org.HdrHistogram.Histogram;
import smpnet.locking.Scheduler;
import smpnet.sim.bench.plan.BenchCase;
import smpnet.sim.bench.results.JvmActivity;
import smpnet.sim.bench.results.LockContention;
import smpnet.sim.bench.results.MeasuredWindow;
import smpnet.sim.bench.results.RunSample;
import smpnet.sim.bench.results.Tally;
import smpnet.sim.bench.results.Warmup;
import smpnet.sim.trace.ChromeTrace;

/**
 * Drives one case's workload in this JVM, window by window, as the parent commands: a warm-up (until the
 * JIT is quiet and the rate has settled: {@link #warmUp}), then measured windows (each after a short settle
 * that is not counted, since a resumed workload starts with cold caches; each at least its length and until
 * the workload has received something in it: see {@link #PROGRESS_WAIT_NANOS}; each measured again from its
 * end, as often as the parent allows, while the JIT compiled more than {@link RunSample#QUIET_JIT_MILLIS} ms in
 * it), possibly a window with lock profiling on, then the stop, which settles the accounting. The workload is
 * paused between windows. The child JVM's command loop ({@code runs.BenchChild})
 * and the tests use it.
 *
 * <p>Thread use: one thread (the child's main thread, or a test's) calls every method.
 */
public final class CaseRunner implements AutoCloseable {
    /** How long a stopped workload may take to drain what is in flight. */
    public static final long SETTLE_NANOS = 5_000_000_000L;
    /** A warm-up goes in slices of this length, each measuring the workload's rate and the JIT's time. */
    static final long WARMUP_SLICE_NANOS = 500_000_000L;
    /** Consecutive quiet slices that a warm-up's end needs. */
    static final int QUIET_SLICES = 2;
    /** Compilation time (ms) within one slice that still counts as a quiet JIT: as much as a measured window may hold. */
    static final long QUIET_JIT_MILLIS = RunSample.QUIET_JIT_MILLIS;
    /** Warm-up slices whose rates {@link #settled} compares: the last this many against the as many before them. */
    static final int SETTLE_SLICES = 3;
    /** The most the median rate of the last slices may lie above the one before them, for a settled warm-up. */
    static final double SETTLE_RISE = 0.05;
    /**
     * How long a measured window goes on past its length, at most, while the workload has received nothing in
     * it: a short window on a loaded machine (a workload resumed cold, without warm-up, or one waiting out a
     * retransmission timeout) may otherwise see nothing at all. Its sample has the window's real wall and CPU
     * time, so its rates stay true; a window of a benchmark's length has received plenty by its end.
     */
    static final long PROGRESS_WAIT_NANOS = 10_000_000_000L;
    /** How often that wait looks at the workload's tally. */
    static final long PROGRESS_POLL_NANOS = 10_000_000L;

    /** The measured windows, the settled tally and the lock classes by contention of the last profiled window. */
    public record Outcome(List<MeasuredWindow> windows, Tally settled, List<LockContention> locks) {
        /** The windows' runs, in order. */
        public List<RunSample> runs() {
            return windows.stream().map(MeasuredWindow::sample).toList();
        }
    }

    private final com.sun.management.OperatingSystemMXBean os =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    private final ReceiveWorkload workload;
    /** The JVM's totals (JIT, collections): {@link JvmActivity#now()}, or a test's scripted figures. */
    private final Supplier<JvmActivity> jvm;
    private final List<MeasuredWindow> windows = new ArrayList<>();
    /** The profiled window's trace, its file and title; null when not traced. */
    private ChromeTrace trace;
    private Path traceFile;
    private String traceTitle;
    private List<LockContention> locks = List.of();
    private long pausedWall;
    private long pausedCpu;

    public CaseRunner(ReceiveWorkload workload) {
        this(workload, JvmActivity::now);
    }

    /** A runner that reads the JVM's JIT and collector totals from {@code jvm} (tests script them). */
    CaseRunner(ReceiveWorkload workload, Supplier<JvmActivity> jvm) {
        this.workload = workload;
        this.jvm = jvm;
    }

    /** Starts the workload, paused. */
    public void start() throws Exception {
        workload.start();
        markPaused();
    }

    /**
     * A warm-up of at least {@code minNanos} of CPU time, longer (up to {@code maxNanos} of wall time) while
     * the JIT is still compiling or the workload's rate still rising; returns its length and whether it settled.
     */
    public Warmup warmUp(long minNanos, long maxNanos) throws InterruptedException {
        workload.resume();
        Warmup warm = warmUpRunning(minNanos, maxNanos);
        workload.pause();
        markPaused();
        return warm;
    }

    /** Resumes, lets the workload settle for {@code settleNanos}, measures {@code runNanos} once, pauses. */
    public MeasuredWindow window(long settleNanos, long runNanos) throws InterruptedException {
        return window(settleNanos, runNanos, 0);
    }

    /**
     * Resumes, lets the workload settle for {@code settleNanos}, measures {@code runNanos}, pauses; a window in
     * which the JIT compiled more than {@link RunSample#QUIET_JIT_MILLIS} ms is measured again from its end (the
     * workload still running), {@code again} times at most, and the last one measured is the window (the count
     * of those dropped in its {@link RunSample#measuredAgain()}).
     */
    public MeasuredWindow window(long settleNanos, long runNanos, int again) throws InterruptedException {
        return window(settleNanos, runNanos, false, again);
    }

    /**
     * A window with lock profiling on (contended acquisitions only), which names the contended lock classes
     * ({@link #finish}) but is slowed by profiling. Profiling is switched while the workload is paused, when
     * no lock is held; the profile counts the measured part only (not the settle).
     */
    public MeasuredWindow profileWindow(long settleNanos, long runNanos) throws InterruptedException, IOException {
        LockProfiles.start();
        try {
            MeasuredWindow w = window(settleNanos, runNanos, true, 0);
            locks = LockProfiles.snapshot();
            return w;
        } finally {
            if (trace != null) trace.stop();
            LockProfiles.stop();
            if (trace != null) trace.write(traceFile, traceTitle);
        }
    }

    /**
     * Traces the measured part of the profiled window into {@code file} ({@code limit} events at most). The
     * trace profiles every acquisition, so that window's lock table then counts them all, not only the
     * contended ones.
     */
    public void traceProfileWindow(Path file, int limit, String title) {
        trace = new ChromeTrace(limit);
        traceFile = file;
        traceTitle = title;
    }

    private MeasuredWindow window(long settleNanos, long runNanos, boolean profiled, int again)
            throws InterruptedException {
        long wall0 = System.nanoTime();
        long cpu0 = os.getProcessCpuTime();
        workload.resume();
        sleepNanos(settleNanos);
        if (profiled) {
            LockProfiles.reset();
            if (trace != null) trace.start(traceTitle, Scheduler.current());
        }
        workload.takeLatency();
        RunSample s = measure(runNanos, 0);
        Histogram h = workload.takeLatency();
        while (RunSample.measureAgain(s.jvm().compileMillis(), s.measuredAgain(), again)) {
            s = measure(runNanos, s.measuredAgain() + 1);
            h = workload.takeLatency();
        }
        workload.pause();
        MeasuredWindow w = new MeasuredWindow(s, h, wall0 - pausedWall, cpu0 - pausedCpu);
        windows.add(w);
        markPaused();
        return w;
    }

    /** Waits, at most {@link #PROGRESS_WAIT_NANOS}, until the workload has received more than {@code received0}. */
    private void awaitProgress(long received0) throws InterruptedException {
        long deadline = System.nanoTime() + PROGRESS_WAIT_NANOS;
        while (workload.tally().received() == received0 && System.nanoTime() < deadline) {
            sleepNanos(PROGRESS_POLL_NANOS);
        }
    }

    /** Stops the workload and settles its accounting; names the locks of the last profiled window. */
    public Outcome finish() throws Exception {
        return new Outcome(List.copyOf(windows), workload.stop(SETTLE_NANOS), locks);
    }

    @Override
    public void close() {
        workload.close();
    }

    /**
     * The whole sequence in one call, as the tests run it: the warm-up, {@code runs} windows (profiled ones
     * for a profiled case), the stop.
     */
    static Outcome runAll(BenchCase c, ReceiveWorkload w, long warmupNanos, long maxWarmupNanos, int runs,
                          long settleNanos, long runNanos) throws Exception {
        try (CaseRunner r = new CaseRunner(w)) {
            r.start();
            r.warmUp(warmupNanos, maxWarmupNanos);
            for (int i = 0; i < runs; i++) {
                if (c.profiled()) r.profileWindow(settleNanos, runNanos); else r.window(settleNanos, runNanos);
            }
            return r.finish();
        }
    }

    private void markPaused() {
        pausedWall = System.nanoTime();
        pausedCpu = os.getProcessCpuTime();
    }

    /**
     * Runs the warm-up in slices of {@link #WARMUP_SLICE_NANOS}, each measuring the workload's rate (received
     * per second of wall time) and the JIT's compilation time, until this process has used {@code minNanos}
     * of CPU time and the slices have {@link #settled}, or until {@code maxNanos} of wall time have passed
     * (unsettled). Counting CPU time, not wall time, matters on a shared machine: a JVM that gets a quarter
     * of a core needs four times as long to compile the stack before its figures mean anything. A maximum
     * shorter than a slice is waited out (up to {@code minNanos}) without a rule.
     */
    private Warmup warmUpRunning(long minNanos, long maxNanos) throws InterruptedException {
        long start = System.nanoTime();
        long cpu0 = os.getProcessCpuTime();
        if (maxNanos < WARMUP_SLICE_NANOS) {
            sleepNanos(Math.min(minNanos, maxNanos));
            return new Warmup(System.nanoTime() - start, false);
        }
        List<Double> rates = new ArrayList<>();
        List<Long> compile = new ArrayList<>();
        long t = start;
        long received = workload.tally().received();
        JvmActivity jvm0 = jvm.get();
        while (System.nanoTime() - start + WARMUP_SLICE_NANOS <= maxNanos) {
            sleepNanos(WARMUP_SLICE_NANOS);
            long t1 = System.nanoTime();
            long received1 = workload.tally().received();
            JvmActivity jvm1 = jvm.get();
            rates.add((received1 - received) * 1e9 / (t1 - t));
            compile.add(jvm1.compileMillis() - jvm0.compileMillis());
            t = t1;
            received = received1;
            jvm0 = jvm1;
            if (os.getProcessCpuTime() - cpu0 >= minNanos
                    && settled(compile.stream().mapToLong(Long::longValue).toArray(),
                            rates.stream().mapToDouble(Double::doubleValue).toArray())) {
                return new Warmup(System.nanoTime() - start, true);
            }
        }
        return new Warmup(System.nanoTime() - start, false);
    }

    /**
     * Whether a warm-up whose slices so far had the rates {@code rates} (received per second) while the JIT
     * compiled {@code compileMillis} ms in each has settled: the last {@link #QUIET_SLICES} slices each with at
     * most {@link #QUIET_JIT_MILLIS} ms of compilation (two, since a long compilation is only counted when it
     * ends, so one slice may look quiet), and the median rate of the last {@link #SETTLE_SLICES} slices at most
     * {@link #SETTLE_RISE} above the median of the as many before them: a rate still rising means the JIT is
     * still replacing code (deoptimising and compiling again), which its time alone does not show while a
     * compilation runs. Medians, so that one slice slowed or sped by other work on the machine's cores neither
     * settles nor unsettles it.
     */
    static boolean settled(long[] compileMillis, double[] rates) {
        int n = rates.length, k = SETTLE_SLICES;
        if (n < 2 * k || compileMillis.length != n) return false;
        for (int i = n - QUIET_SLICES; i < n; i++) if (compileMillis[i] > QUIET_JIT_MILLIS) return false;
        double recent = median(Arrays.copyOfRange(rates, n - k, n));
        double before = median(Arrays.copyOfRange(rates, n - 2 * k, n - k));
        return recent <= (1 + SETTLE_RISE) * before;
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        int n = s.length;
        return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
    }

    /** Measures one window of {@code runNanos}, after {@code measuredAgain} dropped ones. */
    private RunSample measure(long runNanos, int measuredAgain) throws InterruptedException {
        Tally t0 = workload.tally();
        JvmActivity jvm0 = jvm.get();
        long cpu0 = os.getProcessCpuTime();
        long wall0 = System.nanoTime();
        sleepNanos(runNanos);
        awaitProgress(t0.received());
        Tally t1 = workload.tally();
        long wall1 = System.nanoTime();
        long cpu1 = os.getProcessCpuTime();
        JvmActivity jvm1 = jvm.get();
        return new RunSample(t1.minus(t0), wall1 - wall0, cpu1 - cpu0, jvm1.minus(jvm0), measuredAgain);
    }

    private static void sleepNanos(long nanos) throws InterruptedException {
        if (nanos > 0) Thread.sleep(nanos / 1_000_000, (int) (nanos % 1_000_000));
    }
}
