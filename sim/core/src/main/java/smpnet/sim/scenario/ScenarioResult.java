package smpnet.sim.scenario;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What a scenario's run produced: per variant (one when nothing is compared), each workload's figures, the
 * hosts' and links' counters; and, for compared variants, a table of each workload's rate.
 */
public record ScenarioResult(ScenarioSpec spec, List<Variant> variants) {
    public ScenarioResult {
        variants = List.copyOf(variants);
    }

    /**
     * One workload's outcome.
     *
     * @param summary what it did, in a line
     * @param rate    its headline rate ({@code unit} per second), NaN when it has none (a TCP workload that
     *                needs TCP, a sink that got fewer than two datagrams)
     * @param unit    what the rate counts, e.g. "datagrams/s"
     */
    public record WorkloadResult(String label, String summary, double rate, String unit) {
        public boolean hasRate() { return !Double.isNaN(rate); }
    }

    /**
     * One run of the scenario.
     *
     * @param name      the variant ("as written", or e.g. "locking=giant cpus=2")
     * @param seconds   its length: virtual seconds in a deterministic run, else wall-clock seconds
     * @param decisions a deterministic run's scheduling decisions (0 for a free run)
     * @param hosts     one line per host: its UDP counters and NIC drops
     * @param links     one line per impaired link and direction: what it did to the frames
     */
    public record Variant(String name, List<WorkloadResult> workloads, double seconds, long decisions, List<String> hosts,
                          List<String> links) {
        public Variant {
            workloads = List.copyOf(workloads);
            hosts = List.copyOf(hosts);
            links = List.copyOf(links);
        }
    }

    /** The report as text: the scenario, then each variant, then the comparison when there are variants. */
    public String format() {
        StringBuilder b = new StringBuilder();
        ScenarioSpec.RunSpec r = spec.run();
        b.append(String.format(Locale.ROOT, "scenario %s%s: %s, seed %d%n", spec.name(),
                spec.description().isEmpty() ? "" : " (" + spec.description() + ")",
                r.deterministic() ? "deterministic (preempt 1 in " + r.preemptOneIn() + ")" : "free-running", r.seed()));
        for (Variant v : variants) {
            b.append(String.format(Locale.ROOT, "%n== %s: %.3f s %s%s%n", v.name(), v.seconds(),
                    r.deterministic() ? "virtual" : "wall-clock", v.decisions() > 0 ? ", " + v.decisions() + " decisions" : ""));
            for (WorkloadResult w : v.workloads()) b.append(String.format("  %-36s %s%n", w.label(), w.summary()));
            for (String h : v.hosts()) b.append("  host ").append(h).append('\n');
            for (String l : v.links()) b.append("  link ").append(l).append('\n');
        }
        if (variants.size() > 1) b.append(comparison());
        return b.toString();
    }

    /** Per workload with a rate: each variant's rate and its ratio to the first variant's. */
    String comparison() {
        StringBuilder b = new StringBuilder(String.format("%n== comparison%n"));
        List<WorkloadResult> first = variants.getFirst().workloads();
        for (int w = 0; w < first.size(); w++) {
            final int i = w;
            if (variants.stream().noneMatch(v -> v.workloads().get(i).hasRate())) continue;
            b.append(String.format("  %s (%s)%n", first.get(i).label(), first.get(i).unit()));
            double base = first.get(i).rate();
            for (Variant v : variants) {
                WorkloadResult x = v.workloads().get(i);
                b.append(String.format(Locale.ROOT, "    %-28s %14s %9s%n", v.name(), x.hasRate() ? String.format(Locale.ROOT, "%,.0f", x.rate()) : "-",
                        x.hasRate() && !Double.isNaN(base) && base > 0 ? String.format(Locale.ROOT, "%.2fx", x.rate() / base) : ""));
            }
        }
        return b.toString();
    }

    /** The variants' names, in run order. */
    public List<String> variantNames() {
        List<String> out = new ArrayList<>();
        for (Variant v : variants) out.add(v.name());
        return out;
    }
}
