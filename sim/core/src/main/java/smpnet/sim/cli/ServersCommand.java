package smpnet.sim.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import smpnet.sim.report.Html;
import smpnet.sim.servers.ServerComparison;
import smpnet.sim.servers.ServerModel;
import smpnet.sim.servers.ServerPlan;
import smpnet.stack.mbuf.MbufAllocator;

/** {@code servers}: the server models compared on one request/response workload over smpnet's TCP. */
@Command(name = "servers", sortOptions = false,
        description = {"Compares server models on one request/response workload over smpnet TCP hosts in this JVM: a "
                + "thread per connection, a fixed pool fed by a poller, one event loop on an event queue, and a virtual "
                + "thread per connection; each at every connection count, measured for throughput, latency percentiles, "
                + "the server's parks and the process's context switches per request. Prints a table, where each model "
                + "stopped and why, and the winners; --out writes CSV, JSON and an HTML report with charts."})
public final class ServersCommand extends Subcommand implements HelpFooter {
    @Option(names = "--long", description = {"the long setting: up to 100,000 connections (minutes)"})
    boolean full;

    @Option(names = "--models", split = ",", paramLabel = "LIST", description = {"models, comma-separated: "
            + "thread-per-connection, fixed-pool, event-loop, virtual-threads"})
    List<String> models;

    @Option(names = "--connections", split = ",", paramLabel = "LIST", description = {"connection counts, comma-separated"})
    List<Integer> connections;

    @Option(names = "--requests", paramLabel = "N", description = {"requests per connection"})
    Integer requests;

    @Option(names = "--payload", paramLabel = "BYTES", description = {"bytes per request and reply, 4..1400"})
    Integer payload;

    @Option(names = "--pool", paramLabel = "N", description = {"threads of the fixed pool"})
    Integer pool;

    @Option(names = "--max-threads", paramLabel = "N", description = {"most platform threads a thread-per-connection server "
            + "may start (the machine's limit on a user's threads is shared with every other process)"})
    Integer maxThreads;

    @Option(names = "--client-loops", paramLabel = "N", description = {"client event loops (threads)"})
    Integer clientLoops;

    @Option(names = "--in-flight", paramLabel = "N", description = {"most requests in flight at once over all connections "
            + "(each connection sends one at a time, in turn)"})
    Integer inFlight;

    @Option(names = "--loop-warmup", paramLabel = "N", description = {"requests the event loop echoes in a case after every "
            + "connection served 2 and a full GC, before it measures its cost per event, at most: it measures as soon as its "
            + "cost per event has settled"})
    Integer loopWarmup;

    @Option(names = "--loop-requests", paramLabel = "N", description = {"requests the event loop measures its cost per event over, "
            + "the same in every case (its connections get the requests these need)"})
    Integer loopRequests;

    @Option(names = "--loop-parts", paramLabel = "N", description = {"parts the event loop's window is cut in (its verdict's "
            + "interval comes from their order statistics)"})
    Integer loopParts;

    @Option(names = "--active", paramLabel = "N", description = {"requests on the first N connections of each case only, "
            + "the others open and idle (a control: the cost of the count apart from the state the requests touch)"})
    Integer active;

    @Option(names = "--no-pin", description = {"leave the event loop's threads unbound: by default its loop thread runs "
            + "alone on one CPU and the case's other threads (hosts, clients) on the others (Linux, 2 CPUs or more)"})
    boolean noPin;

    @Option(names = "--out", paramLabel = "DIR", description = {"write DIR/servers.csv, servers.json and servers.html"})
    Path outDir;

