package smpnet.sim.bench.results;

import java.util.Arrays;
import java.util.List;
import org.HdrHistogram.Histogram;
import smpnet.sim.bench.plan.BenchCase;
import smpnet.sim.bench.plan.Subject;

/** Made-up measurements with round figures, for the tests of results, runs and reports. */
public final class Samples {
    public static final long SECOND = 1_000_000_000L;

    private Samples() {}

    /** Two latencies, 1.0 and 1.5 microseconds (exact in a 3-digit histogram below 2048 ns). */
    public static Histogram latency() {
        Histogram h = new Histogram(3);
        h.recordValue(1000);
        h.recordValue(1500);
        return h;
    }

    /** A run of one second that received {@code received} and dropped {@code dropped}. */
    public static RunSample sample(long received, long dropped, long cpuNanos) {
        return new RunSample(new Tally(received + dropped, received, dropped), SECOND, cpuNanos);
    }

    /** Runs of one second each receiving {@code received[i]}, with {@code cpuNanos} of CPU each. */
    public static List<RunSample> runs(long cpuNanos, long... received) {
        return Arrays.stream(received).mapToObj(n -> sample(n, 0, cpuNanos)).toList();
    }

    /** A 64-byte case's result over {@code runs}, settled at their sum, pinned as the launcher would. */
    public static CaseResult result(Subject s, int cpus, boolean profiled, List<RunSample> runs,
                                    List<LockContention> locks) {
        Tally settled = runs.stream().map(RunSample::tally).reduce(Tally.ZERO,
                (a, b) -> new Tally(a.generated() + b.generated(), a.received() + b.received(), a.dropped() + b.dropped()));
        return new CaseResult(new BenchCase(s, cpus, 64, profiled), cpus == 1 ? "taskset -c 0" : "taskset -c 0-1",
                1_500_000_000L,
                runs, latency(), settled, locks);
    }
}
