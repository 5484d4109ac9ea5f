package smpnet.witness;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/** "Show witness": the order graph as text and as Graphviz DOT. */
final class GraphText {
    private GraphText() {}

    private static List<Edge> sortedEdges(OrderGraph g) {
        List<Edge> es = new ArrayList<>(g.edges());
        es.sort(Comparator.comparing((Edge e) -> e.from.name()).thenComparing(e -> e.to.name()));
        return es;
    }

    static String text(OrderGraph g) {
        List<LockClass> classes = g.classes();
        classes.sort(Comparator.comparing(LockClass::name));
        List<Edge> edges = sortedEdges(g);
        StringBuilder sb = new StringBuilder("witness: show witness (").append(classes.size()).append(" classes, ")
                .append(edges.size()).append(" edges)\n");
        for (LockClass c : classes) {
            sb.append("  class ").append(c.name()).append(" (").append(ReportWriter.kindName(c)).append(", flags ")
                    .append(LockFlags.names(c.flags())).append(")\n");
        }
        for (Edge e : edges) {
            sb.append("  ").append(e.from.name()).append(" -> ").append(e.to.name()).append(" (")
                    .append(Edge.typeNames(e.types)).append("), ").append(e.where);
            if (e.stack != null && e.stack.length > 0) {
                sb.append(" at ").append(e.stack[0]);
            }
            sb.append('\n');
        }
        for (Map.Entry<String, String> b : g.blessings().entrySet()) {
            sb.append("  blessed ").append(b.getKey()).append(": ").append(b.getValue()).append('\n');
        }
        for (String pair : g.reportedPairNames()) {
            sb.append("  reported ").append(pair.replace(" ", " <-> ")).append('\n');
        }
        return sb.toString();
    }

    static String dot(OrderGraph g) {
        StringBuilder sb = new StringBuilder("digraph witness {\n  rankdir=TB;\n  node [shape=box, fontname=\"monospace\"];\n");
        List<LockClass> classes = g.classes();
        classes.sort(Comparator.comparing(LockClass::name));
        for (LockClass c : classes) {
            sb.append("  \"").append(c.name()).append("\" [label=\"").append(c.name()).append("\\n")
                    .append(ReportWriter.kindName(c)).append("\"");
            if (c.kind() == LockKind.SPIN) {
                sb.append(", style=filled, fillcolor=lightgrey");
            }
            sb.append("];\n");
        }
        for (Edge e : sortedEdges(g)) {
            sb.append("  \"").append(e.from.name()).append("\" -> \"").append(e.to.name()).append("\" [label=\"")
                    .append(Edge.typeNames(e.types)).append('"');
            if (e.origin == Edge.Origin.DECLARED) {
                sb.append(", style=bold");
            } else if (e.origin == Edge.Origin.IMPORTED) {
                sb.append(", style=dashed");
            }
            sb.append("];\n");
        }
        for (Map.Entry<String, String> b : g.blessings().entrySet()) {
            String[] ab = b.getKey().split(" ");
            sb.append("  \"").append(ab[0]).append("\" -> \"").append(ab[1]).append("\" [dir=both, style=dotted, color=blue, label=")
                    .append(Json.quote("blessed: " + b.getValue())).append("];\n");
        }
        return sb.append("}\n").toString();
    }
}
