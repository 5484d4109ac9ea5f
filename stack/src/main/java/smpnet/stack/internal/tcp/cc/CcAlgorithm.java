package smpnet.stack.internal.tcp.cc;

/**
 * A congestion-control algorithm (FreeBSD's {@code struct cc_algo}, cc(4)). An algorithm object is shared and
 * stateless; a connection's state lives in the {@link CcState} held by its {@link CcVars}. Callers normally go
 * through {@link CongestionControl}, which does the bookkeeping FreeBSD's {@code tcp_input.c} does around each
 * hook ({@code cc_ack_received}, {@code cc_cong_signal}, {@code cc_post_recovery}).
 *
 * <p>Locking: hooks run under the connection's pcb lock held by the caller.
 */
public interface CcAlgorithm {
    /** Kinds of ACK given to {@link #ackReceived} (FreeBSD CC_ACK, CC_DUPACK). */
    enum AckType { ACK, DUPACK }

    /** Congestion signals (FreeBSD CC_NDUPACK, CC_ECN, CC_RTO, CC_RTO_ERR). */
    enum Signal { DUPACK, ECN, RTO, RTO_ERR }

    /** The name {@code net.inet.tcp.cc.algorithm} selects it by. */
    String name();

    /** A new connection's state (cb_init + conn_init); cwnd is already the initial window. */
    CcState newState(CcVars v);

    /**
     * conn_init alone, again on a running connection: FreeBSD calls it when PMTU black-hole detection changes
     * the MSS. None by default (NewReno has none).
     */
    default void connInit(CcVars v) {}

    /** An ACK arrived; {@code v.bytesThisAck}, {@code v.cwndLimited} and {@code v.abcSentAwnd} are set. */
    void ackReceived(CcVars v, AckType type);

    /** A congestion signal: sets ssthresh (and cwnd where the signal calls for it), enters recovery. */
    void congSignal(CcVars v, Signal type);

    /** Recovery ends (a full ACK, {@code v.sndUna} already the ACK): sets the cwnd to continue with. */
    void postRecovery(CcVars v);

    /** Sending resumes after an idle period longer than the RTO (RFC 5681 section 4.1). */
    void afterIdle(CcVars v);
}
