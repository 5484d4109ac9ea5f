package smpnet.sim.bench;

import java.util.List;
import java.util.Locale;

/** The comparison printed at the end of a session: one table per payload, the ratios, the top locks. */
public final class ReportTable {
    /** Lock classes listed per profiled mode. */
    static final int TOP_LOCKS = 3;

    private ReportTable() {}

    public static String render(BenchReport r) {
        Environment e = r.env();
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "%s, %d cores, load average %.2f at start; median of %d runs of "
                + "%.1f s after a warm-up of %.1f CPU-s and a quiet JIT%n", e.jdk(), e.cores(), e.loadAverage(),
                e.runs(), e.runSeconds(), e.warmupSeconds()));
        for (int p : r.payloads()) {
            sb.append(String.format(Locale.ROOT, "%nUDP receive path, %d-byte payload%n", p));
            sb.append(String.format(Locale.ROOT, "%-7s %4s %13s  %-27s %5s %12s %9s %9s %10s  %s%n", "path", "CPUs",
                    "packets/s", "(min .. max)", "busy", "per CPU-s", "p50 us", "p99 us", "drops", "pinning"));
            for (CaseResult c : r.measured()) {
                if (c.benchCase().payload() == p) sb.append(row(c));
            }
            for (BenchReport.Ratio q : r.ratios(p)) sb.append(ratio(q));
        }
        List<CaseResult> prof = r.profiled();
        if (!prof.isEmpty()) {
            sb.append(String.format("%nMost contended lock classes (separate run with lock profiling on):%n"));
            for (CaseResult c : prof) sb.append(locks(c));
        }
        return sb.toString();
    }

    private static String row(CaseResult c) {
        Spread s = c.packetsPerSecond();
        String range = String.format(Locale.ROOT, "(%,.0f .. %,.0f)", s.min(), s.max());
        return String.format(Locale.ROOT, "%-7s %4d %,13.0f  %-27s %5.2f %,12.0f %9.1f %9.1f %,10d  %s%s%n",
                c.benchCase().subject().label(), c.benchCase().cpus(), s.median(), range, c.cpuUse(),
                c.packetsPerCpuSecond(),
                c.latencyMicros(50), c.latencyMicros(99), c.drops(), c.pinning(),
                c.balanced() ? "" : "  (accounting did not balance: " + c.settled().inFlight() + " unaccounted)");
    }

    private static String ratio(BenchReport.Ratio q) {
        String goal = q.goal() == null ? q.note()
                : String.format(Locale.ROOT, "goal >= %.1fx: %s", q.goal(), q.met() ? "met" : "NOT met")
                + (q.note().isEmpty() ? "" : " (" + q.note() + ")");
        return String.format(Locale.ROOT, "  %-30s %7.2fx  (per CPU-second %6.2fx)   %s%n", q.name(), q.value(),
                q.perCpuSecond(), goal);
    }

    private static String locks(CaseResult c) {
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "  %s, %s, %d B:", c.benchCase().subject()
                .label(), BenchReport.cpus(c.benchCase().cpus()), c.benchCase().payload()));
        List<LockContention> top = c.locks().stream().limit(TOP_LOCKS).toList();
        if (top.isEmpty()) sb.append(" no lock profile reported");
        for (LockContention l : top) {
            sb.append(String.format(Locale.ROOT, "%n    %-20s %,12d contended acquisitions, waited %,10.1f ms,"
                    + " held %,10.1f ms after them", l.lockClass(), l.contended(), l.waitNanos() / 1e6,
                    l.holdNanos() / 1e6));
        }
        return sb.append('\n').toString();
    }
}
