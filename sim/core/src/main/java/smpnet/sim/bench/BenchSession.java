package smpnet.sim.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * One benchmark session: runs every case of the options in its child JVM, printing progress, then writes
 * the result files and prints the comparison.
 */
public final class BenchSession {
    private final BenchOptions options;
    private final PrintStream out;
    private final List<String> failures = new ArrayList<>();

    public BenchSession(BenchOptions options, PrintStream out) {
        this.options = options;
        this.out = out;
    }

    /** Runs the session; returns the report (also written to the output directory). */
    public BenchReport run() throws IOException, InterruptedException {
        List<BenchCase> cases = options.cases();
        ChildLauncher launcher = new ChildLauncher(out);
        long run = nanos(options.seconds());
        double perCase = options.warmup() + options.runs() * options.seconds() + 1;
        out.printf("smpnet: %d configurations, about %.0f s in all; results go to %s%n", cases.size(),
                cases.size() * perCase, options.out());
        List<CaseResult> results = new ArrayList<>();
        for (int i = 0; i < cases.size(); i++) {
            BenchCase c = cases.get(i);
            out.printf("[%d/%d] %s, %s%n", i + 1, cases.size(), c.title(), launcher.pinning(c.cpus()));
            try {
                results.add(launcher.run(c, nanos(options.warmup(c)), nanos(options.maxWarmup()),
                        options.runs(c), run));
            } catch (IOException | RuntimeException e) {
                // One broken case must not cost the others' figures: report it and go on.
                failures.add(e.getMessage());
                out.println("    FAILED: " + e.getMessage());
            }
        }
        BenchReport report = new BenchReport(Environment.current(options), results);
        out.println();
        out.print(ReportTable.render(report));
        List<Path> files = new ArrayList<>(ResultFiles.write(report, options.out()));
        if (options.chart()) files.addAll(chart(report));
        out.println();
        for (Path f : files) out.println("wrote " + f);
        for (String f : failures) out.println("FAILED: " + f);
        return report;
    }

    /** The cases that failed in {@link #run()}, one message each. */
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

    private static long nanos(double seconds) {
        return Math.round(seconds * 1e9);
    }
}
