package smpnet.sim.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;
import smpnet.sim.bench.plan.BenchCase;
import smpnet.sim.bench.plan.BenchOptions;
import smpnet.sim.bench.plan.CaseGroup;
import smpnet.sim.bench.reports.BenchReport;
import smpnet.sim.bench.reports.Charts;
import smpnet.sim.bench.reports.Environment;
import smpnet.sim.bench.reports.ReportTable;
import smpnet.sim.bench.reports.ResultFiles;
import smpnet.sim.bench.results.CaseResult;
import smpnet.sim.bench.results.Ceiling;
import smpnet.sim.bench.runs.BenchChild;
import smpnet.sim.bench.runs.ChildLauncher;
import smpnet.sim.bench.runs.GroupRunner;
import smpnet.sim.bench.workloads.Workloads;
import smpnet.sim.trace.ChromeTrace;

/**
 * One benchmark session: runs every group of cases of the options (each case in its child JVM, a group's
 * children measured in alternation), printing progress, then writes the result files and prints the
 * comparison.
 */
public final class BenchSession {
    private final BenchOptions options;
    private final PrintStream out;
    private final List<String> failures = new ArrayList<>();

    /** The trace of the profiled windows and its bound per window; null when not traced. */
    private Path trace;
    private int traceLimit;

    /** Why Linux's TCP baselines cannot run here, or null; asked once, when the options have them. */
    private final Supplier<String> linuxTcpMissing;

    public BenchSession(BenchOptions options, PrintStream out) {
        this(options, out, Workloads::linuxTcpUnavailableReason);
    }

    /** A session whose Linux TCP baselines run unless {@code linuxTcpMissing} gives a reason. */
    public BenchSession(BenchOptions options, PrintStream out, Supplier<String> linuxTcpMissing) {
        this.options = options;
        this.out = out;
        this.linuxTcpMissing = linuxTcpMissing;
    }

    /**
     * Traces each mode's profiled window (in its child) and joins them into {@code file}, one process per
     * mode, keeping at most {@code limit} events of each.
     */
    public BenchSession traceTo(Path file, int limit) {
        if (!options.profile()) throw new IllegalArgumentException("a trace records the profiling windows: drop --no-profile");
        trace = file;
        traceLimit = limit;
        return this;
    }

    /** Runs the session; returns the report (also written to the output directory). */
    public BenchReport run() throws IOException, InterruptedException {
        List<CaseGroup> groups = new ArrayList<>(options.groups());
        List<String> notes = new ArrayList<>();
        if (groups.stream().anyMatch(g -> g.cases().getFirst().subject().isLinuxTcp())) {
            String why = linuxTcpMissing.get();
            if (why != null) {
                groups.removeIf(g -> g.cases().getFirst().subject().isLinuxTcp());
                notes.add("Linux's side is missing (its TCP over a veth pair between two network namespaces): " + why);
                out.println("smpnet: " + notes.getLast());
            }
        }
        ChildLauncher launcher = new ChildLauncher(options.jvmFlags(), out);
        Path parts = trace == null ? null : Files.createTempDirectory("smpnet-trace");
        if (parts != null) launcher.traceTo(parts, traceLimit);
        int cores = Runtime.getRuntime().availableProcessors();
        out.printf(Locale.ROOT, "smpnet: %d configurations, about %.0f s in all; results go to %s%n",
                options.cases().size(), seconds(groups), options.out());
        List<CaseResult> results = new ArrayList<>();
        List<Ceiling> ceilings = new ArrayList<>();
        for (int i = 0; i < groups.size(); i++) {
            CaseGroup g = groups.get(i);
            out.printf("[%d/%d] %s%n", i + 1, groups.size(), title(g, launcher));
            try {
                GroupRunner.Outcome o = GroupRunner.runForks(launcher, options, cores, out, g);
                results.addAll(o.results());
                if (o.ceiling() != null) ceilings.add(o.ceiling());
                notes.addAll(o.notes());
            } catch (IOException | RuntimeException e) {
                // One broken group must not cost the others' figures: report it and go on.
                failures.add(e.getMessage());
                out.println("    FAILED: " + e.getMessage());
            }
        }
        BenchReport report = new BenchReport(Environment.current(options), results, ceilings, notes);
        out.println();
        out.print(ReportTable.render(report));
        List<Path> files = new ArrayList<>(ResultFiles.write(report, options.out()));
        if (options.chart()) files.addAll(chart(report));
        out.println();
        if (parts != null) files.addAll(joinTraces(parts));
        for (Path f : files) out.println("wrote " + f);
        for (String f : failures) out.println("FAILED: " + f);
        return report;
    }

    /** Joins the children's traces, in the order of the profiled cases, into the trace file; removes the parts. */
    private List<Path> joinTraces(Path parts) throws IOException {
        List<Path> found = new ArrayList<>();
        for (BenchCase c : options.cases()) {
            Path p = BenchChild.traceFile(parts, c);
            if (c.profiled() && Files.exists(p)) found.add(p);
        }
        try {
            if (found.isEmpty()) {
                failures.add("no profiled window ran, so there is no trace");
                return List.of();
            }
            ChromeTrace.merge(found, trace, "smpnet run: profiled windows");
            return List.of(trace);
        } finally {
            try (var s = Files.list(parts)) {
                for (Path p : s.toList()) Files.delete(p);
            }
            Files.delete(parts);
        }
    }

    /** A group's progress title: a case alone as {@code fine 1cpu 64B, taskset -c 0}; a pair names both. */
    static String title(CaseGroup g, ChildLauncher launcher) {
        BenchCase first = g.cases().getFirst();
        if (g.cases().size() == 1 && g.profiled() == null) {
            return first.title() + ", " + launcher.pinning(ChildLauncher.cpuList(first.cpus()));
        }
        StringBuilder sb = new StringBuilder(first.subject().label() + " "
                + (first.path().isTcp() ? first.path().label() + " " : "") + first.payload() + "B"
                + (g.cases().size() > 1 ? ", alternating:" : ":"));
        for (BenchCase c : g.cases()) {
            sb.append(' ').append(c.cpus()).append("cpu (").append(launcher.pinning(ChildLauncher.cpuList(c.cpus())))
                    .append(')');
        }
        if (g.ceiling()) sb.append(", ceiling (two 1cpu children, cores 0 and ").append(GroupRunner.CEILING_CORE)
                .append(')');
        if (g.profiled() != null) sb.append(", then a profiled run (").append(g.profiled().cpus()).append("cpu)");
        return sb.toString();
    }

    /** About how long the groups take: per child a warm-up and a JVM start, per window its settle and run. */
    private double seconds(List<CaseGroup> groups) {
        double settle = Math.min(GroupRunner.RESUME_SETTLE_NANOS / 1e9, options.seconds());
        double total = 0;
        for (CaseGroup g : groups) {
            BenchCase c = g.cases().getFirst();
            int children = g.cases().size() + (g.ceiling() ? 1 : 0);
            int windows = options.runs(c) * children + (g.profiled() != null ? 1 : 0);
            total += children * (options.warmup(c) + 1) + windows * (options.seconds() + settle);
        }
        return total * options.forks();
    }

    /** The groups that failed in {@link #run()}, one message each. */
    public List<String> failures() {
        return List.copyOf(failures);
    }

    /** The chart is a convenience: a JDK without a working AWT must not cost the figures. */
    private List<Path> chart(BenchReport report) {
        try {
            return Charts.write(report, options.out());
        } catch (IOException | RuntimeException | LinkageError e) {
            out.println("no chart drawn: " + e);
            return List.of();
        }
    }
}
