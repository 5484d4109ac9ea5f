package smpnet.sim.bench.reports;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Two result files of the main job ({@code results.json} of {@code ./smpnet run} or {@code bench-udp}) side by
 * side: per case the packets/s, per ratio its value, each with its spread (the range of its runs, or of its
 * pairs), and whether it moved beyond that noise: B's range entirely above A's (up) or below it (down). A
 * figure whose ranges overlap did not move, whatever its medians say.
 */
public final class Comparison {
    /** How one figure moved from A to B. */
    public enum Verdict {
        UP("up"), DOWN("down"), WITHIN_NOISE("within noise");

        private final String label;

        Verdict(String label) { this.label = label; }

        public String label() { return label; }
    }

    /** One figure in both files: its median and range in each, and the verdict. */
    public record Row(String name, double medianA, double minA, double maxA, double medianB, double minB, double maxB) {
        public Verdict verdict() {
            if (minB > maxA) return Verdict.UP;
            if (maxB < minA) return Verdict.DOWN;
            return Verdict.WITHIN_NOISE;
        }

        public double ratio() { return medianB / medianA; }
    }

    private final List<Row> cases;
    private final List<Row> ratios;
    private final List<String> onlyA;
    private final List<String> onlyB;

    private Comparison(List<Row> cases, List<Row> ratios, List<String> onlyA, List<String> onlyB) {
        this.cases = List.copyOf(cases);
        this.ratios = List.copyOf(ratios);
        this.onlyA = List.copyOf(onlyA);
        this.onlyB = List.copyOf(onlyB);
    }

    public List<Row> cases() { return cases; }

    public List<Row> ratios() { return ratios; }

    /** Reads two result files; an unreadable one is an IOException naming it. */
    public static Comparison of(Path a, Path b) throws IOException {
        JsonNode ra = read(a), rb = read(b);
        Map<String, JsonNode> ca = cases(ra), cb = cases(rb);
        Map<String, JsonNode> ta = ratios(ra), tb = ratios(rb);
        List<Row> caseRows = new ArrayList<>(), ratioRows = new ArrayList<>();
        List<String> onlyA = new ArrayList<>(), onlyB = new ArrayList<>();
        for (Map.Entry<String, JsonNode> e : ca.entrySet()) {
            JsonNode x = cb.get(e.getKey());
            if (x == null) {
                onlyA.add(e.getKey());
                continue;
            }
            JsonNode pa = e.getValue().get("pps"), pb = x.get("pps");
            caseRows.add(new Row(e.getKey(), num(pa, "median"), num(pa, "min"), num(pa, "max"), num(pb, "median"), num(pb, "min"),
                    num(pb, "max")));
        }
        for (String k : cb.keySet()) if (!ca.containsKey(k)) onlyB.add(k);
        for (Map.Entry<String, JsonNode> e : ta.entrySet()) {
            JsonNode x = tb.get(e.getKey());
            if (x == null) {
                onlyA.add(e.getKey());
                continue;
            }
            JsonNode pa = e.getValue().get("pairs"), pb = x.get("pairs");
            ratioRows.add(new Row(e.getKey(), num(e.getValue(), "value"), num(pa, "min"), num(pa, "max"), num(x, "value"),
                    num(pb, "min"), num(pb, "max")));
        }
        for (String k : tb.keySet()) if (!ta.containsKey(k)) onlyB.add(k);
        return new Comparison(caseRows, ratioRows, onlyA, onlyB);
    }

    private static JsonNode read(Path p) throws IOException {
        JsonNode n;
        try {
            n = new ObjectMapper().readTree(p.toFile());
        } catch (IOException e) {
            throw new IOException(p + ": not a readable result file (" + e.getMessage().lines().findFirst().orElse("") + ")", e);
        }
        if (n == null || !n.path("results").isArray() || !n.path("ratios").isArray()) {
            throw new IOException(p + ": not a result file of ./smpnet run (no results and ratios)");
        }
        return n;
    }

    private static Map<String, JsonNode> cases(JsonNode root) {
        Map<String, JsonNode> out = new LinkedHashMap<>();
        for (JsonNode r : root.get("results")) {
            out.put(r.get("subject").asText() + " " + r.get("cpus").asInt() + "cpu " + r.get("payloadBytes").asInt() + "B", r);
        }
        return out;
    }

    private static Map<String, JsonNode> ratios(JsonNode root) {
        Map<String, JsonNode> out = new LinkedHashMap<>();
        for (JsonNode r : root.get("ratios")) out.put(r.get("name").asText() + " at " + r.get("payloadBytes").asInt() + "B", r);
        return out;
    }

    private static double num(JsonNode n, String field) {
        JsonNode v = n == null ? null : n.get(field);
        return v == null || v.isNull() ? Double.NaN : v.asDouble();
    }

    /** The comparison as a table: packets/s per case, then the ratios, then what only one file has. */
    public String format(String nameA, String nameB) {
        StringBuilder b = new StringBuilder(String.format("A = %s%nB = %s%n%n", nameA, nameB));
        b.append(String.format("%-28s %24s %24s %7s  %s%n", "packets/s", "A median (min..max)", "B median (min..max)", "B/A", "moved"));
        for (Row r : cases) b.append(line(r, "%,.0f"));
        if (!ratios.isEmpty()) {
            b.append(String.format("%n%-28s %24s %24s %7s  %s%n", "ratio", "A (pairs min..max)", "B (pairs min..max)", "B/A", "moved"));
            for (Row r : ratios) b.append(line(r, "%.2f"));
        }
        for (String k : onlyA) b.append("only in A: ").append(k).append('\n');
        for (String k : onlyB) b.append("only in B: ").append(k).append('\n');
        long moved = cases.stream().filter(r -> r.verdict() != Verdict.WITHIN_NOISE).count()
                + ratios.stream().filter(r -> r.verdict() != Verdict.WITHIN_NOISE).count();
        b.append(String.format("%n%d of %d figures moved beyond their noise%n", moved, cases.size() + ratios.size()));
        return b.toString();
    }

    private static String line(Row r, String fmt) {
        String a = String.format(Locale.ROOT, fmt + " (" + fmt + ".." + fmt + ")", r.medianA(), r.minA(), r.maxA());
        String bb = String.format(Locale.ROOT, fmt + " (" + fmt + ".." + fmt + ")", r.medianB(), r.minB(), r.maxB());
        return String.format(Locale.ROOT, "%-28s %24s %24s %6.2fx  %s%n", r.name(), a, bb, r.ratio(), r.verdict().label());
    }
}
