package smpnet.sim.cli;

import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
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
public final class ScenarioCommand extends ScenarioFileCommand {
    @Mixin
    TraceOptions trace;

    @Option(names = "--out", paramLabel = "DIR", description = {"also write the results to DIR/NAME.json, DIR/NAME.csv and "
            + "DIR/NAME.html, a page with the speed-up charts of compared CPU counts (NAME: the scenario's)"})
    Path outDir;

    @Override
    public Integer call() throws Exception {
        ScenarioSpec spec = scenario();
        if (spec == null) return SmpnetCommand.USAGE;
        // A deterministic run checks lock order as a seeded run does (a reversal fails it); a free-running
        // one measures, and runs without witness.
        if (spec.run().deterministic()) Witness.enable();
        ChromeTrace t = trace.newTrace();
        ScenarioResult r = ScenarioRunner.run(spec, t, out()::println);
        out().print(r.format());
        trace.write(t, spec.name(), out());
        if (outDir != null) {
            java.nio.file.Files.createDirectories(outDir);
            smpnet.sim.report.Html page = new smpnet.sim.report.Html("smpnet: " + spec.name());
            smpnet.sim.report.ScenarioReport.addTo(page, r);
            for (String ext : java.util.List.of("json", "csv", "html")) {
                Path f = outDir.resolve(spec.name() + "." + ext);
                java.nio.file.Files.writeString(f, switch (ext) {
                    case "json" -> r.json();
                    case "csv" -> r.csv();
                    default -> page.page();
                });
                out().println("wrote " + f);
            }
        }
        return 0;
    }
}
