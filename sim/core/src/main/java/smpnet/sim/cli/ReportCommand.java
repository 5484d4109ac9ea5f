package smpnet.sim.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import smpnet.sim.report.Html;
import smpnet.sim.report.ScenarioReport;
import smpnet.sim.scenario.ScenarioError;
import smpnet.sim.scenario.ScenarioParser;
import smpnet.sim.scenario.ScenarioResult;
import smpnet.sim.scenario.ScenarioRunner;
import smpnet.sim.scenario.ScenarioSpec;
import smpnet.sim.servers.ServerComparison;
import smpnet.sim.servers.ServerModel;
import smpnet.sim.servers.ServerPlan;

/** {@code report}: a comparison scenario and the server models, into one self-contained HTML page. */
@Command(name = "report", sortOptions = false,
        description = {"Runs a comparison scenario (speed-up per CPU count per locking mode) and the server models "
                + "(throughput, latency percentiles and CDF, parks and context switches per connection count), printing "
                + "progress, and writes DIR/report.html (one page, charts drawn inline, nothing fetched), "
                + "DIR/SCENARIO.csv|json and DIR/servers.csv|json."})
public final class ReportCommand extends Subcommand {
    @Option(names = "--scenario", paramLabel = "FILE", description = {"the comparison scenario; default: sim/scenarios/giant-vs-fine.yaml"})
    Path scenario = Path.of("sim/scenarios/giant-vs-fine.yaml");

    @Option(names = "--connections", split = ",", paramLabel = "LIST", description = {"server models' connection counts; "
            + "default: the servers command's"})
    List<Integer> connections;

    @Option(names = "--requests", paramLabel = "N", description = {"requests per connection; default: the servers command's"})
    Integer requests;

    @Option(names = "--loop-requests", paramLabel = "N", description = {"requests the event loop measures its cost over; default: "
            + "the servers command's (its warm-up in a case: a fifth as many more, at most the servers command's)"})
    Integer loopRequests;

    @Option(names = "--models", split = ",", paramLabel = "LIST", description = {"server models; default: all"})
    List<String> models;

    @Option(names = "--out", paramLabel = "DIR", description = {"where the files go; default: report"})
    Path outDir = Path.of("report");

    @Override
    public Integer call() throws Exception {
        ServerPlan d = ServerPlan.quick();
        List<ServerModel> m;
        try {
            m = models == null ? d.models() : models.stream().map(ServerModel::of).toList();
        } catch (IllegalArgumentException e) {
            throw Checks.usage(spec, e.getMessage());
        }
        ServerPlan plan = new ServerPlan(m, connections == null ? d.connections() : Checks.distinct(spec, "--connections", connections, 1, 200_000),
                requests == null ? d.requests() : Checks.between(spec, "--requests", requests, 1, 1_000_000), d.payload(),
                d.poolThreads(), d.maxThreads(), d.clientLoops(), d.inFlight(), loopRequests == null ? d.loopWarmup()
                        : Math.min(d.loopWarmup(), loopRequests / 5), loopRequests == null ? d.loopRequests()
                        : Checks.between(spec, "--loop-requests", loopRequests, 1, 10_000_000)).withPin(d.pin());
        ScenarioSpec s;
        try {
            s = ScenarioParser.read(scenario);
        } catch (ScenarioError e) {
            top.err().println(e.getMessage());
            return SmpnetCommand.USAGE;
        }
        Files.createDirectories(outDir);
        out().println("== scenario " + s.name());
        ScenarioResult r = ScenarioRunner.run(s, null, out()::println);
        out().println("== server models");
        ServerComparison servers = ServersCommand.untracked(() -> ServerComparison.run(plan, out()::println));
        Html page = new Html("smpnet report");
        ScenarioReport.addTo(page, r);
        servers.addTo(page);
        String[][] files = {{s.name() + ".csv", r.csv()}, {s.name() + ".json", r.json()}, {"servers.csv", servers.csv()},
                {"servers.json", servers.json()}, {"report.html", page.page()}};
        for (String[] f : files) {
            Path p = outDir.resolve(f[0]);
            Files.writeString(p, f[1]);
            out().println("wrote " + p);
        }
        out().printf("%d charts in %s%n", page.charts(), outDir.resolve("report.html"));
        return 0;
    }
}
