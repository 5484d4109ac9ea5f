package smpnet.labs.percpu;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.function.Supplier;
import smpnet.labs.grading.Checks;
import smpnet.labs.grading.Experiment;
import smpnet.labs.grading.Results;
import smpnet.locking.DeterministicScheduler;
import smpnet.locking.Scheduler;

/**
 * Lab 6's experiment ({@code ./smpnet experiment 06}): your counter against one shared word, twice.
 *
 * <ol>
 *   <li>The probe: four threads on CPUs 0 to 3 add under the deterministic scheduler, seed 7, and the bench
 *       counts the cache-line transfers the adds cause (a write to a line another CPU wrote last). The same
 *       code gives the same numbers on every machine: the grader runs it again and compares.</li>
 *   <li>The timing: one thread per processor of this machine adds as fast as it can, to the shared word, to
 *       your counter, and to a cell of its own that no one else touches (the machine's ceiling: what an add
 *       costs with nothing shared). Five rounds, the median of each. These numbers are this machine's.</li>
 * </ol>
 * Both go to {@code results.properties} beside your code, with a fingerprint of your compiled counter and a
 * checksum, so the grader knows which code made them and that they were not edited.
 */
final class CounterExperiment {
    static final String RESULTS = "results.properties";
    static final String ANSWERS = "answers.properties";
    static final int PROBE_CPUS = 4;
    static final int PROBE_ADDS = 50;
    private static final int ADDS = 2_000_000;
    private static final int ROUNDS = 5;
    private static final VarHandle CELL = MethodHandles.arrayElementVarHandle(long[].class);

    private CounterExperiment() {}

    @Experiment
    static void run() throws Exception {
        Map<String, String> r = new LinkedHashMap<>();
        int threads = Math.min(8, Runtime.getRuntime().availableProcessors());
        r.put("cpus", String.valueOf(threads));
        r.put("adds_per_thread", String.valueOf(ADDS));
        r.putAll(probe());
        double[] ceiling = new double[ROUNDS];
        double[] shared = new double[ROUNDS];
        double[] percpu = new double[ROUNDS];
        for (int round = 0; round < ROUNDS; round++) {     // alternated, so a slow moment hurts all three
            ceiling[round] = timeOwnCells(threads);
            shared[round] = timeCounter(new SharedWord(), threads);
            percpu[round] = timeCounter(new HotCounter(), threads);
        }
        double c = median(ceiling);
        double s = median(shared);
        double p = median(percpu);
        r.put("ns_ceiling", two(c));
        r.put("ns_shared", two(s));
        r.put("ns_percpu", two(p));
        r.put("ratio_shared_over_percpu", two(s / p));
        r.put("ratio_percpu_over_ceiling", two(p / c));
        r.put("counter_class", Results.fingerprint(HotCounter.class));
        Path out = Checks.studentDir().resolve(RESULTS);
        Results.write(out, "./smpnet experiment 06", r);
        System.out.println("lab 06 experiment, " + threads + " thread(s), " + ADDS + " adds each, median of " + ROUNDS
                + " rounds:\n  ns per add: ceiling " + two(c) + ", shared word " + two(s) + ", your counter " + two(p)
                + "\n  probe (4 CPUs x " + PROBE_ADDS + " adds): line transfers shared " + r.get("transfers_shared")
                + ", your counter " + r.get("transfers_percpu") + "\nwritten to " + out);
    }

    /** The probe's numbers: the same on every machine for the same counter code. */
    static Map<String, String> probe() {
        Map<String, String> r = new LinkedHashMap<>();
        long[] shared = probeRun(SharedWord::new);
        long[] mine = probeRun(HotCounter::new);
        r.put("probe_adds", String.valueOf(PROBE_CPUS * PROBE_ADDS));
        r.put("transfers_shared", String.valueOf(shared[3]));
        r.put("transfers_percpu", String.valueOf(mine[3]));
        r.put("cross_cpu_writes_percpu", String.valueOf(mine[2]));
        return r;
    }

    /**
     * Four threads on CPUs 0..3, {@code adds} adds of 1 each, under the deterministic scheduler with
     * {@code seed}; returns {sum, writes, cross-CPU writes, line transfers}.
     */
    static long[] probeRun(Supplier<Counter> make, long seed, int cpus, int adds) {
        Counter counter = make.get();
        DeterministicScheduler sched = new DeterministicScheduler(DeterministicScheduler.Options.seed(seed)
                .withPreemptOneIn(2).withStuckMillis(5_000));
        for (int cpu = 0; cpu < cpus; cpu++) {
            sched.spawn("cpu" + cpu, cpu, () -> {
                for (int i = 0; i < adds; i++) {
                    counter.add(1);
                }
            });
        }
        CpuCells.Probe.start();
        try {
            sched.run();
        } finally {
            CpuCells.Probe.stop();
        }
        return new long[] {counter.sum(), CpuCells.Probe.writes(), CpuCells.Probe.crossCpuWrites(),
                CpuCells.Probe.transfers()};
    }

    private static long[] probeRun(Supplier<Counter> make) { return probeRun(make, 7, PROBE_CPUS, PROBE_ADDS); }

    /** Nanoseconds per add when {@code threads} workers add to {@code counter} at once. */
    private static double timeCounter(Counter counter, int threads) throws InterruptedException {
        return timed(threads, cpu -> {
            for (int i = 0; i < ADDS; i++) {
                counter.add(1);
            }
        });
    }

    /** The ceiling: each worker adds to a cell of its own, on lines no other worker touches. */
    private static double timeOwnCells(int threads) throws InterruptedException {
        long[][] own = new long[threads][32];
        return timed(threads, cpu -> {
            long[] mine = own[cpu];
            for (int i = 0; i < ADDS; i++) {
                CELL.setOpaque(mine, 16, (long) CELL.getOpaque(mine, 16) + 1);
            }
        });
    }

    private interface Body {
        void run(int cpu);
    }

    private static double timed(int threads, Body body) throws InterruptedException {
        CountDownLatch go = new CountDownLatch(1);
        CountDownLatch done = new CountDownLatch(threads);
        for (int cpu = 0; cpu < threads; cpu++) {
            int me = cpu;
            // Workers of the free scheduler: each reports its own CPU id, as the stack's workers do.
            Scheduler.current().startWorker("adder-" + cpu, cpu, () -> {
                try {
                    go.await();
                    body.run(me);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } finally {
                    done.countDown();
                }
            });
        }
        long start = System.nanoTime();
        go.countDown();
        done.await();
        return (System.nanoTime() - start) / (double) ADDS;
    }

    private static double median(double[] xs) {
        double[] s = xs.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }

    static String two(double x) { return Results.twoDecimals(x); }

}
