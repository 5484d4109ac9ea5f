package smpnet.sim.packetdrill;

/** Thrown inside a run to stop the script at its first mismatch. */
final class ScriptFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    final Outcome.Failure failure;

    ScriptFailure(Outcome.Kind kind, int line, String message) {
        super(message, null, false, false);
        this.failure = new Outcome.Failure(kind, line, message);
    }
}
