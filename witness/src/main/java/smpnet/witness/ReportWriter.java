package smpnet.witness;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Writes reports in the stable text format and in JSON, from the same facts. The text format is
 * documented in the module README ("Report format"); change both together.
 */
final class ReportWriter {
    private final StringBuilder text = new StringBuilder();
    private final StringBuilder json = new StringBuilder();
    private final ReportKind kind;
    private final String title;
    private final int serial;
    private final String thread;
    private final List<String> classes = new ArrayList<>();
    private String detail = "";

    ReportWriter(ReportKind kind, int serial, String thread) {
        this.kind = kind;
        this.title = kind.title();
        this.serial = serial;
        this.thread = thread;
        text.append("witness: ").append(title).append(" #").append(serial).append(" in thread \"").append(thread).append("\"\n");
        json.append("{\"kind\":").append(Json.quote(kind.name())).append(",\"title\":").append(Json.quote(title))
                .append(",\"serial\":").append(serial).append(",\"thread\":").append(Json.quote(thread));
    }

    static String kindName(LockClass c) { return c.kind().name().toLowerCase(Locale.ROOT); }

    static String mode(boolean exclusive) { return exclusive ? "exclusive" : "shared"; }

    ReportWriter involve(LockClass c) {
        if (!classes.contains(c.name())) {
            classes.add(c.name());
        }
        return this;
    }

    /** "  key: value" in text; "key":"value" in JSON. */
    ReportWriter line(String key, String value) {
        if (key.equals("detail")) {
            detail = value;
        }
        text.append("  ").append(key).append(": ").append(value).append('\n');
        json.append(',').append(Json.quote(key.replace(' ', '_'))).append(':').append(Json.quote(value));
        return this;
    }

    /** "  key: name (kind, mode)" in text; an object in JSON. */
    ReportWriter lock(String key, LockClass c, boolean exclusive) {
        involve(c);
        text.append("  ").append(key).append(": ").append(c.name()).append(" (").append(kindName(c)).append(", ")
                .append(mode(exclusive)).append(")\n");
        json.append(',').append(Json.quote(key.replace(' ', '_'))).append(":{\"class\":").append(Json.quote(c.name()))
                .append(",\"kind\":").append(Json.quote(kindName(c))).append(",\"mode\":").append(Json.quote(mode(exclusive)))
                .append('}');
        return this;
    }

    /** A list of locks under one key (several offending locks of a misuse). */
    ReportWriter locks(String key, List<ThreadState.Held> locks) {
        StringBuilder j = new StringBuilder("[");
        for (ThreadState.Held h : locks) {
            involve(h.cls);
            text.append("  ").append(key).append(": ").append(h.cls.name()).append(" (").append(kindName(h.cls))
                    .append(", ").append(mode(h.exclusive)).append(")\n");
            j.append(j.length() == 1 ? "" : ",").append("{\"class\":").append(Json.quote(h.cls.name()))
                    .append(",\"kind\":").append(Json.quote(kindName(h.cls))).append(",\"mode\":")
                    .append(Json.quote(mode(h.exclusive))).append('}');
        }
        json.append(',').append(Json.quote(key.replace(' ', '_') + "s")).append(':').append(j).append(']');
        return this;
    }

    /** The cycle and established path of an order finding, each edge with where it was first seen. */
    ReportWriter cycle(LockClass held, LockClass acquiring, List<OrderGraph.Step> path) {
        List<String> established = new ArrayList<>();
        established.add(path.get(0).edge.from.name());
        for (OrderGraph.Step st : path) {
            established.add(st.edge.to.name());
            involve(st.edge.from);
        }
        List<String> cycle = new ArrayList<>();
        cycle.add(held.name());
        cycle.addAll(established);
        text.append("  established order: ").append(String.join(" -> ", established)).append('\n');
        text.append("  cycle: ").append(String.join(" -> ", cycle)).append('\n');
        json.append(",\"established\":").append(Json.strings(established)).append(",\"cycle\":").append(Json.strings(cycle))
                .append(",\"edges\":[");
        boolean first = true;
        for (OrderGraph.Step st : path) {
            Edge e = st.edge;
            String types = Edge.typeNames(e.types);
            text.append("  edge ").append(e.from.name()).append(" -> ").append(e.to.name()).append(" (").append(types)
                    .append("), ").append(e.where).append(":\n");
            Frames.append(text, e.stack, "    ");
            json.append(first ? "" : ",").append("{\"from\":").append(Json.quote(e.from.name())).append(",\"to\":")
                    .append(Json.quote(e.to.name())).append(",\"types\":").append(Json.quote(types)).append(",\"origin\":")
                    .append(Json.quote(e.origin.name().toLowerCase(Locale.ROOT))).append(",\"where\":")
                    .append(Json.quote(e.where)).append(",\"stack\":").append(Json.stack(e.stack)).append('}');
            first = false;
        }
        json.append(']');
        return this;
    }

