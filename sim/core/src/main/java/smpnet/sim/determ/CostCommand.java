package smpnet.sim.determ;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import smpnet.locking.DeterministicScheduler;
import smpnet.stack.locks.LockMode;

/**
 * {@code ./smpnet run seeded-cost}: what deterministic mode costs against free-running threads, on the two
 * named scenarios (packet-bound {@code udp-blast}, timer-bound {@code udp-rpc}). Both sides run in this JVM,
 * alternating, after one warm-up run of each; the ratio is deterministic median time over free median time.
 * A timer-bound scenario may come out below 1: virtual time skips the waits that free threads sit through.
 */
public final class CostCommand {
    /** The two scenarios the cost goal names. */
    static final List<Scenario> SCENARIOS = List.of(Scenario.UDP_BLAST, Scenario.UDP_RPC);

    /** Options: {@code --runs N} (per side, default 5), {@code --mode M} (default fine), {@code --preempt N}. */
    public record Options(int runs, LockMode mode, int preemptOneIn) {}

    /** One scenario's figures: median wall-clock seconds per run on each side, and their ratio. */
    public record Cost(Scenario scenario, double freeSeconds, double deterministicSeconds) {
        public double ratio() { return deterministicSeconds / freeSeconds; }
    }

    private CostCommand() {}

    public static int run(Options o, PrintStream out) throws InterruptedException {
        out.printf("deterministic (preempt 1 in %d) vs free-running, mode %s, median of %d runs each (one warm-up each first)%n",
                o.preemptOneIn(), SeededCommand.modeName(o.mode()), o.runs());
        out.printf("%-10s %12s %16s %8s%n", "scenario", "free s/run", "determ. s/run", "ratio");
        for (Scenario s : SCENARIOS) {
            Cost c = measure(s, o.mode(), o.runs(), o.preemptOneIn());
            out.printf("%-10s %12.4f %16.4f %7.2fx%n", s.cliName(), c.freeSeconds(), c.deterministicSeconds(), c.ratio());
        }
        return 0;
    }

    /** Measures {@code scenario} on both sides, {@code runs} times each, alternating. */
    public static Cost measure(Scenario scenario, LockMode mode, int runs, int preemptOneIn) throws InterruptedException {
        free(scenario, mode, 0);
        deterministic(scenario, mode, 0, preemptOneIn);
        double[] f = new double[runs];
        double[] d = new double[runs];
        for (int i = 0; i < runs; i++) {
            f[i] = free(scenario, mode, i + 1);
            d[i] = deterministic(scenario, mode, i + 1, preemptOneIn);
        }
        return new Cost(scenario, median(f), median(d));
    }

    private static double free(Scenario scenario, LockMode mode, long seed) throws InterruptedException {
        FreeRun run = new FreeRun(seed);
        List<String> outcome = new ArrayList<>();
        long t0 = System.nanoTime();
        scenario.start(run, mode, java.util.Collections.synchronizedList(outcome));
        run.run();
        return (System.nanoTime() - t0) / 1e9;
    }

    private static double deterministic(Scenario scenario, LockMode mode, long seed, int preemptOneIn) {
        DeterministicRun run = DeterministicRun.of(DeterministicScheduler.Options.seed(seed).withPreemptOneIn(preemptOneIn));
        long t0 = System.nanoTime();
        scenario.start(run, mode, java.util.Collections.synchronizedList(new ArrayList<>()));
        run.run();
        return (System.nanoTime() - t0) / 1e9;
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }
}
