package smpnet.sim.cli;

/** A command line that cannot be run; its message is shown to the user as is, followed by a hint to --help. */
public final class UsageException extends Exception {
    private static final long serialVersionUID = 1L;

    public UsageException(String message) {
        super(message);
    }
}