    @Override
    public Integer call() throws Exception {
        ServerPlan d = full ? ServerPlan.full() : ServerPlan.quick();
        List<ServerModel> m;
        try {
            m = models == null ? d.models() : models.stream().map(ServerModel::of).toList();
        } catch (IllegalArgumentException e) {
            throw Checks.usage(spec, e.getMessage());
        }
        List<Integer> c = connections == null ? d.connections() : Checks.distinct(spec, "--connections", connections, 1, 200_000);
        ServerPlan plan = new ServerPlan(m, c,
                requests == null ? d.requests() : Checks.between(spec, "--requests", requests, 1, 1_000_000),
                payload == null ? d.payload() : Checks.between(spec, "--payload", payload, 4, 1400),
                pool == null ? d.poolThreads() : Checks.between(spec, "--pool", pool, 1, 4096),
                maxThreads == null ? d.maxThreads() : Checks.between(spec, "--max-threads", maxThreads, 1, 1_000_000),
                clientLoops == null ? d.clientLoops() : Checks.between(spec, "--client-loops", clientLoops, 1, 64),
                inFlight == null ? d.inFlight() : Checks.between(spec, "--in-flight", inFlight, 64, 1_000_000),
                loopWarmup == null ? d.loopWarmup() : Checks.between(spec, "--loop-warmup", loopWarmup, 0, 10_000_000),
                loopRequests == null ? d.loopRequests() : Checks.between(spec, "--loop-requests", loopRequests, 1, 10_000_000),
                active == null ? 0 : Checks.between(spec, "--active", active, 1, 200_000),
                loopParts == null ? d.loopParts() : Checks.between(spec, "--loop-parts", loopParts, 1, 1_000), !noPin);
        ServerComparison r = untracked(() -> ServerComparison.run(plan, out()::println));
        out().print(r.format());
        if (outDir != null) {
            Files.createDirectories(outDir);
            Html page = new Html("smpnet: server models");
            r.addTo(page);
            for (String[] f : new String[][] {{"servers.csv", r.csv()}, {"servers.json", r.json()}, {"servers.html", page.page()}}) {
                Path p = outDir.resolve(f[0]);
                Files.writeString(p, f[1]);
                out().println("wrote " + p);
            }
        }
        // A thread per connection may stop where the machine refuses threads: that is a finding, not a failure.
        return r.results().stream().anyMatch(x -> x.model() != ServerModel.THREAD_PER_CONNECTION && x.stopped() != null
                && !x.stopped().startsWith("not run")) ? SmpnetCommand.FAILED : 0;
    }

    /**
     * Runs {@code servers} with the mbuf allocators' site tracking off for the hosts it creates, unless the
     * JVM was told otherwise ({@code -Dsmpnet.mbuf.track=on}): tracking walks the stack on every allocation
     * and free, which costs more than the protocol work of a small request, so a comparison of server models
     * would measure it instead (every benchmark's child JVM runs without it too). The outstanding counts
     * stay exact without it. The setting is as it was afterwards.
     */
    static ServerComparison untracked(java.util.concurrent.Callable<ServerComparison> servers) throws Exception {
        boolean set = System.getProperty(MbufAllocator.TRACK_PROPERTY) == null;
        if (set) System.setProperty(MbufAllocator.TRACK_PROPERTY, "off");
        try {
            return servers.call();
        } finally {
            if (set) System.clearProperty(MbufAllocator.TRACK_PROPERTY);
        }
    }

    @Override
    public String[] footer() {
        ServerPlan q = ServerPlan.quick(), f = ServerPlan.full();
        return new String[] {"", "Defaults: --connections " + join(q.connections()) + " --requests " + q.requests() + " --payload "
                + q.payload() + " --pool " + q.poolThreads() + " --max-threads " + q.maxThreads() + " --client-loops "
                + q.clientLoops() + " --in-flight " + q.inFlight() + " --loop-warmup " + q.loopWarmup() + " --loop-requests " + q.loopRequests()
                + " --loop-parts " + q.loopParts(),
                "--long: --connections " + join(f.connections()) + " --requests " + f.requests() + " --max-threads " + f.maxThreads()
                        + " --loop-requests " + f.loopRequests() + " --loop-parts " + f.loopParts()};
    }

    private static String join(List<Integer> v) {
        return String.join(",", v.stream().map(String::valueOf).toList());
    }
}
