package smpnet.sim.bench.runs;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import smpnet.sim.bench.plan.BenchCase;
import smpnet.sim.bench.plan.BenchPath;
import smpnet.sim.bench.plan.Subject;
import smpnet.sim.bench.results.LockContention;
import smpnet.sim.bench.workloads.CaseRunner;
import smpnet.sim.bench.workloads.Workloads;

/**
 * The main class of a child JVM that runs one case's workload and measures it window by window as the
 * parent commands on standard input, reporting on standard output ({@link ChildProtocol}). Arguments:
 * subject cpus payload path, then optionally {@code --trace DIR LIMIT}: trace the profiled window into
 * {@link #traceFile DIR/its case's file}. Between commands the workload is paused and uses no CPU.
 */
public final class BenchChild {
    /** The argument that asks for a trace of the profiled window. */
    static final String TRACE = "--trace";

    private BenchChild() {}

    /** Where the child of case {@code c} writes its trace in {@code dir}. */
    public static Path traceFile(Path dir, BenchCase c) {
        return dir.resolve(c.subject().label() + "-" + c.cpus() + "cpu-" + (c.path().isTcp() ? c.path().label() + "-" : "")
                + c.payload() + "B.json");
    }

    public static void main(String[] args) {
        try {
            BenchCase c = parse(args);
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            try (CaseRunner r = new CaseRunner(Workloads.create(c))) {
                if (args.length == 7) r.traceProfileWindow(traceFile(Path.of(args[5]), c), Integer.parseInt(args[6]), c.title());
                r.start();
                serve(r, in, System.out);
            }
            System.exit(0);
        } catch (Exception | Error e) {
            System.err.println("benchmark child failed: " + e);
            e.printStackTrace(System.err);
            System.exit(1);
        }
    }

    /**
     * Answers the commands read from {@code in} until {@code quit}, which stops the workload and reports
     * the end; the end of the input (the parent went away) also stops it, without a report.
     */
    static void serve(CaseRunner r, BufferedReader in, PrintStream out) throws Exception {
        for (String line; (line = in.readLine()) != null; ) {
            if (line.isBlank()) continue;
            switch (ChildProtocol.parseCommand(line)) {
                case ChildProtocol.WarmUp w -> out.println(ChildProtocol.warmup(r.warmUp(w.minNanos(), w.maxNanos())));
                case ChildProtocol.Measure m -> out.println(ChildProtocol.run(m.profiled()
                        ? r.profileWindow(m.settleNanos(), m.runNanos()) : r.window(m.settleNanos(), m.runNanos(), m.again())));
                case ChildProtocol.Quit q -> {
                    CaseRunner.Outcome o = r.finish();
                    for (LockContention l : o.locks()) out.println(ChildProtocol.lock(l));
                    out.println(ChildProtocol.end(o.settled()));
                    out.flush();
                    return;
                }
            }
            out.flush();
        }
        throw new IOException("the parent closed the commands before quit");
    }

    private static BenchCase parse(String[] args) {
        if (args.length != 4 && !(args.length == 7 && args[4].equals(TRACE))) {
            throw new IllegalArgumentException("expected: subject cpus payload path [--trace DIR LIMIT]");
        }
        return new BenchCase(Subject.valueOf(args[0]), Integer.parseInt(args[1]), Integer.parseInt(args[2]), false,
                BenchPath.valueOf(args[3]));
    }

    /** The command-line arguments that make a child run {@code c}. */
    static String[] args(BenchCase c) {
        return new String[] {c.subject().name(), Integer.toString(c.cpus()), Integer.toString(c.payload()), c.path().name()};
    }
}
