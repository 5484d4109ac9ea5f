package smpnet.stack.internal.tcp.cc;

import smpnet.stack.internal.tcp.cc.CcAlgorithm.AckType;
import smpnet.stack.internal.tcp.cc.CcAlgorithm.Signal;

/**
 * One connection's congestion control: its algorithm and variables, and the bookkeeping FreeBSD does around
 * the algorithm's hooks in {@code tcp_input.c} and {@code tcp_timer.c} ({@code cc_conn_init},
 * {@code cc_ack_received}, {@code cc_cong_signal}, {@code cc_post_recovery}, {@code cc_after_idle}), plus the
 * RFC 5681 / RFC 6582 window arithmetic of fast recovery without SACK (window inflation per duplicate ACK,
 * deflation on a partial ACK). Input processing decides when each applies; this class changes the window.
 *
 * <p>Locking: not thread-safe; every method runs under the connection's pcb lock ({@code inp}, or Giant in
 * Giant mode) held by the caller.
 */
public final class CongestionControl {
    private final CcAlgorithm algo;
    private final CcVars v;

    /**
     * Connection start ({@code cc_conn_init}): cwnd becomes the initial window for {@code v.maxseg} and
     * {@code v.initcwndSegments} unless the caller set one (a host cache entry), then the algorithm attaches.
     */
    public CongestionControl(CcAlgorithm algo, CcVars v) {
        this.algo = algo;
        this.v = v;
        if (v.cwnd == 0) v.cwnd = CcAlgorithms.initialWindow(v.maxseg, v.initcwndSegments);
        v.attach(algo);
    }

    public CcAlgorithm algorithm() { return algo; }

    public CcVars vars() { return v; }

    /**
     * An ACK ({@code cc_ack_received}): {@code bytesThisAck} new bytes acknowledged (0 for a duplicate), the
     * caller having updated {@code v.sndWnd}. Counts bytes for ABC in congestion avoidance (at most L·SMSS per
     * segment ACKed) and flags a whole cwnd ACKed, then lets the algorithm grow the window.
     */
    public void ackReceived(int bytesThisAck, AckType type) {
        v.bytesThisAck = bytesThisAck;
        v.cwndLimited = v.cwnd <= v.sndWnd;
        if (type == AckType.ACK) {
            if (v.cwnd > v.ssthresh) {
                v.bytesAcked += Math.min(bytesThisAck, v.nsegs * v.abcL * v.maxseg);
                if (v.bytesAcked >= v.cwnd) {
                    v.bytesAcked -= v.cwnd;
                    v.abcSentAwnd = true;
                }
            } else {
                v.abcSentAwnd = false;
                v.bytesAcked = 0;
            }
        }
        algo.ackReceived(v, type);
    }

    /**
     * A congestion signal ({@code cc_cong_signal}). Loss (DUPACK) outside fast recovery sets RFC 6582's recover
     * to snd_max; an RTO remembers the window for a later RTO_ERR (at the first timeout of a series, as FreeBSD
     * does when {@code v.rxtShift} is 1), leaves recovery and resets ABC; RTO_ERR (the RTO proved spurious)
     * restores what the RTO remembered.
     */
    public void congSignal(Signal type) {
        switch (type) {
            case DUPACK -> {
                if (!v.inFastRecovery) v.recover = v.sndMax;
            }
            case ECN -> {
                if (!v.inCongRecovery) v.recover = v.sndMax;
            }
            case RTO -> {
                if (v.rxtShift == 1) {
                    v.beforeRto = new CcVars.Saved(v.cwnd, v.ssthresh, v.recover, v.inFastRecovery, v.inCongRecovery);
                }
                v.recover = v.sndMax;
                v.bytesAcked = 0;
                v.inFastRecovery = false;
                v.inCongRecovery = false;
            }
            case RTO_ERR -> {
                CcVars.Saved b = v.beforeRto;
                if (b == null) return; // no RTO to undo
                v.cwnd = b.cwnd();
                v.ssthresh = b.ssthresh();
                v.recover = b.recover();
                v.inFastRecovery = b.inFastRecovery();
                v.inCongRecovery = b.inCongRecovery();
            }
        }
        algo.congSignal(v, type);
    }

    /**
     * RFC 6582 section 3.2 step 2: duplicate ACKs start a fast retransmit only if the cumulative ACK covers more
     * than recover (otherwise they are echoes of an earlier recovery's retransmissions).
     */
    public boolean mayFastRetransmit(int ack) { return ack - v.recover > 0; }

    /**
     * Enters fast recovery on the {@code dupAcks}-th duplicate ACK (RFC 5681 section 3.2 steps 2-3): signals the
     * loss (ssthresh falls, recover = snd_max); the caller retransmits the first unacknowledged segment; the
     * window is then ssthresh + dupAcks·SMSS, one SMSS for each segment the duplicates say has left the network.
     */
    public void enterFastRecovery(int dupAcks) {
        congSignal(Signal.DUPACK);
        v.cwnd = (int) Math.min((long) v.ssthresh + (long) dupAcks * v.maxseg, v.maxCwnd());
    }

    /** A further duplicate ACK in fast recovery (RFC 5681 section 3.2 step 4): cwnd grows by one SMSS. */
    public void dupAckInRecovery() {
        if (v.inFastRecovery) NewReno.grow(v, v.maxseg);
    }

    /** RFC 6582 section 3.2 step 5: an ACK in fast recovery that does not reach recover is partial. */
    public boolean isPartialAck(int ack) { return v.inFastRecovery && ack - v.recover < 0; }

    /**
     * A partial ACK of {@code bytesThisAck} bytes (RFC 6582 section 3.2 step 5, FreeBSD's
     * {@code tcp_newreno_partial_ack}): the window deflates by the bytes acknowledged and gains one SMSS back;
     * the caller retransmits the first unacknowledged segment. Recovery continues.
     */
    public void partialAck(int bytesThisAck) {
        v.cwnd = Math.max(v.cwnd - bytesThisAck, 0) + v.maxseg;
    }

    /**
     * Recovery ends with a full ACK (RFC 6582 section 3.2 step 6; {@code cc_post_recovery}): {@code v.sndUna}
     * must already be the ACK. The algorithm sets the window; recovery flags and ABC's count are cleared.
     */
    public void postRecovery() {
        algo.postRecovery(v);
        v.inFastRecovery = false;
        v.inCongRecovery = false;
        v.bytesAcked = 0;
    }

    /** Sending resumes after more than an RTO of idleness ({@code cc_after_idle}). */
    public void afterIdle() { algo.afterIdle(v); }

    /** The algorithm's conn_init on a running connection (after PMTU black-hole detection changed the MSS). */
    public void connInit() { algo.connInit(v); }
}
