package smpnet.stack.internal.tcp;

import static smpnet.stack.internal.wire.TcpHeader.ACK;
import static smpnet.stack.internal.wire.TcpHeader.FIN;
import static smpnet.stack.internal.wire.TcpHeader.RST;
import static smpnet.stack.internal.wire.TcpHeader.SYN;

import smpnet.stack.internal.tcp.cc.CcVars;
import smpnet.stack.socket.TcpState;
import smpnet.stack.stats.TcpStat;

/**
 * The segment that answers our SYN (RFC 9293 3.10.7.3, the SYN-SENT block of {@code tcp_do_segment}): the
 * SYN-ACK's options, the data of a Fast Open SYN it acknowledges, the RTT of the SYN; or, for a bare SYN, a
 * simultaneous open. The ACK of our SYN-ACK, which establishes a passive open. And what every connection
 * does once established ({@code cc_conn_init} and what tcp_input does beside it), whichever side opened
 * it: congestion control, SACK scoreboard, reassembly queue, keepalive.
 *
 * <p>Locking key: every method runs under the connection's inp; a Fast Open SYN-ACK takes so_snd after inp
 * to drop the data it acknowledges.
 */
final class TcpInputHandshake {
    private TcpInputHandshake() {}

    /** SYN-SENT (RFC 9293 3.10.7.3). */
    static TcpInput.End synSentLocked(Tcpcb tp, Segment seg, long tiwin) {
        Tcp tcp = tp.tcp;
        int thflags = seg.flags;
        if ((thflags & ACK) != 0 && (TcpSeq.le(seg.ack, tp.iss) || TcpSeq.gt(seg.ack, tp.sndMax))) {
            return TcpInput.End.DROP_WITH_RESET;
        }
        if ((thflags & RST) != 0) {
            if ((thflags & ACK) != 0) tcp.dropLocked(tp, Tcp.ECONNREFUSED);
            return TcpInput.End.DROP;
        }
        if ((thflags & SYN) == 0) return TcpInput.End.DROP;

        // The SYN's options (tcp_input's SYN-SENT block): ECN of a simultaneous open, scale, timestamps, SACK, MSS.
        TcpEcn.parallelSynReceived(tp, thflags);
        TcpOptions.Parsed to = seg.opts;
        if (to != null && to.wscale() >= 0 && tp.has(Tcpcb.TF_REQ_SCALE)) {
            tp.set(Tcpcb.TF_RCVD_SCALE);
            tp.sndScale = Math.min(to.wscale(), TcpOptions.MAX_WSCALE);
        } else {
            tp.clear(Tcpcb.TF_REQ_SCALE);
        }
        if (to != null && to.hasTimestamp() && tp.has(Tcpcb.TF_REQ_TSTMP)) {
            tp.set(Tcpcb.TF_RCVD_TSTMP);
            tp.tsRecent = to.tsVal();
            tp.tsRecentAgeNanos = tcp.scheduler.nanoTime();
        } else {
            tp.clear(Tcpcb.TF_REQ_TSTMP);
        }
        if (to == null || !to.sackPermitted()) tp.clear(Tcpcb.TF_SACK_PERMIT);
        TcpMss.setMssLocked(tp, to == null ? -1 : to.mss());
        if (to != null && to.mss() >= 0) TcpMss.roundBuffersToMssLocked(tp); // tcp_mss, with TOF_MSS only
        if (tp.has(Tcpcb.TF_RCVD_SCALE)) tp.rcvScale = tp.requestRScale;

        tp.irs = seg.seq;
        tp.rcvNxt = seg.seq + 1;
        tp.rcvAdv = tp.rcvNxt;
        if ((thflags & ACK) != 0) {
            tcp.stats.increment(TcpStat.CONNECTS);
            tp.sndUna++; // our SYN is acked
            boolean resendSynData = tp.tfoClientCookie != null && tp.has(Tcpcb.TF_FASTOPEN) && fastOpenSynAckLocked(tp, seg);
            TcpEcn.synAckReceived(tp, thflags);
            if (TcpSeq.lt(tp.sndNxt, tp.sndUna)) tp.sndNxt = tp.sndUna;
            establishedLocked(tp);
            tp.timer.disarm(TcpTimer.REXMT);
            rttSampleFromSynLocked(tp, seg);
            if (tp.so != null) tp.so.connectedLocked();  // an active open has no listener: always kept
            // FreeBSD acks a SYN-ACK at once unless data rides on it (then delayed-ack rules apply)
            if (seg.tlen > 0 && TcpInputData.delayAck(tp, tp.rcvNxt, seg.tlen) && !resendSynData) {
                tp.set(Tcpcb.TF_DELACK);
                tp.timer.arm(TcpTimer.DELACK, tcp.settings.delackNanos);
            } else {
                tp.set(Tcpcb.TF_ACKNOW);
            }
        } else {
            // simultaneous open (RFC 9293 3.10.7.3 fifth step): SYN-RECEIVED, SYN-ACK from the same ISS. The
            // connection is half-synchronized (TF_NEEDSYN): the SYN-ACK goes out once, here, and again only
            // when the retransmit timer says so, never because some later output finds the SYN bit set.
            tp.state = TcpState.SYN_RECEIVED;
            tp.set(Tcpcb.TF_ACKNOW | Tcpcb.TF_NEEDSYN);
            tp.timer.disarm(TcpTimer.REXMT);
            tp.sndNxt = tp.iss; // resend our SYN, now with an ACK
            // data on the peer's SYN waits in the reassembly queue until the handshake completes (tcp_reass
            // presents nothing before ESTABLISHED)
            tp.reass = newReassemblyQueue(tp);
        }
        // data on the SYN beyond the window is dropped; the rest is processed below
        seg.seq++;
        tp.rcvUp = seg.seq;
        if (seg.tlen > tp.rcvWnd) {
            seg.tlen = (int) tp.rcvWnd;
            seg.flags &= ~FIN;
        }
        tp.sndWl1 = seg.seq - 1;
        tp.sndWl2 = seg.ack;
        tp.sndWnd = tiwin;
        tp.maxSndWnd = Math.max(tp.maxSndWnd, tiwin);
        TcpInput.End e = TcpInputData.dataLocked(tp, seg, seg.flags & ~SYN, tiwin, true);
        if (e == TcpInput.End.DONE || e == TcpInput.End.DROP) TcpOutput.outputLocked(tp);
        return e == TcpInput.End.DONE ? TcpInput.End.DROP : e;
    }

