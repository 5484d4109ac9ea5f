package smpnet.witness;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The order file formats (README, "Order files"): a line-based text form and a JSON form, both holding
 * classes, declared orders, blessed pairs and learned edges. Export, then import into a fresh witness,
 * gives the same graph.
 */
final class OrderFile {
    static final String HEADER = "# smpnet witness order v1";

    private OrderFile() {}

    // ---- text ----

    static String exportText(OrderGraph g) {
        StringBuilder sb = new StringBuilder(HEADER).append('\n');
        for (LockClass c : sortedClasses(g)) {
            sb.append("class ").append(c.name()).append(' ').append(ReportWriter.kindName(c)).append(' ')
                    .append(LockFlags.names(c.flags())).append('\n');
        }
        for (List<String> order : g.declaredOrders()) {
            sb.append("order ").append(String.join(" ", order)).append('\n');
        }
        for (Map.Entry<String, String> b : g.blessings().entrySet()) {
            sb.append("bless ").append(b.getKey()).append(' ').append(b.getValue()).append('\n');
        }
        for (Edge e : exportedEdges(g)) {
            sb.append("edge ").append(e.from.name()).append(' ').append(e.to.name()).append(' ')
                    .append(Edge.typeNames(e.types)).append("  # ").append(e.where);
            if (e.stack != null && e.stack.length > 0) {
                sb.append(" at ").append(e.stack[0]);
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    static void importText(Witness w, OrderGraph g, String text, String source) {
        String[] lines = text.split("\r?\n", -1);
        for (int n = 0; n < lines.length; n++) {
            String where = source + ":" + (n + 1);
            String line = lines[n].trim();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String[] f = line.split("\\s+");
            try {
                importLine(w, g, f, line, where);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(where + ": " + e.getMessage() + ": " + line, e);
            }
        }
    }

    private static void importLine(Witness w, OrderGraph g, String[] f, String line, String where) {
        switch (f[0]) {
            case "class":
                need(f, 4, 4, "class <name> <spin|mutex|sleepable> <flags|none>");
                g.lockClass(f[1], LockKind.valueOf(f[2].toUpperCase(Locale.ROOT)), LockFlags.parse(f[3]), true);
                break;
            case "order":
                need(f, 3, Integer.MAX_VALUE, "order <class> <class> [<class>...]");
                w.declareOrder(Arrays.asList(f).subList(1, f.length), "at " + where);
                break;
            case "bless":
                need(f, 4, Integer.MAX_VALUE, "bless <class> <class> <reason...>");
                w.bless(f[1], f[2], line.split("\\s+", 4)[3]);
                break;
            case "edge":
                String[] e = line.split("#", 2)[0].trim().split("\\s+");
                need(e, 4, 4, "edge <from> <to> <EE,ES,SE,SS>");
                importEdge(w, g, e[1], e[2], Edge.parseTypes(e[3]), "imported from " + where);
                break;
            default:
                throw new IllegalArgumentException("unknown keyword '" + f[0] + "' (expected class, order, bless or edge)");
        }
    }

    private static void need(String[] f, int min, int max, String usage) {
        if (f.length < min || f.length > max) {
            throw new IllegalArgumentException("expected: " + usage);
        }
    }

    private static void importEdge(Witness w, OrderGraph g, String from, String to, int types, String where) {
        OrderGraph.Finding f = g.insert(w.named(from), w.named(to), types, Edge.Origin.IMPORTED, where, Frames.NONE);
        if (f != null) {
            Reporter r = w.reporter();
            r.publish(conflictReport(r.nextSerial(), ReportKind.LOCK_ORDER_REVERSAL, f, w.named(to), where));
        }
    }

    /** The report for a declared or imported edge that contradicts the order already in the graph. */
    static Report declarationReport(int serial, OrderGraph.Finding f, LockClass to, String where) {
        return conflictReport(serial, ReportKind.DECLARED_ORDER_VIOLATION, f, to, where);
    }

    private static Report conflictReport(int serial, ReportKind kind, OrderGraph.Finding f, LockClass to, String where) {
        return new ReportWriter(kind, serial, Thread.currentThread().getName()).involve(f.held).involve(to)
                .line("new order", f.held.name() + " -> " + to.name() + ", " + where)
                .cycle(f.held, to, f.path)
                .interleaving(f.held, true, to, true, f.path)
                .build(f.held.has(LockFlags.QUIET) || to.has(LockFlags.QUIET), null);
    }

    private static List<LockClass> sortedClasses(OrderGraph g) {
        List<LockClass> cs = g.classes();
        cs.sort(Comparator.comparing(LockClass::name));
        return cs;
    }

    private static List<Edge> exportedEdges(OrderGraph g) {
        List<Edge> es = new ArrayList<>();
        for (Edge e : g.edges()) {
            if (e.origin != Edge.Origin.DECLARED) {
                es.add(e);
            }
        }
        es.sort(Comparator.comparing((Edge e) -> e.from.name()).thenComparing(e -> e.to.name()));
        return es;
    }

    // ---- JSON ----

    static String exportJson(OrderGraph g) {
        StringBuilder sb = new StringBuilder("{\"format\":\"smpnet-witness-order\",\"version\":1,\"classes\":[");
        String sep = "";
        for (LockClass c : sortedClasses(g)) {
            sb.append(sep).append("{\"name\":").append(Json.quote(c.name())).append(",\"kind\":")
                    .append(Json.quote(ReportWriter.kindName(c))).append(",\"flags\":").append(Json.quote(LockFlags.names(c.flags())))
                    .append('}');
            sep = ",";
        }
        sb.append("],\"orders\":[");
        sep = "";
        for (List<String> order : g.declaredOrders()) {
            sb.append(sep).append(Json.strings(order));
            sep = ",";
        }
        sb.append("],\"blessed\":[");
        sep = "";
        for (Map.Entry<String, String> b : g.blessings().entrySet()) {
            String[] ab = b.getKey().split(" ");
            sb.append(sep).append("{\"a\":").append(Json.quote(ab[0])).append(",\"b\":").append(Json.quote(ab[1]))
                    .append(",\"reason\":").append(Json.quote(b.getValue())).append('}');
            sep = ",";
        }
        sb.append("],\"edges\":[");
        sep = "";
        for (Edge e : exportedEdges(g)) {
            sb.append(sep).append("{\"from\":").append(Json.quote(e.from.name())).append(",\"to\":").append(Json.quote(e.to.name()))
                    .append(",\"types\":").append(Json.quote(Edge.typeNames(e.types))).append(",\"origin\":")
                    .append(Json.quote(e.origin.name().toLowerCase(Locale.ROOT))).append(",\"where\":").append(Json.quote(e.where))
                    .append(",\"stack\":").append(Json.stack(e.stack)).append('}');
            sep = ",";
        }
        return sb.append("]}").toString();
    }

    @SuppressWarnings("unchecked")
    static void importJson(Witness w, OrderGraph g, String json, String source) {
        Object root = Json.parse(json);
        if (!(root instanceof Map) || !"smpnet-witness-order".equals(((Map<String, Object>) root).get("format"))) {
            throw new IllegalArgumentException(source + ": not a smpnet witness order (missing \"format\")");
        }
        Map<String, Object> m = (Map<String, Object>) root;
        for (Object o : list(m, "classes", source)) {
            Map<String, Object> c = (Map<String, Object>) o;
            g.lockClass(str(c, "name", source), LockKind.valueOf(str(c, "kind", source).toUpperCase(Locale.ROOT)),
                    LockFlags.parse(str(c, "flags", source)), true);
        }
        int i = 0;
        for (Object o : list(m, "orders", source)) {
            List<String> names = new ArrayList<>();
            for (Object n : (List<Object>) o) {
                names.add((String) n);
            }
            w.declareOrder(names, "at " + source + " orders[" + i++ + "]");
        }
        for (Object o : list(m, "blessed", source)) {
            Map<String, Object> b = (Map<String, Object>) o;
            w.bless(str(b, "a", source), str(b, "b", source), str(b, "reason", source));
        }
        i = 0;
        for (Object o : list(m, "edges", source)) {
            Map<String, Object> e = (Map<String, Object>) o;
            importEdge(w, g, str(e, "from", source), str(e, "to", source), Edge.parseTypes(str(e, "types", source)),
                    "imported from " + source + " edges[" + i++ + "]");
        }
    }

    @SuppressWarnings("unchecked")
    private static List<Object> list(Map<String, Object> m, String key, String source) {
        Object v = m.get(key);
        if (v == null) {
            return new ArrayList<>();
        }
        if (!(v instanceof List)) {
            throw new IllegalArgumentException(source + ": \"" + key + "\" must be an array");
        }
        return (List<Object>) v;
    }

    private static String str(Map<String, Object> m, String key, String source) {
        Object v = m.get(key);
        if (!(v instanceof String)) {
            throw new IllegalArgumentException(source + ": \"" + key + "\" must be a string in " + m);
        }
        return (String) v;
    }
}
