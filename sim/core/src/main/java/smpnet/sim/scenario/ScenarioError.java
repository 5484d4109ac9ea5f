package smpnet.sim.scenario;

/**
 * A scenario file that cannot be run: its message names the file, the line, the field and what was expected,
 * as {@code FILE:LINE: FIELD: expected ..., found ...}.
 */
public final class ScenarioError extends Exception {
    private static final long serialVersionUID = 1L;

    private final int line;
    private final String field;

    public ScenarioError(String file, int line, String field, String problem) {
        super(file + ":" + line + ": " + (field.isEmpty() ? "" : field + ": ") + problem);
        this.line = line;
        this.field = field;
    }

    /** The line of the file (1 for the first), 0 when the file as a whole is at fault. */
    public int line() { return line; }

    /** The field's path, as {@code hosts[1].nics[0].queues}; empty for the document itself. */
    public String field() { return field; }
}
