package smpnet.stack.internal.tcp.cc;

/** CUBIC (RFC 9438, FreeBSD 14's cc_cubic). */
public final class Cubic implements CcAlgorithm {
    public static final Cubic INSTANCE = new Cubic();

    @Override public String name() { return "cubic"; }
    @Override public CcState newState(CcVars v) { throw new UnsupportedOperationException("not yet"); }
    @Override public void ackReceived(CcVars v, AckType type) { throw new UnsupportedOperationException("not yet"); }
    @Override public void congSignal(CcVars v, Signal type) { throw new UnsupportedOperationException("not yet"); }
    @Override public void postRecovery(CcVars v) { throw new UnsupportedOperationException("not yet"); }
    @Override public void afterIdle(CcVars v) { throw new UnsupportedOperationException("not yet"); }
}
