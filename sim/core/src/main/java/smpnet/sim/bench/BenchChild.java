package smpnet.sim.bench;

import java.io.PrintStream;

/**
 * The main class of a child JVM that measures one case and reports it on standard output in
 * {@link ChildProtocol} lines. Arguments: subject cpus payload profiled warmupNanos maxWarmupNanos runs
 * runNanos.
 */
public final class BenchChild {
    private BenchChild() {}

    public static void main(String[] args) {
        PrintStream out = System.out;
        try {
            BenchCase c = new BenchCase(Subject.valueOf(args[0]), Integer.parseInt(args[1]),
                    Integer.parseInt(args[2]), Boolean.parseBoolean(args[3]));
            long warmup = Long.parseLong(args[4]);
            long maxWarmup = Long.parseLong(args[5]);
            int runs = Integer.parseInt(args[6]);
            long runNanos = Long.parseLong(args[7]);
            CaseRunner.Outcome o = new CaseRunner().run(c, Workloads.create(c), warmup, maxWarmup, runs, runNanos, line -> {
                out.println(line);
                out.flush();
            });
            for (LockContention l : o.locks()) out.println(ChildProtocol.lock(l));
            out.println(ChildProtocol.end(o.settled()));
            out.flush();
            System.exit(0);
        } catch (Exception | Error e) {
            System.err.println("benchmark child failed: " + e);
            e.printStackTrace(System.err);
            System.exit(1);
        }
    }

    /** The command-line arguments that make a child run {@code c}. */
    static String[] args(BenchCase c, long warmupNanos, long maxWarmupNanos, int runs, long runNanos) {
        return new String[] {c.subject().name(), Integer.toString(c.cpus()), Integer.toString(c.payload()),
                Boolean.toString(c.profiled()), Long.toString(warmupNanos), Long.toString(maxWarmupNanos),
                Integer.toString(runs), Long.toString(runNanos)};
    }
}
