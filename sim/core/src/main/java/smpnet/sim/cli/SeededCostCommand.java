package smpnet.sim.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import smpnet.locking.DeterministicScheduler;
import smpnet.sim.determ.CostCommand;
import smpnet.sim.determ.SeededCommand;
import smpnet.stack.locks.LockMode;

/** {@code seeded-cost}: what deterministic mode costs against free-running threads. */
@Command(name = "seeded-cost", sortOptions = false,
        description = {"The cost of deterministic mode: udp-blast and udp-rpc, free-running and deterministic, "
                + "alternating; prints seconds per run and the ratio."})
public final class SeededCostCommand extends Subcommand {
    @Option(names = "--runs", paramLabel = "N", description = {"runs per side (after one warm-up run each); default: 5"})
    int runs = 5;

    @Option(names = "--mode", paramLabel = "M", description = {"locking mode: fine, giant or giant-over-fine; default: fine"})
    String mode = "fine";

    @Option(names = "--preempt", paramLabel = "N", description = {"preempt at one scheduling point in N; default: "
            + DeterministicScheduler.Options.DEFAULT_PREEMPT_ONE_IN})
    int preempt = DeterministicScheduler.Options.DEFAULT_PREEMPT_ONE_IN;

    @Override
    public Integer call() throws InterruptedException {
        return CostCommand.run(new CostCommand.Options(Checks.between(spec, "--runs", runs, 1, 1000), mode(spec, mode),
                Checks.between(spec, "--preempt", preempt, 1, 1 << 20)), out());
    }

    /** The locking mode named {@code text}, or a usage error of {@code spec}'s command. */
    static LockMode mode(CommandSpec spec, String text) {
        try {
            return SeededCommand.parseMode(text);
        } catch (UsageException e) {
            throw Checks.usage(spec, e.getMessage());
        }
    }
}
