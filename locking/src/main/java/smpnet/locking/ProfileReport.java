package smpnet.locking;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToLongFunction;

/** Formats {@link LockProfiler} rows as the sorted text table and as CSV. */
final class ProfileReport {
    private static final String ROW = "%-12s %-4s %-28s %8s %9s %9s %9s %9s %11s %9s %9s %9s %11s%n";

    private ProfileReport() {}

    static String table(LockProfiler.Mode mode, List<LockProfiler.SiteStats> rows, int top) {
        StringBuilder b = new StringBuilder();
        b.append("lock profile (mode ").append(mode.name().toLowerCase()).append(", times in ns, by total wait)\n");
        b.append(String.format(ROW, "class", "mode", "site", "acquired", "contended", "wait_min", "wait_avg",
                "wait_max", "wait_total", "hold_min", "hold_avg", "hold_max", "hold_total"));
        for (LockProfiler.SiteStats r : rows) {
            b.append(String.format(ROW, r.lockClass(), r.write() ? "w" : "r", r.site(), r.acquisitions(),
                    r.contended(), r.waitMin(), r.waitAvg(), r.waitMax(), r.waitTotal(), r.holdMin(), r.holdAvg(),
                    r.holdMax(), r.holdTotal()));
        }
        Map<String, List<LockProfiler.SiteStats>> byClass = new LinkedHashMap<>();
        for (LockProfiler.SiteStats r : rows) byClass.computeIfAbsent(r.lockClass(), k -> new ArrayList<>()).add(r);
        for (Map.Entry<String, List<LockProfiler.SiteStats>> e : byClass.entrySet()) {
            b.append("top waiting sites of ").append(e.getKey()).append(':')
                    .append(topSites(e.getValue(), LockProfiler.SiteStats::waitTotal, top)).append('\n');
            b.append("top holding sites of ").append(e.getKey()).append(':')
                    .append(topSites(e.getValue(), LockProfiler.SiteStats::holdTotal, top)).append('\n');
        }
        return b.toString();
    }

    private static String topSites(List<LockProfiler.SiteStats> rows, ToLongFunction<LockProfiler.SiteStats> by,
                                   int top) {
        List<LockProfiler.SiteStats> sorted = new ArrayList<>(rows);
        sorted.sort(Comparator.comparingLong(by).reversed().thenComparing(LockProfiler.SiteStats::site));
        StringBuilder b = new StringBuilder();
        int n = 0;
        for (LockProfiler.SiteStats r : sorted) {
            if (n++ == top || by.applyAsLong(r) == 0) break;
            b.append(' ').append(r.site()).append(" (").append(r.write() ? 'w' : 'r').append(") ")
                    .append(by.applyAsLong(r));
        }
        return b.isEmpty() ? " none" : b.toString();
    }

    static String csv(List<LockProfiler.SiteStats> rows) {
        StringBuilder b = new StringBuilder("class,mode,site,acquired,contended,wait_min,wait_avg,wait_max,"
                + "wait_total,hold_min,hold_avg,hold_max,hold_total\n");
        for (LockProfiler.SiteStats r : rows) {
            b.append(quote(r.lockClass())).append(',').append(r.write() ? 'w' : 'r').append(',')
                    .append(quote(r.site()));
            for (long v : new long[] {r.acquisitions(), r.contended(), r.waitMin(), r.waitAvg(), r.waitMax(),
                    r.waitTotal(), r.holdMin(), r.holdAvg(), r.holdMax(), r.holdTotal()}) {
                b.append(',').append(v);
            }
            b.append('\n');
        }
        return b.toString();
    }

    /** RFC 4180 2.6/2.7: fields with commas or quotes are quoted, quotes doubled. */
    private static String quote(String s) {
        if (s.indexOf(',') < 0 && s.indexOf('"') < 0 && s.indexOf('\n') < 0) return s;
        return '"' + s.replace("\"", "\"\"") + '"';
    }
}
