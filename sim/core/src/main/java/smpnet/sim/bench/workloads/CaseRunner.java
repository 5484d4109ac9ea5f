package smpnet.sim.bench.workloads;

import java.io.IOException;
import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.HdrHistogram.Histogram;
import smpnet.locking.Scheduler;
import smpnet.sim.bench.plan.BenchCase;
import smpnet.sim.bench.results.LockContention;
import smpnet.sim.bench.results.MeasuredWindow;
import smpnet.sim.bench.results.RunSample;
import smpnet.sim.bench.results.Tally;
import smpnet.sim.trace.ChromeTrace;

/**
 * Drives one case's workload in this JVM, window by window, as the parent commands: a warm-up, then
 * measured windows (each after a short settle that is not counted, since a resumed workload starts with
 * cold caches; each at least its length and until the workload has received something in it: see
 * {@link #PROGRESS_WAIT_NANOS}), possibly a window with lock profiling on, then the stop, which settles the
 * accounting. The workload is paused between windows. The child JVM's command loop ({@code runs.BenchChild})
 * and the tests use it.
 *
 * <p>Thread use: one thread (the child's main thread, or a test's) calls every method.
 */
public final class CaseRunner implements AutoCloseable {
    /** How long a stopped workload may take to drain what is in flight. */
    public static final long SETTLE_NANOS = 5_000_000_000L;
    /** Warm-up in slices of this length once the minimum is over, until one passes with the JIT quiet. */
    static final long WARMUP_SLICE_NANOS = 500_000_000L;
    /** Consecutive quiet slices that end a warm-up. */
    static final int QUIET_SLICES = 2;
    /** Compilation time (ms) within one slice that still counts as a quiet JIT. */
    static final long QUIET_JIT_MILLIS = 10;
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
    private final List<MeasuredWindow> windows = new ArrayList<>();
    /** The profiled window's trace, its file and title; null when not traced. */
    private ChromeTrace trace;
    private Path traceFile;
    private String traceTitle;
    private List<LockContention> locks = List.of();
    private long pausedWall;
    private long pausedCpu;

    public CaseRunner(ReceiveWorkload workload) {
        this.workload = workload;
    }

    /** Starts the workload, paused. */
    public void start() throws Exception {
        workload.start();
        markPaused();
    }

    /**
     * A warm-up of at least {@code minNanos} of CPU time, longer (up to {@code maxNanos} of wall time)
     * while the JIT is still compiling; returns its length.
     */
    public long warmUp(long minNanos, long maxNanos) throws InterruptedException {
        workload.resume();
        long warm = warmUpRunning(minNanos, maxNanos);
        workload.pause();
        markPaused();
        return warm;
    }

    /** Resumes, lets the workload settle for {@code settleNanos}, measures {@code runNanos}, pauses. */
    public MeasuredWindow window(long settleNanos, long runNanos) throws InterruptedException {
        return window(settleNanos, runNanos, false);
    }

    /**
     * A window with lock profiling on (contended acquisitions only), which names the contended lock classes
     * ({@link #finish}) but is slowed by profiling. Profiling is switched while the workload is paused, when
     * no lock is held; the profile counts the measured part only (not the settle).
     */
    public MeasuredWindow profileWindow(long settleNanos, long runNanos) throws InterruptedException, IOException {
        LockProfiles.start();
        try {
            MeasuredWindow w = window(settleNanos, runNanos, true);
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

    private MeasuredWindow window(long settleNanos, long runNanos, boolean profiled) throws InterruptedException {
        long wall0 = System.nanoTime();
        long cpu0 = os.getProcessCpuTime();
        workload.resume();
        sleepNanos(settleNanos);
        if (profiled) {
            LockProfiles.reset();
            if (trace != null) trace.start(traceTitle, Scheduler.current());
        }
        workload.takeLatency();
        RunSample s = measure(runNanos);
        Histogram h = workload.takeLatency();
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
     * Waits until this process has used {@code minNanos} of CPU time (at least as much wall time) and the
     * JIT has been quiet for two slices, or until {@code maxNanos} of wall time have passed. Counting CPU
     * time, not wall time, matters on a shared machine: a JVM that gets a quarter of a core needs four
     * times as long to compile the stack before its figures mean anything. Returns the time waited.
     */
    private long warmUpRunning(long minNanos, long maxNanos) throws InterruptedException {
        long start = System.nanoTime();
        long cpu0 = os.getProcessCpuTime();
        sleepNanos(Math.min(minNanos, maxNanos));
        CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
        boolean timed = jit != null && jit.isCompilationTimeMonitoringSupported();
        long compiled = timed ? jit.getTotalCompilationTime() : 0;
        int quiet = 0;
        while (System.nanoTime() - start + WARMUP_SLICE_NANOS <= maxNanos) {
            sleepNanos(WARMUP_SLICE_NANOS);
            long now = timed ? jit.getTotalCompilationTime() : 0;
            quiet = now - compiled <= QUIET_JIT_MILLIS ? quiet + 1 : 0;
            compiled = now;
            // Two quiet slices: a long compilation is only counted when it ends, so one may look quiet.
            if (os.getProcessCpuTime() - cpu0 >= minNanos && quiet >= QUIET_SLICES) break;
        }
        return System.nanoTime() - start;
    }

    private RunSample measure(long runNanos) throws InterruptedException {
        Tally t0 = workload.tally();
        long cpu0 = os.getProcessCpuTime();
        long wall0 = System.nanoTime();
        sleepNanos(runNanos);
        awaitProgress(t0.received());
        Tally t1 = workload.tally();
        long wall1 = System.nanoTime();
        long cpu1 = os.getProcessCpuTime();
        return new RunSample(t1.minus(t0), wall1 - wall0, cpu1 - cpu0);
    }

    private static void sleepNanos(long nanos) throws InterruptedException {
        if (nanos > 0) Thread.sleep(nanos / 1_000_000, (int) (nanos % 1_000_000));
    }
}
