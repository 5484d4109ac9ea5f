package smpnet.sim.bench.results;

import java.util.List;
import org.HdrHistogram.Histogram;
import smpnet.sim.bench.plan.BenchCase;

/**
 * Everything measured for one case: its measured runs (in the order they ran), their merged latency
 * histogram (nanoseconds), how its child JVM was pinned, how long its warm-up took and whether it settled
 * (the JIT quiet and the rate no longer rising, rather than ended by its maximum: {@code workloads.CaseRunner}),
 * the child's final packet accounting, (for profiled cases) its most contended lock classes, and the CPU the
 * child used while paused for other children's windows, in cores (its paused CPU time over its paused wall time).
 */
public record CaseResult(BenchCase benchCase, String pinning, long warmupNanos, boolean warmupSettled,
                         List<RunSample> runs, Histogram latency, Tally settled, List<LockContention> locks,
                         double pausedCpuUse) {

    public CaseResult {
        if (runs.isEmpty()) throw new IllegalArgumentException("a case needs at least one measured run");
        runs = List.copyOf(runs);
        locks = List.copyOf(locks);
    }

    /** A result whose child was never paused between windows, after a warm-up that settled. */
    public CaseResult(BenchCase benchCase, String pinning, long warmupNanos, List<RunSample> runs, Histogram latency,
                      Tally settled, List<LockContention> locks) {
        this(benchCase, pinning, warmupNanos, true, runs, latency, settled, locks, 0);
    }

    /** Packets per second: min, median and max over the measured runs. */
    public Spread packetsPerSecond() {
        return Spread.of(runs.stream().mapToDouble(RunSample::packetsPerSecond).toArray());
    }

    /** Cores kept busy by the child, median over the measured runs. */
    public double cpuUse() {
        return Spread.of(runs.stream().mapToDouble(RunSample::cpuUse).toArray()).median();
    }

    /** Packets received per CPU-second of the child, median over the measured runs. */
    public double packetsPerCpuSecond() {
        return Spread.of(runs.stream().mapToDouble(RunSample::packetsPerCpuSecond).toArray()).median();
    }

    /** Packets dropped during the measured runs. */
    public long drops() {
        return runs.stream().mapToLong(r -> r.tally().dropped()).sum();
    }

    /** Packets received during the measured runs. */
    public long received() {
        return runs.stream().mapToLong(r -> r.tally().received()).sum();
    }

    /** Latency percentile {@code p} (0..100) in microseconds; 0 when nothing was recorded. */
    public double latencyMicros(double p) {
        return latency.getTotalCount() == 0 ? 0 : latency.getValueAtPercentile(p) / 1000.0;
    }

    /** Windows measured again (and dropped) because the JIT compiled in them, over all the measured runs. */
    public int measuredAgain() {
        return runs.stream().mapToInt(RunSample::measuredAgain).sum();
    }

    /** Measured runs kept with the JIT still compiling in them ({@link RunSample#jitBusy()}). */
    public int jitBusyRuns() {
        return (int) runs.stream().filter(RunSample::jitBusy).count();
    }

    /** Whether the final accounting balanced: every generated packet received or counted as a drop. */
    public boolean balanced() {
        return settled.inFlight() == 0;
    }
}
