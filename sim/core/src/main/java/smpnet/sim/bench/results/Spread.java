package smpnet.sim.bench.results;

import java.util.Arrays;

/** The spread of a measurement over several runs: smallest, median and largest value. */
public record Spread(double min, double median, double max) {

    /** The spread of {@code values}; the median of an even count is the mean of the two middle values. */
    public static Spread of(double... values) {
        if (values.length == 0) throw new IllegalArgumentException("no values");
        double[] v = values.clone();
        Arrays.sort(v);
        int n = v.length;
        double median = n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
        return new Spread(v[0], median, v[n - 1]);
    }
}
