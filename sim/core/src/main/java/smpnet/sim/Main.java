package smpnet.sim;

import java.io.PrintStream;
import java.util.Arrays;
import java.util.List;
import smpnet.sim.bench.BenchSession;
import smpnet.sim.bench.plan.BenchOptions;
import smpnet.sim.cli.UsageException;
import smpnet.sim.determ.CostCommand;
import smpnet.sim.determ.SeededCommand;

/** The smpnet command line: runs the main job (the Giant-vs-fine comparison) and the other experiments. */
public final class Main {
    /** Exit status for a command line that cannot be run. */
    public static final int USAGE = 2;
    /** Exit status for a run that failed. */
    public static final int FAILED = 1;

    private Main() {}

    public static void main(String[] args) {
        System.exit(run(Arrays.asList(args), System.out, System.err));
    }

    /** Runs the command line {@code args}; returns the exit status. */
    public static int run(List<String> args, PrintStream out, PrintStream err) {
        Command cmd;
        try {
            cmd = Command.parse(args);
        } catch (UsageException e) {
            err.println("smpnet: " + e.getMessage());
            err.println("Try './smpnet run --help'.");
            return USAGE;
        }
        if (cmd.help()) {
            out.print(usage());
            return 0;
        }
        try {
            if (cmd.seeded() != null) return SeededCommand.run(cmd.seeded(), out);
            if (cmd.cost() != null) return CostCommand.run(cmd.cost(), out);
            BenchSession session = new BenchSession(cmd.options(), out);
            session.run();
            return session.failures().isEmpty() ? 0 : FAILED;
        } catch (Exception e) {
            err.println("smpnet: the run failed: " + e.getMessage());
            return FAILED;
        }
    }

    /** A parsed command line: the options to run with, or a request for help. */
    record Command(String name, BenchOptions options, boolean help, SeededCommand.Options seeded,
                   CostCommand.Options cost) {
        Command(String name, BenchOptions options, boolean help) { this(name, options, help, null, null); }

        static Command parse(List<String> args) throws UsageException {
            if (args.contains("--help") || args.contains("-h") || (!args.isEmpty() && args.getFirst().equals("help"))) {
                return new Command("help", null, true);
            }
            if (!args.isEmpty() && args.getFirst().equals("bench-udp")) {
                return new Command("bench-udp", BenchOptions.benchUdp().parse(args.subList(1, args.size())), false);
            }
            if (!args.isEmpty() && args.getFirst().equals("seeded")) {
                return new Command("seeded", null, false, SeededCommand.Options.parse(args.subList(1, args.size())), null);
            }
            if (!args.isEmpty() && args.getFirst().equals("seeded-cost")) {
                return new Command("seeded-cost", null, false, null, CostCommand.Options.parse(args.subList(1, args.size())));
            }
            if (!args.isEmpty() && !args.getFirst().startsWith("-")) {
                throw new UsageException("unknown command: " + args.getFirst());
            }
            return new Command("run", BenchOptions.mainJob().parse(args), false);
        }
    }

    static String usage() {
        BenchOptions m = BenchOptions.mainJob();
        BenchOptions b = BenchOptions.benchUdp();
        return """
                Usage: ./smpnet run [bench-udp] [options]
                       ./smpnet run seeded [--scenario S] [--mode M] [--seed N] [--explore N] [--preempt N]
                       ./smpnet run seeded-cost [--runs N] [--mode M] [--preempt N]

                  (no command)  the main job: the UDP receive path (frame into the NIC ring to receive() in
                                the application) in Giant and fine locking mode on 1 and 2 CPUs, beside
                                Linux's UDP over loopback; prints packets/s, latency, speed-ups, drops and
                                the most contended locks, and writes CSV, JSON and a chart.
                                Defaults: %s
                  bench-udp     the full benchmark, same options.
                                Defaults: %s
                """.formatted(defaults(m), defaults(b)) + SeededCommand.help() + """
                  seeded-cost   the cost of deterministic mode: udp-blast and udp-rpc, free-running and
                                deterministic, alternating; prints seconds per run and the ratio.

                Options (main job and bench-udp):
                """ + BenchOptions.optionsHelp();
    }

    private static String defaults(BenchOptions o) {
        return "--forks " + o.forks() + " --runs " + o.runs() + " --seconds " + o.seconds() + " --warmup " + o.warmup()
                + " --payloads "
                + String.join(",", o.payloads().stream().map(String::valueOf).toList()) + " --out " + o.out();
    }
}
