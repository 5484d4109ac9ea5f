package smpnet.sim.cli;

import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import smpnet.sim.scenario.ScenarioError;
import smpnet.sim.scenario.ScenarioParser;
import smpnet.sim.scenario.ScenarioResult;
import smpnet.sim.scenario.ScenarioRunner;
import smpnet.sim.scenario.ScenarioSpec;
import smpnet.sim.trace.ChromeTrace;
import smpnet.witness.Witness;

/** {@code scenario FILE}: runs a scenario file (hosts, links, workloads; see sim/scenarios/). */
@Command(name = "scenario", sortOptions = false,
        description = {"Runs a scenario file: its hosts, links and workloads, deterministically from a seed or on "
                + "free-running threads, once or once per compared variant; prints what each workload did, the "
                + "hosts' and links' counters, and the comparison."})
public final class ScenarioCommand extends Subcommand {
    @Parameters(paramLabel = "FILE", description = {"the scenario file (YAML), e.g. sim/scenarios/giant-vs-fine.yaml"})
    Path file;

    @Option(names = "--seed", paramLabel = "N", description = {"the run's seed instead of the file's"})
    Long seed;

    @Mixin
    TraceOptions trace;

    @Override
    public Integer call() throws Exception {
        ScenarioSpec spec;
        try {
            spec = ScenarioParser.read(file);
        } catch (ScenarioError e) {
            top.err().println(e.getMessage());
            return SmpnetCommand.USAGE;
        }
        if (seed != null) spec = spec.withSeed(seed);
        // A deterministic run checks lock order as a seeded run does (a reversal fails it); a free-running
        // one measures, and runs without witness.
        if (spec.run().deterministic()) Witness.enable();
        ChromeTrace t = trace.newTrace();
        ScenarioResult r = ScenarioRunner.run(spec, t);
        out().print(r.format());
        trace.write(t, spec.name(), out());
        return 0;
    }
}