    /**
     * The SYN-ACK of our Fast Open SYN (tcp_input's SYN-SENT block and process_ACK): the data of the SYN it
     * acknowledges leaves the send buffer, the cookie cache learns the answer ({@link TcpFastOpen}), and what
     * it does not acknowledge is resent at once (snd_nxt back to the ACK). True if something must be resent.
     */
    private static boolean fastOpenSynAckLocked(Tcpcb tp, Segment seg) {
        Tcp tcp = tp.tcp;
        int synData = tp.sndMax - tp.sndUna;
        int acked = TcpSeq.gt(seg.ack, tp.sndUna) ? seg.ack - tp.sndUna : 0;
        if (acked > 0) {
            tcp.stats.increment(TcpStat.RCVACKPACK);
            tcp.stats.add(TcpStat.RCVACKBYTE, acked);
            tcp.stats.increment(TcpStat.TFO_SYN_DATA_ACKED);
            if (tp.so != null) {
                StreamBuffer snd = tp.so.snd();
                snd.lock.lock();
                try {
                    snd.dropLocked(Math.min(acked, snd.ccLocked()));
                } finally {
                    snd.lock.unlock();
                }
                tp.so.writableLocked();
            }
            tp.sndUna = seg.ack;
        }
        tcp.fastOpen.synAckReceivedLocked(tp, seg.opts, synData > 0 && tp.sndUna == tp.sndMax);
        if (tp.sndUna == tp.sndMax) return false;
        tp.sndNxt = tp.sndUna;
        return true;
    }

    /** The RTT of the SYN, measured from the SYN-ACK (timestamps or the timed SYN, never a retransmitted one). */
    private static void rttSampleFromSynLocked(Tcpcb tp, Segment seg) {
        if (seg.hasTs() && seg.opts.tsEcr() != 0 && tp.has(Tcpcb.TF_RCVD_TSTMP)) {
            TcpInputAck.xmitTimerLocked(tp, ((long) (tp.tsNow() - seg.opts.tsEcr()) + 1) * 1_000_000L);
        } else if (tp.rttStartNanos != Tcpcb.NOT_TIMED && TcpSeq.gt(seg.ack, tp.rtseq)) {
            TcpInputAck.xmitTimerLocked(tp, tp.tcp.scheduler.nanoTime() - tp.rttStartNanos);
        }
    }

