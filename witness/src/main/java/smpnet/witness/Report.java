package smpnet.witness;

import java.util.List;

/**
 * One finding of witness (a lock-order reversal or a misuse), with its stable text form (see the module
 * README, "Report format") and its JSON form. Immutable.
 */
public final class Report {
    private final ReportKind kind;
    private final int serial;
    private final String thread;
    private final List<String> classes;
    private final String text;
    private final String json;
    private final boolean quiet;
    private final String allowReason;
    /** Same problem, same key: WARN prints a key once (kind, classes, detail). */
    final String key;
    private final Object scope;
    /** The witness that made it; set once, before any listener sees the report. */
    volatile Witness witness;

    Report(ReportKind kind, int serial, String thread, List<String> classes, String text, String json,
           boolean quiet, String allowReason, String key, Object scope) {
        this.key = key;
        this.scope = scope;
        this.kind = kind;
        this.serial = serial;
        this.thread = thread;
        this.classes = List.copyOf(classes);
        this.text = text;
        this.json = json;
        this.quiet = quiet;
        this.allowReason = allowReason;
    }

    public ReportKind kind() { return kind; }

    /** Number of this report within its witness, from 1. */
    public int serial() { return serial; }

    /** Name of the thread that made the offending acquisition or call. */
    public String thread() { return thread; }

    /** The lock classes involved: for an order report, the held class first, then the one being acquired. */
    public List<String> classes() { return classes; }

    /** The report in the stable text format. */
    public String text() { return text; }

    /** The report as one JSON object. */
    public String toJson() { return json; }

    /** Same problem, same key (kind, classes, detail): for de-duplicating repeats. */
    public String key() { return key; }

    /** The report scope ({@link Witness#enterScope}) of the offending thread, or null. */
    public Object scope() { return scope; }

    /** The witness instance that made this report. */
    public Witness witness() { return witness; }

    /** True when a class involved is QUIET: counted, never printed or thrown. */
    public boolean quiet() { return quiet; }

    /** The reason of a test-scoped allowance that covered this reversal, or null when none did. */
    public String allowReason() { return allowReason; }

    /** True when an allowance ({@link Witness#allow}) covered this reversal: it does not fail a test. */
    public boolean allowed() { return allowReason != null; }

    @Override
    public String toString() { return text; }
}
