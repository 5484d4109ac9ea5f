package smpnet.sim.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import smpnet.sim.report.Html;
import smpnet.sim.servers.ServerComparison;
import smpnet.sim.servers.ServerForks;
import smpnet.sim.servers.ServerModel;
import smpnet.sim.servers.ServerPlan;
import smpnet.stack.mbuf.MbufAllocator;

/** {@code servers}: the server models compared on one request/response workload over smpnet's TCP. */
@Command(name = "servers", sortOptions = false,
        description = {"Compares server models on one request/response workload over smpnet TCP hosts in this JVM (or, with "
                + "--forks, in several, merged): a "
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

    @Option(names = "--rate", paramLabel = "N", description = {"the clients offer N requests a second over all connections, "
            + "paced (each client loop its share), instead of as many as the requests in flight allow: the same offered load "
            + "at every connection count"})
    Integer rate;

    @Option(names = "--no-pin", description = {"leave the event loop's threads unbound: by default its loop thread runs "
            + "alone on one CPU and the case's other threads (hosts, clients) on the others (Linux, 2 CPUs or more)"})
    boolean noPin;

    @Option(names = "--forks", paramLabel = "N", description = {"run the comparison in N fresh JVMs (the counts ascending, "
            + "then descending, in turn) and merge them: medians over the forks, the event loop's verdict by a bootstrap over "
            + "forks and their parts (one JVM's level moves from one JVM to the next); 1: in this JVM"})
    Integer forks;

    @Option(names = "--out", paramLabel = "DIR", description = {"write DIR/servers.csv, servers.json and servers.html (and "
            + "servers-fork-N.json, each fork's)"})
    Path outDir;

    /** A fork's child: writes the comparison's JSON to this file and prints no report ({@link ServerForks}). */
    @Option(names = "--child-json", hidden = true)
    Path childJson;

    /** A fork's child: runs the connection counts in descending order. */
    @Option(names = "--descending", hidden = true)
    boolean descending;

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
                loopParts == null ? d.loopParts() : Checks.between(spec, "--loop-parts", loopParts, 1, 1_000), !noPin,
                rate == null ? 0 : Checks.between(spec, "--rate", rate,
                        clientLoops == null ? d.clientLoops() : clientLoops, 10_000_000));
        int n = forks == null ? 1 : Checks.between(spec, "--forks", forks, 1, 100);
        if (childJson != null) {
            ServerComparison r = untracked(() -> ServerComparison.run(plan, out()::println, descending));
            Files.writeString(childJson, r.json());
            return 0;
        }
        if (n > 1) return coordinate(plan, n);
        ServerComparison r = untracked(() -> ServerComparison.run(plan, out()::println, descending));
        return report(r, List.of());
    }

    /**
     * Prints {@code r} and writes its files (and {@code forkFiles}' names, written already); the exit status: a
     * failure where a model other than a thread per connection stopped.
     */
    private int report(ServerComparison r, List<Path> forkFiles) throws java.io.IOException {
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
            for (Path p : forkFiles) out().println("wrote " + p);
        }
        // A thread per connection may stop where the machine refuses threads: that is a finding, not a failure.
        return r.results().stream().anyMatch(x -> x.model() != ServerModel.THREAD_PER_CONNECTION && x.stopped() != null
                && !x.stopped().startsWith("not run")) ? SmpnetCommand.FAILED : 0;
    }

    /**
     * Runs {@code plan} in {@code n} forks, each a child JVM like this one ({@link ServerForks#command}) given every
     * option but --forks and --out, and reports them merged ({@link ServerForks#merge}). A fork that fails ends the
     * run: it is reported, and the status is a failure; so is an mbuf a fork's hosts left outstanding.
     */
    private int coordinate(ServerPlan plan, int n) throws Exception {
        Path dir = outDir != null ? Files.createDirectories(outDir) : Files.createTempDirectory("smpnet-servers-forks");
        List<ServerForks.Fork> done = new ArrayList<>();
        List<Path> files = new ArrayList<>();
        out().println("Server models over " + n + " forks, each a fresh JVM: " + String.join(" ", ServerForks.command(List.of("servers")))
                + " " + String.join(" ", childArgs(plan)));
        try {
            for (int f = 1; f <= n; f++) {
                boolean down = ServerForks.descending(f);
                Path json = dir.resolve("servers-fork-" + f + ".json");
                List<String> args = new ArrayList<>(List.of("servers"));
                args.addAll(childArgs(plan));
                args.addAll(List.of("--child-json", json.toString()));
                if (down) args.add("--descending");
                try {
                    done.add(ServerForks.run(f, n, down, ServerForks.command(args), json, plan, out()::println));
                } catch (java.io.IOException e) {
                    top.err().println("smpnet servers: " + e.getMessage() + "; no report");
                    return SmpnetCommand.FAILED;
                }
                files.add(json);
            }
        } finally {
            if (outDir == null) {
                for (Path p : files) Files.deleteIfExists(p);
                Files.deleteIfExists(dir.resolve("servers-fork-" + (files.size() + 1) + ".json"));
                Files.deleteIfExists(dir);
            }
        }
        ServerComparison r = ServerForks.merge(plan, done);
        int status = report(r, outDir == null ? List.of() : files);
        if (r.mbufsOutstanding() > 0) {
            top.err().println("smpnet servers: the forks' hosts left " + r.mbufsOutstanding() + " mbufs outstanding once closed");
            return SmpnetCommand.FAILED;
        }
        return status;
    }

    /** The options that make a child run {@code plan}: all of them, explicit. */
    static List<String> childArgs(ServerPlan plan) {
        List<String> a = new ArrayList<>(List.of("--models", String.join(",", plan.models().stream().map(ServerModel::label).toList()),
                "--connections", join(plan.connections()), "--requests", String.valueOf(plan.requests()),
                "--payload", String.valueOf(plan.payload()), "--pool", String.valueOf(plan.poolThreads()),
                "--max-threads", String.valueOf(plan.maxThreads()), "--client-loops", String.valueOf(plan.clientLoops()),
                "--in-flight", String.valueOf(plan.inFlight()), "--loop-warmup", String.valueOf(plan.loopWarmup()),
                "--loop-requests", String.valueOf(plan.loopRequests()), "--loop-parts", String.valueOf(plan.loopParts())));
        if (plan.active() > 0) a.addAll(List.of("--active", String.valueOf(plan.active())));
        if (!plan.pin()) a.add("--no-pin");
        if (plan.rate() > 0) a.addAll(List.of("--rate", String.valueOf(plan.rate())));
        return a;
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
