package smpnet.stack.internal.tcp;

import static smpnet.stack.internal.wire.TcpHeader.ACK;
import static smpnet.stack.internal.wire.TcpHeader.FIN;

import smpnet.stack.internal.tcp.cc.CcAlgorithm;
import smpnet.stack.socket.TcpState;
import smpnet.stack.stats.TcpStat;

/**
 * The ACK of a synchronized connection (RFC 9293 3.10.7.4 fifth step, the ACK processing of
 * {@code tcp_do_segment}): the RFC 5961 5.2 range check, the SACK scoreboard, duplicate ACKs with fast
 * retransmit and recovery (RFC 5681, 6582, 6675) and the congestion control hooks, the RTT sample, the
 * send buffer and the FIN states; then the window update (sixth step) before {@link TcpInputData} takes the
 * data.
 *
 * <p>Locking key: every method runs under the connection's inp; the send buffer is trimmed under its so_snd,
 * taken after inp, and writers are woken after so_snd is released.
 */
final class TcpInputAck {
    private TcpInputAck() {}

    /**
     * ACK processing from ESTABLISHED on (RFC 9293 3.10.7.4, "fifth, check the ACK field"); {@code synAcked}
     * is 1 when the acknowledged numbers include our SYN's and the send buffer may already hold data.
     */
    static TcpInput.End ackLocked(Tcpcb tp, Segment seg, int thflags, long tiwin, int synAcked) {
        Tcp tcp = tp.tcp;
        int ack = seg.ack;
        // RFC 5961 5.2: an ACK outside [SND.UNA - MAX.SND.WND, SND.MAX] is answered by a (challenge) ACK
        if (TcpSeq.gt(ack, tp.sndMax)) {
            tcp.stats.increment(TcpStat.RCVACKTOOMUCH);
            return TcpInput.End.DROP_AFTER_ACK;
        }
        if (TcpSeq.lt(ack, tp.sndUna - (int) Math.min(tp.maxSndWnd, Integer.MAX_VALUE))) {
            TcpInput.challengeAckLocked(tp);
            return TcpInput.End.DROP;
        }
        int[] sackBlocks = seg.opts != null && tp.has(Tcpcb.TF_SACK_PERMIT) && seg.opts.sackBlockCount() > 0
                ? seg.opts.sackBlocks() : null;
        int sackChanged = 0;
        if (tp.scoreboard != null && (sackBlocks != null || !tp.scoreboard.isEmpty())) {
            long overflows = tp.scoreboard.overflows();
            sackChanged = tp.scoreboard.update(TcpSeq.max(ack, tp.sndUna), tp.sndMax, sackBlocks);
            // each block that would add a range beyond net.inet.tcp.sack.maxholes (or globalmaxholes) is ignored
            // and counted, as tcp_sackhole_alloc counts it
            tcp.stats.add(TcpStat.SACK_SBOVERFLOW, tp.scoreboard.overflows() - overflows);
        }

        if (TcpSeq.le(ack, tp.sndUna)) {
            // a duplicate ACK (RFC 5681 2): no data, same window, data outstanding
            if (seg.tlen == 0 && (tiwin == tp.sndWnd || sackChanged > 0) && tp.sndMax != tp.sndUna
                    && ack == tp.sndUna && (thflags & FIN) == 0 && tp.ccv != null) {
                tcp.stats.increment(TcpStat.RCVDUPACK);
                dupAckLocked(tp, sackChanged > 0);
                return TcpInput.End.DROP;
            }
            if (ack == tp.sndUna) tp.dupAcks = 0;
            return stepSixLocked(tp, seg, thflags, tiwin);
        }

        // ---- new data acked ----
        int acked = ack - tp.sndUna;
        tcp.stats.add(TcpStat.RCVACKPACK, seg.nsegs); // as tcp_do_segment: every merged segment carried the ACK
        tcp.stats.add(TcpStat.RCVACKBYTE, acked);
        boolean wasRecovery = tp.has(Tcpcb.TF_FASTRECOVERY);
        if (wasRecovery && TcpSeq.lt(ack, tp.sndRecover)) {
            partialAckLocked(tp, ack);
        } else if (wasRecovery || tp.has(Tcpcb.TF_CONGRECOVERY)) {
            // recovery ends (RFC 6582 3.2 step 3, RFC 6675 5.1)
            TcpTimers.syncCc(tp);
            tp.ccv.sndUna = ack;
            tp.ccc.postRecovery();
            tp.clear(Tcpcb.TF_FASTRECOVERY | Tcpcb.TF_CONGRECOVERY);
            if (tp.scoreboard != null) tp.scoreboard.exitRecovery();
            tp.dupAcks = 0;
        } else {
            tp.dupAcks = 0;
        }
        // An RTO that was spurious (FreeBSD's bad-retransmit detection) would be undone here; we keep the backoff.
        tp.clear(Tcpcb.TF_PREVVALID);

        // RTT: from the echoed timestamp, else from the timed segment (Karn: never a retransmitted one)
        if (seg.hasTs() && seg.opts.tsEcr() != 0 && tp.has(Tcpcb.TF_RCVD_TSTMP)) {
            xmitTimerLocked(tp, ((long) (tp.tsNow() - seg.opts.tsEcr()) + 1) * 1_000_000L);
        } else if (tp.rttStartNanos != Tcpcb.NOT_TIMED && TcpSeq.gt(ack, tp.rtseq)) {
            xmitTimerLocked(tp, tp.nowNanos() - tp.rttStartNanos);
        }

        // all outstanding data acked: no timer; otherwise restart it (RFC 6298 5.3)
        if (ack == tp.sndMax) {
            tp.rexmt.stop();
        } else if (!tp.persist.pending()) {
            tp.rexmt.reset(tp.rxtCurNanos);
        }

        // congestion control: the window grows (unless in recovery)
        if (tp.ccc != null && !tp.has(Tcpcb.TF_FASTRECOVERY)) {
            TcpTimers.syncCc(tp);
            tp.ccc.ackReceived(acked, CcAlgorithm.AckType.ACK);
        }

        // drop what was acked from the send buffer; a FIN we sent takes one number beyond it
        boolean ourFinIsAcked = false;
        if (tp.so != null) {
            StreamBuffer snd = tp.so.snd();
            snd.lock.lock();
            try {
                int cc = snd.ccLocked();
                int ackedData = acked - synAcked;
                if (ackedData > cc) {
                    snd.dropLocked(cc);
                    ourFinIsAcked = tp.has(Tcpcb.TF_SENTFIN);
                } else {
                    snd.dropLocked(ackedData);
                }
            } finally {
                snd.lock.unlock();
            }
            tp.so.writableLocked();
        } else {
            ourFinIsAcked = tp.has(Tcpcb.TF_SENTFIN) && ack == tp.sndMax;
        }
        tp.sndUna = ack;
        if (TcpSeq.lt(tp.sndNxt, tp.sndUna)) tp.sndNxt = tp.sndUna;
        if (tp.scoreboard != null && !tp.has(Tcpcb.TF_FASTRECOVERY) && TcpSeq.ge(tp.sndUna, tp.sndMax)) {
            tp.scoreboard.clear();
        }

        switch (tp.state) {
            case FIN_WAIT_1 -> {
                if (ourFinIsAcked) {
                    // The application closed (or shut down) and the peer has our FIN: if the socket can read no
                    // more, FIN_WAIT_2 is bounded (TP_MAXIDLE through the 2MSL timer).
                    if (tp.so == null || tp.so.closedByUserLocked()) {
                        if (tp.so != null) tp.so.disconnectedLocked();
                        tp.twoMsl.reset(tp.keepCnt * tp.keepIntvlNanos);
                    }
                    tp.state = TcpState.FIN_WAIT_2;
                }
            }
            case CLOSING -> {
                if (ourFinIsAcked) {
                    tcp.timeWaitLocked(tp);
                    return TcpInput.End.DROP;
                }
            }
            case LAST_ACK -> {
                if (ourFinIsAcked) {
                    tcp.closeLocked(tp);
                    return TcpInput.End.DROP;
                }
            }
            default -> { }
        }
        return stepSixLocked(tp, seg, thflags, tiwin);
    }

