package smpnet.sim.bench;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * Runs each case in a fresh child JVM (so one case's JIT and heap state cannot help or hurt the next),
 * pinned with {@code taskset} to as many cores as the case has CPUs when taskset exists, and collects what
 * the child reports.
 */
final class ChildLauncher {
    /** Flags of every child JVM; written into the results. Witness and mbuf site tracking are off. */
    static final List<String> JVM_FLAGS = List.of("-Xms512m", "-Xmx512m", "-XX:+UseParallelGC",
            "--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow",
            "-Dsmpnet.witness=off", "-Dsmpnet.mbuf.track=off");

    private final Path taskset;
    private final PrintStream log;

    ChildLauncher(PrintStream log) {
        this.taskset = findOnPath("taskset");
        this.log = log;
    }

    /** How children are pinned for {@code cpus} CPUs: the taskset command, or "unpinned". */
    String pinning(int cpus) {
        return taskset == null ? "unpinned" : "taskset -c " + cpuList(cpus);
    }

    static String cpuList(int cpus) {
        return cpus == 1 ? "0" : "0-" + (cpus - 1);
    }

    CaseResult run(BenchCase c, long warmupNanos, long maxWarmupNanos, int runs, long runNanos)
            throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command(c, warmupNanos, maxWarmupNanos, runs, runNanos))
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        List<RunSample> samples = new ArrayList<>();
        Histogram latency = new Histogram(3);
        List<LockContention> locks = new ArrayList<>();
        Tally settled = null;
        long warmup = 0;
        try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = in.readLine()) != null; ) {
                String kind = ChildProtocol.kind(line);
                if (kind == null) {
                    log.println("  | " + line);
                } else if (kind.equals(ChildProtocol.RUN)) {
                    var f = ChildProtocol.fields(line);
                    RunSample s = ChildProtocol.parseRun(f);
                    samples.add(s);
                    latency.add(ChildProtocol.decode(f.get("latency")));
                    log.printf("    run %d/%d: %,.0f packets/s, %.2f CPUs busy%n", samples.size(), runs,
                            s.packetsPerSecond(), s.cpuUse());
                } else if (kind.equals(ChildProtocol.WARMUP)) {
                    warmup = ChildProtocol.parseWarmup(ChildProtocol.fields(line));
                    log.printf("    warm-up %.1f s%n", warmup / 1e9);
                } else if (kind.equals(ChildProtocol.LOCK)) {
                    locks.add(ChildProtocol.parseLock(ChildProtocol.fields(line)));
                } else {
                    settled = ChildProtocol.parseTally(ChildProtocol.fields(line));
                }
            }
        }
        long limit = (maxWarmupNanos + runs * runNanos + CaseRunner.SETTLE_NANOS) / 1_000_000_000L + 60;
        if (!p.waitFor(limit, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("child for " + c.title() + " did not finish in " + limit + " s");
        }
        if (p.exitValue() != 0 || settled == null || samples.size() != runs) {
            throw new IOException("child for " + c.title() + " failed (exit " + p.exitValue() + ", "
                    + samples.size() + " of " + runs + " runs reported)");
        }
        return new CaseResult(c, pinning(c.cpus()), warmup, samples, latency, settled, locks);
    }

    private List<String> command(BenchCase c, long warmupNanos, long maxWarmupNanos, int runs, long runNanos) {
        List<String> cmd = new ArrayList<>();
        if (taskset != null) cmd.addAll(List.of(taskset.toString(), "-c", cpuList(c.cpus())));
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(JVM_FLAGS);
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), BenchChild.class.getName()));
        cmd.addAll(List.of(BenchChild.args(c, warmupNanos, maxWarmupNanos, runs, runNanos)));
        return cmd;
    }

    private static Path findOnPath(String name) {
        String path = System.getenv("PATH");
        if (path == null) return null;
        for (String dir : path.split(File.pathSeparator)) {
            if (dir.isEmpty()) continue;
            Path p = Path.of(dir, name);
            if (Files.isExecutable(p)) return p;
        }
        return null;
    }
}
