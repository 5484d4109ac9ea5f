package smpnet.stack.internal.tcp.cc;

/**
 * A congestion-control algorithm (FreeBSD's {@code struct cc_algo}). Stateless itself; per-connection state
 * lives in the {@link CcState} of the connection's {@link CcVars}.
 *
 * <p>Locking: hooks run under the connection's pcb lock held by the caller.
 */
public interface CcAlgorithm {
    /** Kinds of ACK given to {@link #ackReceived} (FreeBSD CC_ACK, CC_DUPACK). */
    enum AckType { ACK, DUPACK }

    /** Congestion signals (FreeBSD CC_NDUPACK, CC_ECN, CC_RTO, CC_RTO_ERR). */
    enum Signal { DUPACK, ECN, RTO, RTO_ERR }

    String name();

    /** A new connection's state (conn_init); also called by {@link CcVars#attach}. */
    CcState newState(CcVars v);

    /** An ACK arrived; {@code v.bytesThisAck}, {@code v.cwndLimited} and {@code v.abcSentAwnd} are set. */
    void ackReceived(CcVars v, AckType type);

    void congSignal(CcVars v, Signal type);

    void postRecovery(CcVars v);

    void afterIdle(CcVars v);
}