    /** A duplicate ACK: fast retransmit at the third (RFC 5681 3.2, 6582, 6675 with SACK). */
    private static void dupAckLocked(Tcpcb tp, boolean sackChanged) {
        Tcp tcp = tp.tcp;
        if (!tp.rexmt.pending()) {
            tp.dupAcks = 0;
            return;
        }
        if (tp.has(Tcpcb.TF_FASTRECOVERY)) {
            // in recovery: each dup ACK lets more out (NewReno's inflation, or SACK's pipe)
            if (tp.scoreboard == null) tp.ccc.dupAckInRecovery();
            TcpOutput.outputLocked(tp);
            return;
        }
        tp.dupAcks++;
        boolean sackLost = tp.scoreboard != null && tp.scoreboard.isLost(tp.sndUna);
        if (tp.dupAcks >= SackScoreboard.DUP_THRESH || sackLost) {
            if (tp.scoreboard == null && TcpSeq.le(tp.sndUna, tp.sndRecover)) {
                tp.dupAcks = 0; // RFC 6582 4.1: no new recovery for losses of the window already recovered
                return;
            }
            TcpTimers.syncCc(tp);
            tp.ccc.congSignal(CcAlgorithm.Signal.DUPACK);
            tp.set(Tcpcb.TF_FASTRECOVERY | Tcpcb.TF_CONGRECOVERY);
            tp.ccv.inFastRecovery = true;
            tp.ccv.inCongRecovery = true;
            tp.sndRecover = tp.sndMax;
            tp.ccv.recover = tp.sndMax;
            tp.rexmt.stop();
            tp.rttStartNanos = Tcpcb.NOT_TIMED;
            if (tp.scoreboard != null) {
                tcp.stats.increment(TcpStat.SACK_RECOVERY_EPISODE);
                tp.ccv.cwnd = tp.ccv.ssthresh; // RFC 6675 5 step 4.2: the pipe decides what goes
                SackScoreboard.Segment first = tp.scoreboard.enterRecovery(tp.sndUna, tp.sndMax);
                if (first != null) TcpOutput.retransmitLocked(tp, first.seq(), first.len());
                TcpOutput.outputLocked(tp);
                return;
            }
            // NewReno: resend the first unacked segment, then inflate by the segments that left the network
            int onxt = tp.sndNxt;
            tp.sndNxt = tp.sndUna;
            tp.ccv.cwnd = tp.effectiveMaxseg();
            TcpOutput.outputLocked(tp);
            tp.ccv.cwnd = (int) Math.min(tp.ccv.maxCwnd(), tp.ccv.ssthresh + (long) tp.effectiveMaxseg() * tp.dupAcks);
            if (TcpSeq.gt(onxt, tp.sndNxt)) tp.sndNxt = onxt;
            return;
        }
        // RFC 3042 limited transmit: one new segment for each of the first two dup ACKs
        long ocwnd = tp.ccv.cwnd;
        tp.ccv.cwnd = (int) Math.min(Integer.MAX_VALUE, (long) (tp.sndMax - tp.sndUna) + tp.effectiveMaxseg());
        TcpOutput.outputLocked(tp);
        tp.ccv.cwnd = (int) ocwnd;
    }

