package smpnet.stack.internal.tcp.cc;

/** NewReno: RFC 5681 with ABC (L = 2) as FreeBSD, RFC 6582 recovery (FreeBSD's cc_newreno). */
public final class NewReno implements CcAlgorithm {
    public static final NewReno INSTANCE = new NewReno();

    @Override public String name() { return "newreno"; }
    @Override public CcState newState(CcVars v) { throw new UnsupportedOperationException("not yet"); }
    @Override public void ackReceived(CcVars v, AckType type) { throw new UnsupportedOperationException("not yet"); }
    @Override public void congSignal(CcVars v, Signal type) { throw new UnsupportedOperationException("not yet"); }
    @Override public void postRecovery(CcVars v) { throw new UnsupportedOperationException("not yet"); }
    @Override public void afterIdle(CcVars v) { throw new UnsupportedOperationException("not yet"); }
}
