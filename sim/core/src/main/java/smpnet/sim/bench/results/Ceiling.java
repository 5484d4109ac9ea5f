package smpnet.sim.bench.results;

import java.util.ArrayList;
import java.util.List;
import org.HdrHistogram.Histogram;

/**
 * The machine's own ceiling for two CPUs, measured in the same session: two fully independent fine-mode
 * 1-CPU stacks, each in its own JVM pinned to its own core (the 1-CPU case's child on core 0, a second
 * child on core 1), measured in the same windows. Nothing is shared between them but the machine, so their
 * summed rate over one stack's rate alone (from the adjacent 1-CPU window) is the most two CPUs can give
 * here: on a shared or virtual machine, often well below 2.
 *
 * @param payload UDP payload size of both stacks
 * @param pinning how the two children were pinned
 * @param warmupNanos the second child's warm-up
 * @param core0 the 1-CPU child's runs in the ceiling windows
 * @param core1 the second child's runs, window by window with {@code core0}
 * @param latency both children's latencies in the ceiling windows, merged
 * @param balanced whether the second child's accounting balanced
 */
public record Ceiling(int payload, String pinning, long warmupNanos, List<RunSample> core0, List<RunSample> core1,
                      Histogram latency, boolean balanced) {

    public Ceiling {
        if (core0.size() != core1.size() || core0.isEmpty()) {
            throw new IllegalArgumentException("a ceiling needs both children's runs, window by window");
        }
        core0 = List.copyOf(core0);
        core1 = List.copyOf(core1);
    }

    /** The two stacks' summed packets/s in each window. */
    public List<Double> summedRates() {
        List<Double> out = new ArrayList<>();
        for (int i = 0; i < core0.size(); i++) out.add(core0.get(i).packetsPerSecond() + core1.get(i).packetsPerSecond());
        return out;
    }

    /** Summed packets/s: min, median, max over the windows. */
    public Spread packetsPerSecond() {
        return Spread.of(summedRates().stream().mapToDouble(Double::doubleValue).toArray());
    }

    /**
     * The ceiling of each window: the summed rate over {@code solo}'s rate in the 1-CPU window of the same
     * round; the spread over the rounds (windows whose solo rate is 0 left out), or null when the rounds do
     * not match or none is left.
     */
    public Spread ratios(List<RunSample> solo) {
        return PairedRatio.of(summedRates().stream().mapToDouble(Double::doubleValue).toArray(),
                solo.stream().mapToDouble(RunSample::packetsPerSecond).toArray());
    }

    /** Cores kept busy by both children together, median over the windows. */
    public double cpuUse() {
        return Spread.of(core0.stream().mapToDouble(RunSample::cpuUse).toArray()).median()
                + Spread.of(core1.stream().mapToDouble(RunSample::cpuUse).toArray()).median();
    }

    /** Packets received per CPU-second of both children, median over the windows. */
    public double packetsPerCpuSecond() {
        double[] v = new double[core0.size()];
        for (int i = 0; i < v.length; i++) {
            long cpu = core0.get(i).cpuNanos() + core1.get(i).cpuNanos();
            v[i] = cpu == 0 ? 0 : (core0.get(i).tally().received() + core1.get(i).tally().received()) * 1e9 / cpu;
        }
        return Spread.of(v).median();
    }

    /** Packets both children received in the ceiling windows. */
    public long received() {
        return core0.stream().mapToLong(r -> r.tally().received()).sum() + core1.stream().mapToLong(r -> r.tally().received()).sum();
    }

    /** Packets both children dropped in the ceiling windows. */
    public long drops() {
        return core0.stream().mapToLong(r -> r.tally().dropped()).sum() + core1.stream().mapToLong(r -> r.tally().dropped()).sum();
    }

    /** Latency percentile {@code p} (0..100) in microseconds; 0 when nothing was recorded. */
    public double latencyMicros(double p) {
        return latency.getTotalCount() == 0 ? 0 : latency.getValueAtPercentile(p) / 1000.0;
    }
}