    /** A partial ACK in recovery (RFC 6582 3.2 step 5; RFC 6675 keeps going by the scoreboard). */
    private static void partialAckLocked(Tcpcb tp, int ack) {
        tp.rexmt.stop();
        tp.rttStartNanos = Tcpcb.NOT_TIMED;
        if (tp.scoreboard != null) return; // output below sends by NextSeg
        int onxt = tp.sndNxt;
        long ocwnd = tp.ccv.cwnd;
        tp.sndNxt = ack;
        tp.ccv.cwnd = tp.effectiveMaxseg();
        int acked = ack - tp.sndUna;
        tp.sndUna = ack; // output measures from the new SND.UNA; the caller sets it again
        TcpOutput.outputLocked(tp);
        tp.ccv.cwnd = (int) ocwnd;
        if (TcpSeq.gt(onxt, tp.sndNxt)) tp.sndNxt = onxt;
        tp.ccc.partialAck(acked); // deflate by what was acked, add back one segment (RFC 6582 3.2 step 5)
        tp.sndUna = ack - acked;
    }

    /** Step six: the window update (RFC 9293 3.10.7.4), then data and FIN. */
    private static TcpInput.End stepSixLocked(Tcpcb tp, Segment seg, int thflags, long tiwin) {
        if (tp.dropped) return TcpInput.End.DROP;
        boolean needOutput = false;
        if ((thflags & ACK) != 0 && (TcpSeq.lt(tp.sndWl1, seg.seq) || (tp.sndWl1 == seg.seq
                && (TcpSeq.lt(tp.sndWl2, seg.ack) || (tp.sndWl2 == seg.ack && tiwin > tp.sndWnd))))) {
            if (seg.tlen == 0 && tp.sndWl2 == seg.ack && tiwin > tp.sndWnd) tp.tcp.stats.increment(TcpStat.RCVWINUPD);
            tp.sndWnd = tiwin;
            tp.sndWl1 = seg.seq;
            tp.sndWl2 = seg.ack;
            if (tp.sndWnd > tp.maxSndWnd) tp.maxSndWnd = tp.sndWnd;
            needOutput = true;
        }
        TcpInput.End e = TcpInputData.dataLocked(tp, seg, thflags, tiwin, needOutput);
        return e;
    }

    /**
     * tcp_xmit_timer: one RTT sample; the backoff ends with it. After more than TCP_RTT_INVALIDATE timeouts
     * the estimate is stale and the sample is taken as a first one (FreeBSD 14 decides this here, not in
     * tcp_timer_rexmt: the timeouts of the backoff itself still come from the estimate before it).
     */
    static void xmitTimerLocked(Tcpcb tp, long rttNanos) {
        tp.tcp.stats.increment(TcpStat.RTTUPDATED);
        if (tp.rxtShift > RttEstimator.RTT_INVALIDATE_SHIFT) tp.rtt.invalidate();
        tp.rtt.sample(Math.max(1, rttNanos));
        tp.rxtShift = 0;
        tp.rxtCurNanos = tp.rtt.rtoNanos();
        tp.rttStartNanos = Tcpcb.NOT_TIMED;
    }
}
