package smpnet.sim.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import smpnet.sim.scenario.ScenarioError;
import smpnet.sim.scenario.ScenarioParser;
import smpnet.sim.scenario.ScenarioSpec;

/** A command that runs a scenario FILE (with an optional {@code --seed}) to show something of the run. */
abstract class ScenarioFileCommand extends Subcommand {
    @Parameters(paramLabel = "FILE", description = {"the scenario file (YAML), e.g. sim/scenarios/giant-vs-fine.yaml"})
    Path file;

    @Option(names = "--seed", paramLabel = "N", description = {"the run's seed instead of the file's"})
    Long seed;

    /** The scenario, or null after printing why it cannot be read (the command then exits with USAGE). */
    ScenarioSpec scenario() {
        try {
            ScenarioSpec s = ScenarioParser.read(file);
            return seed == null ? s : s.withSeed(seed);
        } catch (ScenarioError e) {
            top.err().println(e.getMessage());
            return null;
        }
    }
}