    /** The n-thread interleaving that deadlocks: thread 1 is this one, then one thread per established edge. */
    ReportWriter interleaving(LockClass held, boolean heldExclusive, LockClass acquiring, boolean acqExclusive,
                              List<OrderGraph.Step> path) {
        List<String> lines = new ArrayList<>();
        lines.add(wants(1, held, heldExclusive, acquiring, acqExclusive));
        int n = 2;
        for (OrderGraph.Step st : path) {
            lines.add(wants(n++, st.edge.from, st.fromExclusive(), st.edge.to, st.toExclusive()));
        }
        return list("deadlock interleaving", "interleaving", lines);
    }

    private static String wants(int n, LockClass h, boolean hx, LockClass w, boolean wx) {
        return "thread " + n + " holds " + h.name() + " (" + mode(hx) + ") and wants " + w.name() + " (" + mode(wx) + ")";
    }

    ReportWriter list(String textKey, String jsonKey, List<String> lines) {
        text.append("  ").append(textKey).append(":\n");
        for (String l : lines) {
            text.append("    ").append(l).append('\n');
        }
        json.append(',').append(Json.quote(jsonKey)).append(':').append(Json.strings(lines));
        return this;
    }

    ReportWriter stack(String key, StackTraceElement[] stack) {
        text.append("  ").append(key).append(":\n");
        Frames.append(text, stack, "    ");
        json.append(",\"stack\":").append(Json.stack(stack));
        return this;
    }

    ReportWriter held(ThreadState.Held[] held) {
        json.append(",\"held\":[");
        if (held.length == 0) {
            text.append("  held locks: none\n");
        } else {
            text.append("  held locks:\n");
        }
        for (int i = 0; i < held.length; i++) {
            ThreadState.Held h = held[i];
            text.append("    ").append(i + 1).append(". ").append(heldLine(h)).append('\n');
            json.append(i == 0 ? "" : ",").append("{\"class\":").append(Json.quote(h.cls.name())).append(",\"kind\":")
                    .append(Json.quote(kindName(h.cls))).append(",\"mode\":").append(Json.quote(mode(h.exclusive)))
                    .append(",\"recursed\":").append(h.recursed).append(",\"site\":")
                    .append(Json.quote(Frames.site(h.site))).append('}');
        }
        json.append(']');
        return this;
    }

    /** "name (kind, mode[, recursed n]) at site": one held lock, as in reports and "show locks". */
    static String heldLine(ThreadState.Held h) {
        return h.cls.name() + " (" + kindName(h.cls) + ", " + mode(h.exclusive)
                + (h.recursed > 0 ? ", recursed " + h.recursed : "") + ") at " + Frames.site(h.site);
    }

    /** The offender's report scope: the calling thread's unless set (a dead thread's is its own). */
    private Object scope = Witness.currentScope();

    ReportWriter scope(Object s) {
        scope = s;
        return this;
    }

    Report build(boolean quiet, String allowReason) {
        if (allowReason != null) {
            text.append("  allowed: ").append(allowReason).append('\n');
        }
        json.append(",\"classes\":").append(Json.strings(classes)).append(",\"allowed\":").append(Json.quote(allowReason))
                .append('}');
        String key = kind + (allowReason != null ? " allowed " : " ") + String.join(" ", classes) + " " + detail;
        return new Report(kind, serial, thread, classes, text.toString(), json.toString(), quiet, allowReason, key, scope);
    }
}
