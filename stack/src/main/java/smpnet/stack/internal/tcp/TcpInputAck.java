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
     * is 1 when the acknowledged numbers include our SYN's and the send buffer may already hold data. Reads
     * as tcp_do_segment's: the range check, the SACK scoreboard, a duplicate ACK; then {@code process_ACK}
     * for an ACK of new data: recovery, the RTT, the retransmit timer, congestion control, the send buffer,
     * the FIN states. The window update and the data follow ({@link #stepSixLocked}).
     */
    static TcpInput.End ackLocked(Tcpcb tp, Segment seg, int thflags, long tiwin, int synAcked) {
        int ack = seg.ack;
        TcpInput.End outOfRange = ackOutOfRangeLocked(tp, ack);
        if (outOfRange != null) return outOfRange;
        int sackChanged = sackUpdateLocked(tp, seg, ack);
        if (TcpSeq.le(ack, tp.sndUna)) return oldAckLocked(tp, seg, thflags, tiwin, sackChanged);

        // process_ACK: new data acked
        int acked = ack - tp.sndUna;
        tp.tcp.stats.add(TcpStat.RCVACKPACK, seg.nsegs); // as tcp_do_segment: every merged segment carried the ACK
        tp.tcp.stats.add(TcpStat.RCVACKBYTE, acked);
        recoveryOnAckLocked(tp, ack);
        // An RTO that was spurious (FreeBSD's bad-retransmit detection) would be undone here; we keep the backoff.
        tp.clear(Tcpcb.TF_PREVVALID);
        rttOnAckLocked(tp, seg, ack);
        rexmtTimerOnAckLocked(tp, ack);
        // "Let the congestion control algorithm update congestion control related information": the window
        // grows (unless in recovery)
        if (tp.ccc != null && !tp.has(Tcpcb.TF_FASTRECOVERY)) {
            TcpTimers.syncCc(tp);
            tp.ccc.ackReceived(acked, CcAlgorithm.AckType.ACK);
        }
        boolean ourFinIsAcked = dropAckedLocked(tp, ack, acked - synAcked);
        tp.sndUna = ack;
        if (TcpSeq.lt(tp.sndNxt, tp.sndUna)) tp.sndNxt = tp.sndUna;
        if (tp.scoreboard != null && !tp.has(Tcpcb.TF_FASTRECOVERY) && TcpSeq.ge(tp.sndUna, tp.sndMax)) {
            // Everything is acked: the scoreboard starts afresh. One with no block has nothing to forget (no
            // SACKed bytes, and no recovery, which only TF_FASTRECOVERY's episodes enter), and is not loaded.
            if (!tp.scoreboardEmptyLocked()) {
                tp.scoreboard.clear();
                tp.scoreboardChangedLocked();
            }
            assert tp.scoreboard.sackedBytes() == 0 && !tp.scoreboard.inRecovery() : "an empty scoreboard at rest";
        }
        if (ourFinIsAcked && finAckedLocked(tp)) return TcpInput.End.DROP;
        return stepSixLocked(tp, seg, thflags, tiwin);
    }

    /**
     * RFC 5961 5.2: an ACK beyond SND.MAX is dropped with an ACK; one before SND.UNA - MAX.SND.WND is
     * answered by a challenge ACK. Null for an ACK in range.
     */
    private static TcpInput.End ackOutOfRangeLocked(Tcpcb tp, int ack) {
        if (TcpSeq.gt(ack, tp.sndMax)) {
            tp.tcp.stats.increment(TcpStat.RCVACKTOOMUCH);
            return TcpInput.End.DROP_AFTER_ACK;
        }
        if (TcpSeq.lt(ack, tp.sndUna - (int) Math.min(tp.maxSndWnd, Integer.MAX_VALUE))) {
            TcpInput.challengeAckLocked(tp);
            return TcpInput.End.DROP;
        }
        return null;
    }

    /**
     * tcp_sack_doack: the segment's SACK blocks (if SACK was negotiated) update the scoreboard; returns what
     * it says changed (more than 0: new data SACKed, which makes an ACK a duplicate even if the window moved).
     */
    private static int sackUpdateLocked(Tcpcb tp, Segment seg, int ack) {
        int[] sackBlocks = seg.opts != null && tp.has(Tcpcb.TF_SACK_PERMIT) && seg.opts.sackBlockCount() > 0
                ? seg.opts.sackBlocks() : null;
        if (tp.scoreboard == null || (sackBlocks == null && tp.scoreboardEmptyLocked())) return 0;
        long overflows = tp.scoreboard.overflows();
        int sackChanged = tp.scoreboard.update(TcpSeq.max(ack, tp.sndUna), tp.sndMax, sackBlocks);
        tp.scoreboardChangedLocked();
        // each block that would add a range beyond net.inet.tcp.sack.maxholes (or globalmaxholes) is ignored
        // and counted, as tcp_sackhole_alloc counts it
        tp.tcp.stats.add(TcpStat.SACK_SBOVERFLOW, tp.scoreboard.overflows() - overflows);
        return sackChanged;
    }

    /**
     * An ACK of nothing new. A duplicate ACK (RFC 5681 2: no data, same window or new SACK information, data
     * outstanding, no FIN) goes to fast retransmit and recovery ({@link #dupAckLocked}) and ends there; any
     * other resets the duplicate count (if it acknowledges snd_una) and goes on to the window update.
     */
    private static TcpInput.End oldAckLocked(Tcpcb tp, Segment seg, int thflags, long tiwin, int sackChanged) {
        int ack = seg.ack;
        if (seg.tlen == 0 && (tiwin == tp.sndWnd || sackChanged > 0) && tp.sndMax != tp.sndUna
                && ack == tp.sndUna && (thflags & FIN) == 0 && tp.ccv != null) {
            tp.tcp.stats.increment(TcpStat.RCVDUPACK);
            dupAckLocked(tp, sackChanged > 0);
            return TcpInput.End.DROP;
        }
        if (ack == tp.sndUna) tp.dupAcks = 0;
        return stepSixLocked(tp, seg, thflags, tiwin);
    }

    /**
     * The ACK of new data in or out of recovery: a partial ACK keeps fast recovery going
     * ({@link #partialAckLocked}); a full one ends fast or congestion recovery (RFC 6582 3.2 step 3, RFC 6675
     * 5.1, cc_post_recovery); the duplicate ACK count restarts.
     */
    private static void recoveryOnAckLocked(Tcpcb tp, int ack) {
        boolean wasRecovery = tp.has(Tcpcb.TF_FASTRECOVERY);
        if (wasRecovery && TcpSeq.lt(ack, tp.sndRecover)) {
            partialAckLocked(tp, ack);
        } else if (wasRecovery || tp.has(Tcpcb.TF_CONGRECOVERY)) {
            TcpTimers.syncCc(tp);
            tp.ccv.sndUna = ack;
            tp.ccc.postRecovery();
            tp.clear(Tcpcb.TF_FASTRECOVERY | Tcpcb.TF_CONGRECOVERY);
            if (tp.scoreboard != null) tp.scoreboard.exitRecovery();
            tp.dupAcks = 0;
        } else {
            tp.dupAcks = 0;
        }
    }

    /**
     * "If we have a timestamp reply, update smoothed round trip time. If no timestamp is present but transmit
     * timer is running and timed sequence number was acked, update smoothed round trip time" (Karn: the timed
     * segment is never a retransmitted one).
     */
    private static void rttOnAckLocked(Tcpcb tp, Segment seg, int ack) {
        if (seg.hasTs() && seg.opts.tsEcr() != 0 && tp.has(Tcpcb.TF_RCVD_TSTMP)) {
            xmitTimerLocked(tp, ((long) (tp.tsNow() - seg.opts.tsEcr()) + 1) * 1_000_000L);
        } else if (tp.rttStartNanos != Tcpcb.NOT_TIMED && TcpSeq.gt(ack, tp.rtseq)) {
            xmitTimerLocked(tp, tp.nowNanos() - tp.rttStartNanos);
        }
    }

    /**
     * "If all outstanding data is acked, stop retransmit timer ... If there is more data to be acked, restart
     * retransmit timer, using current (possibly backed-off) value" (RFC 6298 5.3), unless persisting.
     */
    private static void rexmtTimerOnAckLocked(Tcpcb tp, int ack) {
        if (ack == tp.sndMax) {
            tp.timer.disarm(TcpTimer.REXMT);
        } else if (!tp.timer.armed(TcpTimer.PERSIST)) {
            tp.timer.arm(TcpTimer.REXMT, tp.rxtCurNanos);
        }
    }

    /**
     * Drops the {@code ackedData} bytes acked from the send buffer (sbdrop) and wakes writers; returns whether
     * our FIN is acked too (the ACK covers one number beyond the buffer's data).
     */
    private static boolean dropAckedLocked(Tcpcb tp, int ack, int ackedData) {
        if (tp.so == null) return tp.has(Tcpcb.TF_SENTFIN) && ack == tp.sndMax;
        boolean ourFinIsAcked = false;
        StreamBuffer snd = tp.so.snd();
        snd.lock.lock();
        try {
            int cc = snd.ccLocked();
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
        return ourFinIsAcked;
    }

    /**
     * Our FIN is acked: FIN_WAIT_1 enters FIN_WAIT_2 (bounded, TP_MAXIDLE through the 2MSL timer, when the
     * socket can read no more); CLOSING enters TIME_WAIT and LAST_ACK closes, and for those two the segment
     * ends here (true).
     */
    private static boolean finAckedLocked(Tcpcb tp) {
        switch (tp.state) {
            case FIN_WAIT_1 -> {
                if (tp.so == null || tp.so.closedByUserLocked()) {
                    if (tp.so != null) tp.so.disconnectedLocked();
                    tp.timer.arm(TcpTimer.TWO_MSL, tp.keepCnt * tp.keepIntvlNanos);
                }
                tp.state = TcpState.FIN_WAIT_2;
                return false;
            }
            case CLOSING -> {
                TcpTimeWait.startLocked(tp);
                return true;
            }
            case LAST_ACK -> {
                tp.tcp.closeLocked(tp);
                return true;
            }
            default -> {
                return false;
            }
        }
    }

    /** A duplicate ACK: fast retransmit at the third (RFC 5681 3.2, 6582, 6675 with SACK). */
    private static void dupAckLocked(Tcpcb tp, boolean sackChanged) {
        Tcp tcp = tp.tcp;
        if (!tp.timer.armed(TcpTimer.REXMT)) {
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
            tp.timer.disarm(TcpTimer.REXMT);
            tp.rttStartNanos = Tcpcb.NOT_TIMED;
            if (tp.scoreboard != null) {
                tcp.stats.increment(TcpStat.SACK_RECOVERY_EPISODE);
                tp.ccv.cwnd = tp.ccv.ssthresh; // RFC 6675 5 step 4.2: the pipe decides what goes
                SackScoreboard.Segment first = tp.scoreboard.enterRecovery(tp.sndUna, tp.sndMax);
                tp.scoreboardChangedLocked(); // the blocks below SND.UNA went
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
        tp.timer.disarm(TcpTimer.REXMT);
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
