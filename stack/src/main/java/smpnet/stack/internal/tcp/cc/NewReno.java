package smpnet.stack.internal.tcp.cc;

/**
 * NewReno (FreeBSD 14's {@code cc_newreno} with the defaults: beta 50%, ABC on, no HyStart++): RFC 5681 slow
 * start and congestion avoidance counted in bytes (RFC 3465 Appropriate Byte Counting, L = 2·SMSS per ACK), the
 * RFC 5681/6582 window reduction on loss, the RFC 6582 exit from recovery. The window inflation and partial-ACK
 * deflation of RFC 6582 recovery are in {@link CongestionControl}, as FreeBSD keeps them in tcp_input.
 *
 * <p>Locking: stateless; hooks run under the connection's pcb lock.
 */
public final class NewReno implements CcAlgorithm {
    public static final NewReno INSTANCE = new NewReno();

    /** FreeBSD's {@code net.inet.tcp.cc.newreno.beta}: the window is halved on loss. */
    static final int BETA_PERCENT = 50;

    private static final CcState NO_STATE = new CcState() {};

    private NewReno() {}

    @Override public String name() { return "newreno"; }

    @Override public CcState newState(CcVars v) { return NO_STATE; }

    @Override public void ackReceived(CcVars v, AckType type) {
        if (type != AckType.ACK || v.inRecovery() || !v.cwndLimited) return;
        if (v.cwnd > v.ssthresh) {
            // Congestion avoidance with ABC: one SMSS per cwnd of ACKed bytes.
            if (!v.abcSentAwnd) return;
            v.abcSentAwnd = false;
            grow(v, v.maxseg);
        } else {
            slowStart(v);
        }
    }

    /**
     * RFC 5681 slow start with RFC 3465 ABC: cwnd grows by the bytes ACKed, at most L·SMSS per segment ACKed,
     * and at most one SMSS while snd_nxt is behind snd_max (slow start after an RTO: RFC 3465 section 2.3).
     */
    static void slowStart(CcVars v) {
        int limit = v.sndNxt == v.sndMax ? v.nsegs * v.abcL * v.maxseg : v.maxseg;
        grow(v, Math.min(v.bytesThisAck, limit));
    }

    static void grow(CcVars v, int incr) {
        if (incr > 0) v.cwnd = (int) Math.min((long) v.cwnd + incr, v.maxCwnd());
    }

    @Override public void congSignal(CcVars v, Signal type) {
        int win = (int) Math.max((long) v.cwnd * BETA_PERCENT / (100L * v.maxseg), 2) * v.maxseg;
        switch (type) {
            case DUPACK -> {
                if (!v.inFastRecovery) {
                    if (!v.inCongRecovery) v.ssthresh = win;
                    v.inFastRecovery = true;
                    v.inCongRecovery = true;
                }
            }
            case ECN -> {
                if (!v.inCongRecovery) {
                    v.ssthresh = win;
                    v.cwnd = win;
                    v.inCongRecovery = true;
                }
            }
            case RTO -> rtoReduce(v);
            case RTO_ERR -> { }
        }
    }

    /** RFC 5681 equation (4) after a timeout: ssthresh = max(FlightSize / 2, 2·SMSS), cwnd = one SMSS. */
    static void rtoReduce(CcVars v) {
        v.ssthresh = Math.max(Math.min(v.sndWnd, v.cwnd) / 2 / v.maxseg, 2) * v.maxseg;
        v.cwnd = v.maxseg;
    }

    @Override public void postRecovery(CcVars v) {
        if (v.inFastRecovery) v.cwnd = recoveryExitWindow(v, v.ssthresh);
    }

    /**
     * RFC 6582 section 3.2 step 3 (full ACK), FreeBSD's choice: if less than ssthresh is in flight, cwnd =
     * max(flight, SMSS) + SMSS so no burst follows; otherwise {@code normal}.
     */
    static int recoveryExitWindow(CcVars v, int normal) {
        int pipe = v.flight();
        return pipe < v.ssthresh ? Math.max(pipe, v.maxseg) + v.maxseg : normal;
    }

    @Override public void afterIdle(CcVars v) { restartAfterIdle(v); }

    /**
     * RFC 5681 section 4.1: cwnd falls to the restart window (the initial window, if smaller); RFC 2861 section
     * 2: ssthresh keeps at least 3/4 of the old cwnd so slow start brings it back.
     */
    static void restartAfterIdle(CcVars v) {
        int rw = CcAlgorithms.initialWindow(v.maxseg, v.initcwndSegments);
        v.ssthresh = Math.max(v.ssthresh, v.cwnd - (v.cwnd >> 2));
        v.cwnd = Math.min(rw, v.cwnd);
    }
}
