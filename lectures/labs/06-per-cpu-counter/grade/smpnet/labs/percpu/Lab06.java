package smpnet.labs.percpu;

import static smpnet.labs.grading.Checks.check;
import static smpnet.labs.grading.Checks.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import smpnet.labs.grading.Checkpoint;
import smpnet.labs.grading.Checks;
import smpnet.labs.grading.Results;
import smpnet.locking.DeterministicScheduler;

/**
 * Lab 6's checkpoints. Correctness is checked under the deterministic scheduler, where two threads share a
 * CPU and every cell access is a scheduling point, so a lost update shows on a fixed seed every time; the
 * per-CPU layout is checked by the bench's probe (who wrote which cell); the measurement part checks that
 * the results file came from the student's current code and that the answers agree with it. No checkpoint
 * looks at how fast anything ran.
 */
final class Lab06 {
    private static final int SEEDS = 20;

    private Lab06() {}

    @Checkpoint(order = 1, id = "exact-totals", points = 3,
            title = "20 seeds, 4 threads on 2 CPUs, then 4 free threads: the sum is exactly what was added")
    static void exactTotals() throws Exception {
        for (long seed = 1; seed <= SEEDS; seed++) {
            HotCounter c = new HotCounter();
            DeterministicScheduler sched = scheduler(seed);
            for (int t = 0; t < 4; t++) {
                sched.spawn("adder-" + t, t / 2, () -> {
                    for (int d = 1; d <= 30; d++) {
                        c.add(d);
                    }
                });
            }
            runProbed(sched, "exact-totals");
            long sum = c.sum();
            check(sum == 4 * 465, "seed " + seed + ": four threads, two on CPU 0 and two on CPU 1, each added 1 + 2 + ..."
                    + " + 30 = 465; sum() is " + sum + ", not " + 4 * 465 + ". Two threads on one CPU share its cell:"
                    + " when one reads the cell, is preempted, and writes back, the other's adds in between are lost."
                    + " An add must be one indivisible step.");
        }
        HotCounter c = new HotCounter();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            threads.add(Thread.ofPlatform().start(() -> {
                for (int i = 0; i < 50_000; i++) {
                    c.add(1);
                }
            }));
        }
        for (Thread t : threads) {
            t.join();
        }
        check(c.sum() == 200_000, "four free threads added 1 50,000 times each; sum() is " + c.sum() + ", not 200,000");
    }

    @Checkpoint(order = 2, id = "reads-consistent", points = 2,
            title = "10 seeds: a reader's sums while 3 threads add never decrease nor overshoot, and end exact")
    static void readsConsistent() {
        for (long seed = 1; seed <= 10; seed++) {
            HotCounter c = new HotCounter();
            DeterministicScheduler sched = scheduler(seed);
            for (int t = 0; t < 3; t++) {
                sched.spawn("adder-" + t, t % 2, () -> {
                    for (int i = 0; i < 20; i++) {
                        c.add(1);
                    }
                });
            }
            List<Long> seen = new ArrayList<>();
            sched.spawn("reader", 2, () -> {
                for (int i = 0; i < 30; i++) {
                    seen.add(c.sum());
                }
            });
            runProbed(sched, "reads-consistent");
            for (int i = 0; i < seen.size(); i++) {
                check(seen.get(i) <= 60 && (i == 0 || seen.get(i) >= seen.get(i - 1)), "seed " + seed + ": while 60"
                        + " adds of 1 ran, the reader's sums were " + seen + ": a sum ran backwards or passed 60. A"
                        + " reader may see some adds and not others, but never un-see one.");
            }
            check(c.sum() == 60, "seed " + seed + ": after 60 adds of 1 (a reader summing meanwhile), sum() is "
                    + c.sum() + ": adds were lost. Either an add is not one indivisible step, or sum() writes what the"
                    + " adders write (a read, then a reset: an add that lands in between is wiped out).");
        }
    }

    @Checkpoint(order = 3, id = "per-cpu-cells", points = 3,
            title = "probe: 4 CPUs x 50 adds each write only their own CPU's cell")
    static void perCpuCells() {
        long[] r = CounterExperiment.probeRun(HotCounter::new, 3, CounterExperiment.PROBE_CPUS, CounterExperiment.PROBE_ADDS);
        long adds = (long) CounterExperiment.PROBE_CPUS * CounterExperiment.PROBE_ADDS;
        check(r[0] == adds, "the probe's 4 x 50 adds summed to " + r[0]);
        check(r[1] >= adds, "4 CPUs added 50 times each and your counter wrote " + r[1] + " per-CPU cell(s): the count"
                + " lives somewhere else, a word every CPU writes, whose cache line moves to each adding CPU in"
                + " turn (that is the shared baseline, correct and slow). Keep the count in CpuCells, one cell per"
                + " CPU.");
        check(r[2] == 0, "of your counter's " + r[1] + " cell writes, " + r[2] + " went to another CPU's cell: each"
                + " of those moves a cache line between CPUs. A CPU adds to its own cell (CpuCells.currentCpu()).");
    }

    @Checkpoint(order = 4, id = "experiment-ran", points = 2,
            title = "results.properties was written by ./smpnet experiment 06 on your current code")
    static void experimentRan() throws Exception {
        Map<String, String> r = results();
        check(Results.unedited(r), CounterExperiment.RESULTS + "'s checksum does not match"
                + " its numbers: the file was edited. Run ./smpnet experiment 06 again and answer from what it writes.");
        check(Results.fingerprint(HotCounter.class).equals(r.get("counter_class")), CounterExperiment.RESULTS + " was"
                + " written by another version of HotCounter than the one graded now. Run ./smpnet experiment 06"
                + " again on your final code, and answer from the new file.");
        Map<String, String> again = CounterExperiment.probe();
        for (Map.Entry<String, String> e : again.entrySet()) {
            check(e.getValue().equals(r.get(e.getKey())), CounterExperiment.RESULTS + " says " + e.getKey() + " = "
                    + r.get(e.getKey()) + ", the grader's run of the same probe says " + e.getValue());
        }
    }

    @Checkpoint(order = 5, id = "answers-match", points = 3,
            title = "answers.properties reports the numbers of your results.properties, and which counter was faster")
    static void answersMatch() throws Exception {
        Map<String, String> r = results();
        Map<String, String> a = answers();
        for (String key : List.of("cpus", "transfers_shared", "transfers_percpu")) {
            check(r.get(key).equals(a.get(key)), "answers.properties: " + key + " is \"" + a.get(key) + "\"; your "
                    + CounterExperiment.RESULTS + " says " + r.get(key));
        }
        for (String key : List.of("ratio_shared_over_percpu", "ratio_percpu_over_ceiling")) {
            double want = Double.parseDouble(r.get(key));
            Double got = Results.number(a, key);
            check(got != null && Math.abs(got - want) <= 0.011, "answers.properties: " + key + " is \"" + a.get(key)
                    + "\"; your " + CounterExperiment.RESULTS + " says " + r.get(key) + " (two decimals)");
        }
        String faster = Double.parseDouble(r.get("ns_percpu")) < Double.parseDouble(r.get("ns_shared")) ? "percpu" : "shared";
        check(faster.equals(a.get("faster")), "answers.properties: faster is \"" + a.get("faster") + "\"; in your run"
                + " ns_percpu = " + r.get("ns_percpu") + " and ns_shared = " + r.get("ns_shared") + ": the faster was "
                + faster + ". Answer what your machine measured, even if it surprises you (then say why in your notes).");
    }

    @Checkpoint(order = 6, id = "concepts", points = 2,
            title = "answers.properties: how a CPU updates its cell, and whether a sum is a snapshot")
    static void concepts() throws Exception {
        Map<String, String> a = answers();
        check("atomic-add".equals(a.get("same_cpu_update")), "same_cpu_update is \"" + a.get("same_cpu_update")
                + "\": of get-then-set, atomic-add and counter-lock, which keeps every add when two threads share a"
                + " CPU's cell, and keeps the cell's line on its CPU?");
        check("no".equals(a.get("sum_is_snapshot")), "sum_is_snapshot is \"" + a.get("sum_is_snapshot") + "\": does"
                + " sum() read every cell at one instant while adds run (yes or no)?");
    }

    private static DeterministicScheduler scheduler(long seed) {
        return new DeterministicScheduler(DeterministicScheduler.Options.seed(seed).withPreemptOneIn(2)
                .withStuckMillis(5_000));
    }

    private static void runProbed(DeterministicScheduler sched, String what) {
        CpuCells.Probe.start();
        try {
            sched.run();
        } catch (DeterministicScheduler.RunFailure f) {
            fail(what + ": the seeded run failed:\n" + f.getMessage());
        } finally {
            CpuCells.Probe.stop();
        }
    }

    private static Map<String, String> results() throws Exception {
        Path p = Checks.studentFile(CounterExperiment.RESULTS);
        check(Files.exists(p), "no " + CounterExperiment.RESULTS + " beside your code: run ./smpnet experiment 06 (it"
                + " writes the file), then fill in answers.properties from it");
        return Results.read(p);
    }

    private static Map<String, String> answers() throws Exception {
        Path p = Checks.studentFile(CounterExperiment.ANSWERS);
        check(Files.exists(p), "no " + CounterExperiment.ANSWERS + " beside your code");
        return Results.read(p);
    }
}
