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
    /** Compilation time (ms) within one slice that still counts as a quiet JIT. */
    static final long QUIET_JIT_MILLIS = 10;

    /**
     * Runs case {@code c} on {@code w}: warm-up of at least {@code warmupNanos}, longer (up to
     * {@code maxWarmupNanos}) while the JIT is still compiling, then {@code runs} measured runs.
     */
    Outcome run(BenchCase c, ReceiveWorkload w, long warmupNanos, long maxWarmupNanos, int runs, long runNanos,
                Consumer<String> progress) throws Exception {
        List<RunSample> samples = new ArrayList<>();
        List<Histogram> latencies = new ArrayList<>();
        if (c.profiled()) LockProfiles.start();
        try (w) {
            w.start();
            long warm = warmUp(warmupNanos, maxWarmupNanos);
            progress.accept(String.format(java.util.Locale.ROOT, "warm-up %.1f s", warm / 1e9));
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
        }
    }

    /**
     * Waits at least {@code minNanos}, then on while the JIT compiles (on one busy core a cold stack needs
     * several seconds of compilation before its figures mean anything), at most {@code maxNanos} in all.
     * Returns the time waited.
     */
    static long warmUp(long minNanos, long maxNanos) throws InterruptedException {
        long start = System.nanoTime();
        sleepNanos(minNanos);
        CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
        if (jit != null && jit.isCompilationTimeMonitoringSupported()) {
            long before = jit.getTotalCompilationTime();
            while (System.nanoTime() - start + WARMUP_SLICE_NANOS <= maxNanos) {
                sleepNanos(WARMUP_SLICE_NANOS);
                long now = jit.getTotalCompilationTime();
                if (now - before <= QUIET_JIT_MILLIS) break;
                before = now;
            }
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
