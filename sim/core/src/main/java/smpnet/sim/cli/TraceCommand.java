package smpnet.sim.cli;

import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import smpnet.sim.scenario.ScenarioRunner;
import smpnet.sim.scenario.ScenarioSpec;
import smpnet.sim.trace.ChromeTrace;

/** {@code trace FILE}: a Chrome trace-event file of a scenario's run. */
@Command(name = "trace",
        description = {"Runs a scenario file and writes its trace in the Chrome trace-event JSON format (Perfetto's "
                + "UI, chrome://tracing or speedscope open it): a track per thread, lock holds and waits, packet hops "
                + "linked per packet, queue depths and mbufs in use."})
public final class TraceCommand extends ScenarioFileCommand {
    @Option(names = "--out", paramLabel = "FILE", description = {"the trace file; default: NAME.trace.json (NAME: the scenario's)"})
    Path outFile;

    @Option(names = "--trace-limit", paramLabel = "N", description = {"events kept per run, the rest counted as dropped; "
            + "default: " + ChromeTrace.DEFAULT_LIMIT})
    int limit = ChromeTrace.DEFAULT_LIMIT;

    @Override
    public Integer call() throws Exception {
        Checks.between(spec, "--trace-limit", limit, 1, 10_000_000);
        ScenarioSpec s = scenario();
        if (s == null) return SmpnetCommand.USAGE;
        ChromeTrace t = new ChromeTrace(limit);
        ScenarioRunner.run(s, t, out()::println);
        Path f = outFile != null ? outFile : Path.of(s.name() + ".trace.json");
        t.write(f, s.name());
        out().printf("trace: %s (%d events%s)%n", f, t.size(), t.dropped() == 0 ? "" : ", " + t.dropped() + " more dropped at the limit");
        return 0;
    }
}
