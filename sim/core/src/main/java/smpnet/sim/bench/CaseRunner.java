package smpnet.sim.bench;

import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.HdrHistogram.Histogram;

/**
 * Runs one case in this JVM: starts its workload, warms up, takes the measured runs (each reported to
 * {@code progress} as it ends), stops and settles the workload. The child JVM's main and the tests use it.
 */
final class CaseRunner {
    /** How long a stopped workload may take to drain what is in flight. */
    static final long SETTLE_NANOS = 5_000_000_000L;

    private final com.sun.management.OperatingSystemMXBean os =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

    /** The measured runs, the settled tally and, for profiled cases, the lock classes by contention. */
    record Outcome(List<RunSample> runs, List<Histogram> latencies, Tally settled, List<LockContention> locks) {}

    /** Warm-up in slices of this length once the minimum is over, until one passes with the JIT quiet. */
    static final long WARMUP_SLICE_NANOS = 500_000_000L;
    /** Consecutive quiet slices that end a warm-up. */
    static final int QUIET_SLICES = 2;
    /** Compilation time (ms) within one slice that still counts as a quiet JIT. */
    static final long QUIET_JIT_MILLIS = 10;

    /**
     * Runs case {@code c} on {@code w}: a warm-up of at least {@code warmupNanos} of CPU time, longer (up
     * to {@code maxWarmupNanos} of wall time) while the JIT is still compiling, then {@code runs} measured
     * runs. A profiled case switches lock profiling on for its duration.
     */
    Outcome run(BenchCase c, ReceiveWorkload w, long warmupNanos, long maxWarmupNanos, int runs, long runNanos,
                Consumer<String> progress) throws Exception {
        List<RunSample> samples = new ArrayList<>();
        List<Histogram> latencies = new ArrayList<>();
        if (c.profiled()) LockProfiles.start();
        try (w) {
            w.start();
            long warm = warmUp(warmupNanos, maxWarmupNanos);
            progress.accept(ChildProtocol.warmup(warm));
            if (c.profiled()) LockProfiles.reset();
            w.takeLatency();
            for (int i = 0; i < runs; i++) {
                RunSample s = measure(w, runNanos);
                Histogram h = w.takeLatency();
                samples.add(s);
                latencies.add(h);
                progress.accept(ChildProtocol.run(s, h));
            }
            List<LockContention> locks = c.profiled() ? LockProfiles.snapshot() : List.of();
            Tally settled = w.stop(SETTLE_NANOS);
            return new Outcome(samples, latencies, settled, locks);
        } finally {
            if (c.profiled()) LockProfiles.stop();
        }
    }

    /**
     * Waits until this process has used {@code minNanos} of CPU time (at least as much wall time) and the
     * JIT has been quiet for two slices, or until {@code maxNanos} of wall time have passed. Counting CPU
     * time, not wall time, matters on a shared machine: a JVM that gets a quarter of a core needs four
     * times as long to compile the stack before its figures mean anything. Returns the time waited.
     */
    long warmUp(long minNanos, long maxNanos) throws InterruptedException {
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

    private RunSample measure(ReceiveWorkload w, long runNanos) throws InterruptedException {
        Tally t0 = w.tally();
        long cpu0 = os.getProcessCpuTime();
        long wall0 = System.nanoTime();
        sleepNanos(runNanos);
        Tally t1 = w.tally();
        long wall1 = System.nanoTime();
        long cpu1 = os.getProcessCpuTime();
        return new RunSample(t1.minus(t0), wall1 - wall0, cpu1 - cpu0);
    }

    private static void sleepNanos(long nanos) throws InterruptedException {
        if (nanos > 0) Thread.sleep(nanos / 1_000_000, (int) (nanos % 1_000_000));
    }
}
