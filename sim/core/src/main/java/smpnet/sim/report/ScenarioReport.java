package smpnet.sim.report;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import smpnet.sim.scenario.ScenarioResult;
import smpnet.sim.scenario.ScenarioResult.Variant;
import smpnet.sim.scenario.ScenarioResult.WorkloadResult;
import smpnet.sim.scenario.ScenarioSpec;
import smpnet.stack.locks.LockMode;

/**
 * A scenario's results on a page: the text report, each workload's rate per variant, and, when the file
 * compares CPU counts, a chart per workload of the speed-up over the fewest CPUs, one line per locking mode.
 */
public final class ScenarioReport {
    private ScenarioReport() {}

    public static void addTo(Html page, ScenarioResult r) {
        ScenarioSpec s = r.spec();
        page.heading(2, "Scenario " + s.name());
        List<List<String>> rows = new ArrayList<>();
        List<String> head = new ArrayList<>(List.of("variant", "seconds"));
        List<WorkloadResult> first = r.variants().getFirst().workloads();
        for (WorkloadResult w : first) head.add(w.label() + (w.hasRate() ? " (" + w.unit() + ")" : ""));
        rows.add(head);
        for (Variant v : r.variants()) {
            List<String> row = new ArrayList<>(List.of(v.name(), String.format(Locale.ROOT, "%.3f", v.seconds())));
            for (WorkloadResult w : v.workloads()) row.add(w.hasRate() ? String.format(Locale.ROOT, "%,.0f", w.rate()) : "");
            rows.add(row);
        }
        page.table(rows);
        ScenarioSpec.Compare c = s.compare();
        if (c.cpus().size() >= 2) {
            List<LockMode> modes = c.modes().isEmpty() ? Collections.singletonList(null) : c.modes();
            for (int w = 0; w < first.size(); w++) {
                if (!first.get(w).hasRate()) continue;
                SvgChart chart = new SvgChart("Speed-up per CPU count: " + first.get(w).label(), "CPUs",
                        "rate / rate on " + c.cpus().getFirst() + " CPU(s)");
                for (int m = 0; m < modes.size(); m++) {
                    String mode = modes.get(m) == null ? "as written" : modes.get(m).name().toLowerCase(Locale.ROOT).replace('_', '-');
                    // The variants run in this order: every CPU count of the first mode, then of the next.
                    double base = r.variants().get(m * c.cpus().size()).workloads().get(w).rate();
                    for (int n = 0; n < c.cpus().size(); n++) {
                        double rate = r.variants().get(m * c.cpus().size() + n).workloads().get(w).rate();
                        chart.point(mode, c.cpus().get(n), rate / base);
                    }
                }
                if (!chart.isEmpty()) page.chart(chart);
            }
        }
        page.pre(r.format());
    }
}
