package smpnet.sim.bench.reports;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import smpnet.sim.bench.plan.BenchOptions;
import smpnet.sim.bench.plan.BenchPath;
import smpnet.sim.bench.results.CaseResult;
import smpnet.sim.bench.results.Ceiling;
import smpnet.sim.bench.results.LockContention;
import smpnet.sim.bench.results.RunSample;
import smpnet.sim.bench.results.Spread;
import smpnet.sim.bench.runs.GroupRunner;

/**
 * The comparison printed at the end of a session: one table per payload, the ratios, the top locks. A row
 * says in brackets what makes its figures doubtful: an unbalanced accounting, a warm-up that did not settle,
 * runs measured again after the JIT compiled in them, runs kept with the JIT still compiling.
 */
public final class ReportTable {
    /** Lock classes listed per profiled mode. */
    static final int TOP_LOCKS = 3;

    private ReportTable() {}

    public static String render(BenchReport r) {
        Environment e = r.env();
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "%s, %d cores, load average %.2f at start; median of %d runs of "
                + "%.1f s after %s%n", e.jdk(), e.cores(), e.loadAverage(), e.runs(), e.runSeconds(), warmup(e)));
        sb.append(String.format(Locale.ROOT, "A path's 1- and 2-CPU runs alternate (ABBA), each after a settle of "
                + "%.1f s; its speed-up is the median of the per-pair ratios%n",
                Math.min(GroupRunner.RESUME_SETTLE_NANOS / 1e9, e.runSeconds())));
        for (BenchReport.Section t : r.sections()) {
            BenchPath path = t.path();
            sb.append(path.isTcp() ? String.format(Locale.ROOT, "%n%s, %d-byte %s%n", path.title(), t.payload(),
                    path == BenchPath.TCP_BULK ? "segments" : "request and reply")
                    : String.format(Locale.ROOT, "%n%s, %d-byte payload%n", path.title(), t.payload()));
            sb.append(String.format(Locale.ROOT, "%-" + width(path) + "s %4s %13s  %-27s %5s %12s %9s %9s %10s  %s%n",
                    path.isTcp() ? "stack" : "path", "CPUs", path.unit(), "(min .. max)", "busy", "per CPU-s", "p50 us",
                    "p99 us", "drops", "pinning"));
            for (CaseResult c : r.measured()) {
                if (c.benchCase().payload() == t.payload() && c.benchCase().path() == path) sb.append(row(c, e));
            }
            if (!path.isTcp()) r.ceiling(t.payload()).ifPresent(c -> sb.append(row(c)));
            for (BenchReport.Ratio q : r.ratios(t)) sb.append(ratio(q));
        }
        for (String n : r.notes()) sb.append(String.format("note: %s%n", n));
        int again = r.measured().stream().mapToInt(CaseResult::measuredAgain).sum();
        int busy = r.measured().stream().mapToInt(CaseResult::jitBusyRuns).sum();
        if (again > 0 || busy > 0) {
            sb.append(String.format(Locale.ROOT, "Windows measured again after the JIT compiled more than %d ms in them: "
                    + "%d; runs kept with the JIT still compiling (flagged in their rows): %d of %d%n",
                    RunSample.QUIET_JIT_MILLIS, again, busy, r.measured().stream().mapToInt(c -> c.runs().size()).sum()));
        }
        if (r.pausedCpuUse() > 0) {
            sb.append(String.format(Locale.ROOT, "While paused for another's windows, a child used at most "
                    + "%.3f of a core%n", r.pausedCpuUse()));
        }
        List<CaseResult> prof = r.profiled();
        if (!prof.isEmpty()) {
            sb.append(String.format("%nMost contended lock classes (one more window after the measured ones, lock profiling on):%n"));
            for (CaseResult c : prof) sb.append(locks(c));
        }
        return sb.toString();
    }

    /** The warm-up the runs came after, as the first line states it. */
    static String warmup(Environment e) {
        if (e.warmupSeconds() == 0) return "no warm-up (each run measured once, the JIT compiling in it)";
        return String.format(Locale.ROOT, "a warm-up of %.1f CPU-s at least, until the JIT was quiet and the rate no "
                + "longer rose (%.0f s at most); a run in which the JIT compiled more than %d ms measured again, "
                + "twice at most", e.warmupSeconds(), BenchOptions.maxWarmup(e.warmupSeconds()), RunSample.QUIET_JIT_MILLIS);
    }

    private static String row(CaseResult c, Environment e) {
        double k = c.benchCase().path().scale();
        Spread s = c.packetsPerSecond();
        List<String> flags = new ArrayList<>();
        if (!c.balanced()) flags.add("accounting did not balance: " + c.settled().inFlight() + " unaccounted");
        if (!c.warmupSettled() && e.warmupSeconds() > 0) {
            flags.add(String.format(Locale.ROOT, "warm-up ended by its maximum after %.1f s, not settled", c.warmupNanos() / 1e9));
        }
        if (c.measuredAgain() > 0) {
            flags.add(c.measuredAgain() + (c.measuredAgain() == 1 ? " window" : " windows") + " measured again");
        }
        if (c.jitBusyRuns() > 0) {
            flags.add(String.format(Locale.ROOT, "%d of %d runs kept with the JIT compiling more than %d ms: they may "
                    + "measure compilation", c.jitBusyRuns(), c.runs().size(), RunSample.QUIET_JIT_MILLIS));
        }
        return row(c.benchCase().subject().label(), width(c.benchCase().path()), c.benchCase().cpus(),
                new Spread(s.min() * k, s.median() * k, s.max() * k), c.cpuUse(), c.packetsPerCpuSecond() * k, k != 1, c.latencyMicros(50), c.latencyMicros(99), c.drops(), c.pinning(),
                flags.isEmpty() ? "" : "  (" + String.join("; ", flags) + ")");
    }

    /** The ceiling's row: the two stacks' summed rate, their summed CPU use. */
    private static String row(Ceiling c) {
        return row("ceiling", width(BenchPath.UDP), 2, c.packetsPerSecond(), c.cpuUse(), c.packetsPerCpuSecond(), false, c.latencyMicros(50),
                c.latencyMicros(99), c.drops(), c.pinning(), c.balanced() ? "" : "  (accounting did not balance)");
    }

    /** A row; {@code small} gives the rates one decimal (MB/s). */
    private static String row(String path, int width, int cpus, Spread s, double busy, double perCpu, boolean small,
                              double p50, double p99, long drops, String pinning, String suffix) {
        String range = String.format(Locale.ROOT, small ? "(%,.1f .. %,.1f)" : "(%,.0f .. %,.0f)", s.min(), s.max());
        return String.format(Locale.ROOT, "%-" + width + (small ? "s %4d %,13.1f  %-27s %5.2f %,12.1f %9.1f %9.1f %,10d  %s%s%n"
                : "s %4d %,13.0f  %-27s %5.2f %,12.0f %9.1f %9.1f %,10d  %s%s%n"),
                path, cpus, s.median(), range, busy, perCpu, p50, p99, drops, pinning, suffix);
    }

    /** The first column's width: a TCP table names the Linux baselines ({@code linux-no-offload}). */
    private static int width(BenchPath path) {
        return path.isTcp() ? 16 : 7;
    }

    private static String ratio(BenchReport.Ratio q) {
        String goal = q.goal() == null ? q.note()
                : String.format(Locale.ROOT, "goal >= %.1fx: %s", q.goal(), q.met() ? "met" : "NOT met")
                + (q.note().isEmpty() ? "" : " (" + q.note() + ")");
        String detail = q.pairs() == null
                ? String.format(Locale.ROOT, "(per CPU-second %.2fx)", q.perCpuSecond())
                : String.format(Locale.ROOT, "(pairs %.2f .. %.2f; per CPU-second %.2fx)", q.pairs().min(),
                        q.pairs().max(), q.perCpuSecond());
        String line = String.format(Locale.ROOT, "  %-" + (q.path().isTcp() ? 38 : 30) + "s %7.2fx  %-43s %s%n", q.name(), q.value(), detail, goal);
        if (q.ceiling() == null) return line;
        return line + String.format(Locale.ROOT, "  %-30s %7.2fx  %-43s %s%n", "machine ceiling", q.ceiling().median(),
                String.format(Locale.ROOT, "(rounds %.2f .. %.2f)", q.ceiling().min(), q.ceiling().max()),
                String.format(Locale.ROOT, "the speed-up above is %.0f%% of it (two independent 1-CPU stacks on "
                        + "cores 0 and 1 at once, over one alone)%s", 100 * q.shareOfCeiling(), q.shareOfCeiling() > 1
                        ? "; above 100%: the 1-CPU runs were slower than the ceiling's stacks (other work on the machine, or a"
                        + " slower JVM: see the pairs and busy)" : ""));
    }

    private static String locks(CaseResult c) {
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "  %s, %s, %s%d B:", c.benchCase().subject()
                .label(), BenchReport.cpus(c.benchCase().cpus()), c.benchCase().path().isTcp()
                ? c.benchCase().path().label() + ", " : "", c.benchCase().payload()));
        List<LockContention> top = c.locks().stream().limit(TOP_LOCKS).toList();
        if (top.isEmpty()) sb.append(" no lock was contended in the profiled window");
        for (LockContention l : top) {
            sb.append(String.format(Locale.ROOT, "%n    %-20s %,12d contended acquisitions, waited %,10.1f ms,"
                    + " held %,10.1f ms after them", l.lockClass(), l.contended(), l.waitNanos() / 1e6,
                    l.holdNanos() / 1e6));
        }
        return sb.append('\n').toString();
    }
}
