package smpnet.stack.internal.tcp;

import smpnet.stack.internal.tcp.cc.CcAlgorithm;
import smpnet.stack.internal.wire.TcpHeader;

/**
 * Explicit Congestion Notification for TCP (RFC 3168), as FreeBSD 14's {@code tcp_ecn.c} does it for
 * {@code net.inet.tcp.ecn.enable} 1 and 2 (Accurate ECN, 3 and 4, is not modelled):
 *
 * <ul>
 *   <li>Negotiation (RFC 3168 6.1.1): our SYN carries ECE and CWR when the setting is 1, on retransmissions
 *       only up to {@code net.inet.tcp.ecn.maxretries}; a peer's SYN with ECE and CWR is accepted when the
 *       setting is 1 or 2 (the SYN-ACK then carries ECE alone), and a SYN-ACK with ECE without CWR accepts
 *       ours. A connection that negotiated ECN has {@link #ECN_PERMIT}.</li>
 *   <li>Data (6.1.2): new data segments leave ECN-capable, ECT(0); retransmissions, window probes and pure
 *       control segments do not.</li>
 *   <li>Feedback (6.1.3): a segment arriving with CE makes every segment we send carry ECE until the peer's
 *       CWR; an ECE we receive is a congestion signal (cc_cong_signal with CC_ECN), answered by CWR on the
 *       next new data segment.</li>
 * </ul>
 *
 * <p>Locking: every method runs under the connection's {@code inp} (the SYN cache's under its bucket lock);
 * the state lives in {@link Tcpcb#flags2}.
 */
final class TcpEcn {
    /** t_flags2: ECN was negotiated (TF2_ECN_PERMIT). */
    static final int ECN_PERMIT = 0x1;
    /** t_flags2: a CE mark arrived; ECE goes out until the peer's CWR (TF2_ECN_SND_ECE). */
    static final int ECN_SND_ECE = 0x2;
    /** t_flags2: the window was reduced for an ECE; CWR goes out on the next new data (TF2_ECN_SND_CWR). */
    static final int ECN_SND_CWR = 0x4;

    /** The ECN field of the IP header's TOS byte (RFC 3168 5). */
    static final int ECN_MASK = 0x3;
    static final int ECT0 = 0x2;
    static final int CE = 0x3;

    private static final int ECE = TcpHeader.ECE;
    private static final int CWR = TcpHeader.CWR;

    private TcpEcn() {}

    /** tcp_ecn_output_syn_sent: the ECN flags of our SYN (its first send and the retransmissions allowed). */
    static int synSentFlags(Tcpcb tp) {
        TcpSettings set = tp.tcp.settings;
        if (set.ecn != 1) return 0;
        return tp.rxtShift == 0 || tp.rxtShift <= set.ecnMaxRetries ? ECE | CWR : 0;
    }

    /** tcp_ecn_syncache_add: a peer's SYN asks for ECN (ECE and CWR both) and this host accepts it. */
    static boolean synRequests(TcpSettings set, int thflags) {
        return set.ecn != 0 && (thflags & (ECE | CWR)) == (ECE | CWR);
    }

    /** tcp_ecn_input_syn_sent: a SYN-ACK with ECE and without CWR accepts the ECN our SYN asked for. */
    static void synAckReceived(Tcpcb tp, int thflags) {
        if (tp.tcp.settings.ecn == 0) return;
        if ((thflags & (ECE | CWR)) == ECE) tp.flags2 |= ECN_PERMIT;
    }

    /**
     * tcp_ecn_input_parallel_syn: in a simultaneous open, the peer's SYN (no ACK) with ECE and CWR enables ECN,
     * and our SYN-ACK answers with ECE.
     */
    static void parallelSynReceived(Tcpcb tp, int thflags) {
        if ((thflags & TcpHeader.ACK) != 0 || tp.tcp.settings.ecn == 0) return;
        if ((thflags & (ECE | CWR)) == (ECE | CWR)) tp.flags2 |= ECN_PERMIT | ECN_SND_ECE;
    }

    /**
     * tcp_ecn_input_segment, on every segment of a connection that negotiated ECN: CWR from the peer ends
     * our ECE echo (and an ACK goes at once), a CE mark starts it, and an ECE (not on a SYN) is a congestion
     * signal to the congestion control, which reduces the window once per window of data and has CWR sent.
     */
    static void segmentReceived(Tcpcb tp, int thflags, int iptos) {
        if ((tp.flags2 & ECN_PERMIT) == 0) return;
        boolean signal = (thflags & (TcpHeader.SYN | ECE)) == ECE;
        if ((thflags & CWR) != 0) {
            tp.flags2 &= ~ECN_SND_ECE;
            tp.set(Tcpcb.TF_ACKNOW);
        }
        if ((iptos & ECN_MASK) == CE) tp.flags2 |= ECN_SND_ECE;
        if (signal && tp.ccc != null) {
            // cc_cong_signal(CC_ECN): outside a congestion recovery the window is reduced and CWR is owed
            if (!tp.ccv.inCongRecovery) tp.flags2 |= ECN_SND_CWR;
            tp.ccc.congSignal(CcAlgorithm.Signal.ECN);
        }
    }

    /** tcp_ecn_output_established: a segment of {@code len} bytes is new data, the kind ECN marks. */
    static boolean newData(Tcpcb tp, int len, boolean rxmit) {
        return len > 0 && TcpSeq.ge(tp.sndNxt, tp.sndMax) && !rxmit && !(tp.has(Tcpcb.TF_FORCEDATA) && len == 1);
    }

    /**
     * tcp_ecn_output_established's flags, for a segment of a connection that negotiated ECN: ECE while a CE
     * mark is unanswered, CWR on the first new data after a window reduction (sent once).
     */
    static int outputFlags(Tcpcb tp, int flags, boolean newData) {
        if ((tp.flags2 & ECN_PERMIT) == 0) return flags;
        if (newData && (tp.flags2 & ECN_SND_CWR) != 0) {
            flags |= CWR;
            tp.flags2 &= ~ECN_SND_CWR;
        }
        if ((tp.flags2 & ECN_SND_ECE) != 0) flags |= ECE;
        return flags;
    }

    /** The IP ECN field of a segment: ECT(0) for new data of a connection that negotiated ECN, else Not-ECT. */
    static int codepoint(Tcpcb tp, boolean newData) {
        return (tp.flags2 & ECN_PERMIT) != 0 && newData ? ECT0 : 0;
    }
}
