package smpnet.sim.bench.results;

import java.util.Arrays;
import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * Ratios of runs measured in pairs: run i of one case over run i of another, measured next to each other
 * ({@code runs.PairSchedule}). On a machine whose speed drifts, the ratio within each pair is far steadier
 * than the ratio of two medians taken minutes apart, so speed-ups are reported as the median and range of
 * the per-pair ratios.
 */
public final class PairedRatio {
    private PairedRatio() {}

    /**
     * The spread of {@code f(over[i]) / f(under[i])} over the pairs; pairs whose divisor is 0 are left
     * out; null when the lists differ in length or no pair is left.
     */
    public static Spread of(List<RunSample> over, List<RunSample> under, ToDoubleFunction<RunSample> f) {
        return of(over.stream().mapToDouble(f).toArray(), under.stream().mapToDouble(f).toArray());
    }

    /** The spread of {@code over[i] / under[i]}, as {@link #of(List, List, ToDoubleFunction)}. */
    public static Spread of(double[] over, double[] under) {
        if (over.length != under.length) return null;
        double[] r = new double[over.length];
        int n = 0;
        for (int i = 0; i < over.length; i++) {
            if (under[i] != 0) r[n++] = over[i] / under[i];
        }
        return n == 0 ? null : Spread.of(Arrays.copyOf(r, n));
    }
}
