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

    /**
     * The results as JSON: the scenario, its schedule and seed, and per variant its length, its workloads
     * (label, summary, rate and unit; a rate it has not is null), hosts and links.
     */
    public String json() {
        com.fasterxml.jackson.databind.ObjectMapper m = new com.fasterxml.jackson.databind.ObjectMapper();
        com.fasterxml.jackson.databind.node.ObjectNode root = m.createObjectNode();
        root.put("scenario", spec.name());
        root.put("description", spec.description());
        root.put("schedule", spec.run().deterministic() ? "deterministic" : "free");
        root.put("seed", spec.run().seed());
        com.fasterxml.jackson.databind.node.ArrayNode vs = root.putArray("variants");
        for (Variant v : variants) {
            com.fasterxml.jackson.databind.node.ObjectNode o = vs.addObject();
            o.put("name", v.name());
            o.put("seconds", v.seconds());
            o.put("decisions", v.decisions());
            com.fasterxml.jackson.databind.node.ArrayNode ws = o.putArray("workloads");
            for (WorkloadResult w : v.workloads()) {
                com.fasterxml.jackson.databind.node.ObjectNode x = ws.addObject();
                x.put("label", w.label());
                x.put("summary", w.summary());
                if (w.hasRate()) x.put("rate", w.rate()); else x.putNull("rate");
                x.put("unit", w.unit());
            }
            v.hosts().forEach(o.putArray("hosts")::add);
            v.links().forEach(o.putArray("links")::add);
        }
        try {
            return m.writerWithDefaultPrettyPrinter().writeValueAsString(root) + "\n";
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** One CSV line per variant and workload: variant, workload, rate (empty if none), unit. */
    public String csv() {
        StringBuilder b = new StringBuilder("variant,workload,rate,unit\n");
        for (Variant v : variants) {
            for (WorkloadResult w : v.workloads()) {
                b.append(v.name()).append(',').append(w.label()).append(',')
                        .append(w.hasRate() ? String.format(Locale.ROOT, "%.1f", w.rate()) : "").append(',').append(w.unit()).append('\n');
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