    /**
     * SYN-RECEIVED: the ACK of our SYN-ACK (RFC 9293 3.10.7.4) establishes the connection, then goes on
     * through ACK processing as any ACK.
     */
    static TcpInput.End synReceivedAckLocked(Tcpcb tp, Segment seg, int thflags, long tiwin) {
        Tcp tcp = tp.tcp;
        if (TcpSeq.le(seg.ack, tp.sndUna) || TcpSeq.gt(seg.ack, tp.sndMax)) return TcpInput.End.DROP_WITH_RESET;
        tcp.stats.increment(TcpStat.CONNECTS);
        tp.clear(Tcpcb.TF_NEEDSYN); // a simultaneous open is now fully synchronized
        tp.tfoPendingDoneLocked(); // a Fast Open connection no longer counts against its listener
        establishedLocked(tp);
        if (tp.so != null && !tp.so.connectedLocked()) {
            tcp.dropLocked(tp, Tcp.ECONNABORTED); // its listener closed meanwhile
            return TcpInput.End.DROP;
        }
        // Data queued before the handshake completed (a simultaneous open's SYN carried some) goes up now
        // unless this segment's own data or FIN will take it along below. As in FreeBSD, which calls
        // tcp_reass(tp, NULL, ...) and ignores what it returns, a FIN queued with that data is not
        // processed here: its sequence number stays unacknowledged until the peer sends it again.
        if (seg.tlen == 0 && (thflags & FIN) == 0) TcpInputData.presentQueuedLocked(tp);
        // the ACK of our SYN-ACK also goes through the processing below (it acks one sequence number,
        // which a Fast Open connection's send buffer, holding data before the handshake, must not lose)
        return TcpInputAck.ackLocked(tp, seg, thflags, tiwin, tp.has(Tcpcb.TF_FASTOPEN) ? 1 : 0);
    }

    /**
     * The connection is established (cc_conn_init and what tcp_input does beside it): congestion control with
     * the initial window (one segment if the SYN or SYN-ACK was retransmitted: RFC 5681 3.1), SACK
     * scoreboard, reassembly queue, keepalive; then the state: ESTABLISHED, or FIN-WAIT-1 if the application
     * closed before it was (TF_NEEDFIN).
     */
    static void establishedLocked(Tcpcb tp) {
        Tcp tcp = tp.tcp;
        tp.lastRecvNanos = tcp.scheduler.nanoTime();
        int smss = tp.effectiveMaxseg();
        tp.ccv = new CcVars(smss, tp::nowNanos);
        tp.ccv.initcwndSegments = tcp.settings.initcwndSegments;
        if (tp.has(Tcpcb.TF_SYN_REXMT)) tp.ccv.cwnd = smss; // else cc_conn_init's initial window
        TcpTimers.syncCc(tp);
        tp.ccc = new smpnet.stack.internal.tcp.cc.CongestionControl(tp.cc, tp.ccv);
        if (tp.has(Tcpcb.TF_SACK_PERMIT)) {
            tp.scoreboard = new SackScoreboard(smss, tcp.settings.sackMaxHoles, tcp.sackBlocks,
                    () -> tcp.settings.sackGlobalMaxHoles);
        }
        if (tp.reass == null) tp.reass = newReassemblyQueue(tp); // a simultaneous open has one already
        tp.timer.disarm(TcpTimer.KEEP); // the connection-establishment timeout is over
        tp.timer.arm(TcpTimer.KEEP, tp.keepIdleNanos); // always armed: the timer itself asks for SO_KEEPALIVE or always_keepalive
        if (tp.has(Tcpcb.TF_NEEDFIN)) {
            tp.state = TcpState.FIN_WAIT_1;
            tp.clear(Tcpcb.TF_NEEDFIN);
        } else {
            tp.state = TcpState.ESTABLISHED;
        }
    }

    /** The connection's reassembly queue, sized for net.inet.tcp.recvbuf_max in segments of the current MSS. */
    private static TcpReassemblyQueue newReassemblyQueue(Tcpcb tp) {
        long rcvBytes = tp.tcp.settings.recvbufMax;
        int smss = tp.effectiveMaxseg();
        return new TcpReassemblyQueue(Math.max(16, (int) Math.min(Integer.MAX_VALUE, rcvBytes / smss + 1)),
                (int) Math.min(Integer.MAX_VALUE, Math.max(rcvBytes, 65536)), tp.tcp.reassRuns);
    }
}
