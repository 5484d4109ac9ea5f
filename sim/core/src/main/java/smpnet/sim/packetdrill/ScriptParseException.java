package smpnet.sim.packetdrill;

/** A script that cannot be read: the message names the file and line, and what was expected there. */
public final class ScriptParseException extends Exception {
    private static final long serialVersionUID = 1L;

    private final String file;
    private final int line;

    public ScriptParseException(String file, int line, String problem) {
        super(file + ":" + line + ": " + problem);
        this.file = file;
        this.line = line;
    }

    public String file() { return file; }

    public int line() { return line; }
}
