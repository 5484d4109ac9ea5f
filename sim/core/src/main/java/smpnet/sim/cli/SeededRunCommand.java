package smpnet.sim.cli;

import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import smpnet.locking.DeterministicScheduler;
import smpnet.sim.determ.Scenario;
import smpnet.sim.determ.SeededCommand;

/** {@code seeded}: a named scenario run deterministically from a seed, or an exploration of seeds. */
@Command(name = "seeded", sortOptions = false,
        description = {"A scenario run deterministically: one thread at a time, a seeded choice at every scheduling "
                + "point, virtual time. --seed runs one seed; --explore N runs N seeds in a row from --seed and stops "
                + "at the first failure (lock-order reversal, failed assertion, deadlock, leaked mbuf), printing the "
                + "command that replays it."})
public final class SeededRunCommand extends Subcommand implements HelpFooter {
    @Option(names = "--scenario", paramLabel = "S", description = {"the scenario (below); default: hosts"})
    String scenario = Scenario.HOSTS.cliName();

    @Option(names = "--mode", paramLabel = "M", description = {"locking mode: fine, giant or giant-over-fine; default: fine"})
    String mode = "fine";

    @Option(names = "--seed", paramLabel = "N", description = {"the (first) seed; default: 1"})
    long seed = 1;

    @Option(names = "--explore", paramLabel = "N", description = {"run N seeds from --seed, stop at the first failure"})
    Integer explore;

    @Option(names = "--preempt", paramLabel = "N", description = {"preempt the running thread at one scheduling point "
            + "in N (1: a random pick at every point); default: " + DeterministicScheduler.Options.DEFAULT_PREEMPT_ONE_IN})
    int preempt = DeterministicScheduler.Options.DEFAULT_PREEMPT_ONE_IN;

    @Override
    public Integer call() {
        Scenario s = Scenario.named(scenario);
        if (s == null) throw Checks.usage(spec, "unknown scenario: " + scenario + " (one of " + SeededCommand.scenarioNames() + ")");
        SeededCommand.Options o = new SeededCommand.Options(s, SeededCostCommand.mode(spec, mode), seed,
                explore == null ? 0 : Checks.between(spec, "--explore", explore, 1, 1_000_000),
                Checks.between(spec, "--preempt", preempt, 1, 1 << 20));
        return SeededCommand.run(o, out());
    }

    @Override
    public String[] footer() {
        List<String> lines = new ArrayList<>(List.of("", "Scenarios (--scenario):"));
        lines.addAll(SeededCommand.scenarioLines());
        return lines.toArray(String[]::new);
    }
}
