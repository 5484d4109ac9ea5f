package smpnet.sim.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import smpnet.sim.scenario.ScenarioRunner;
import smpnet.sim.scenario.ScenarioSpec;
import smpnet.witness.Witness;

/** {@code witness FILE}: the lock order witness learned while a scenario ran, as text or Graphviz DOT. */
@Command(name = "witness",
        description = {"Runs a scenario file with witness on and prints the lock order it learned: each lock class "
                + "and the classes taken while holding it (as 'show witness'), or with --dot a Graphviz graph "
                + "(dot -Tsvg draws it)."})
public final class WitnessCommand extends ScenarioFileCommand {
    @Option(names = "--dot", description = {"print the order as a Graphviz DOT graph"})
    boolean dot;

    @Option(names = "--out", paramLabel = "FILE", description = {"write it to FILE instead of printing it"})
    Path outFile;

    @Override
    public Integer call() throws Exception {
        ScenarioSpec s = scenario();
        if (s == null) return SmpnetCommand.USAGE;
        Witness w = Witness.enable();
        ScenarioRunner.run(s, null, out()::println);
        String order = dot ? w.showWitnessDot() : w.showWitness();
        if (outFile == null) {
            out().print(order);
        } else {
            Files.writeString(outFile, order);
            out().printf("wrote %s (%d orders)%n", outFile, w.orderCount());
        }
        return w.reportCount() == 0 ? 0 : SmpnetCommand.FAILED;
    }
}
