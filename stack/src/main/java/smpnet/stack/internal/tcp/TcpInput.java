package smpnet.stack.internal.tcp;

import smpnet.stack.internal.wire.TcpHeader;
import smpnet.stack.mbuf.Mbuf;
import smpnet.stack.socket.TcpState;
import smpnet.stack.stats.TcpStat;

/**
 * The state machine for a segment that found its connection (FreeBSD's {@code tcp_do_segment}), in RFC 9293
 * 3.10.7's order; this class decides whether the segment is acceptable at all. SYN-SENT goes to
 * {@link TcpInputHandshake}; then come RST (RFC 5961 3), SYN (RFC 5961 4), PAWS (RFC 7323 5) and trimming to
 * the window; the ACK goes on to {@link TcpInputAck} (after the ACK of our SYN-ACK has established a passive
 * open, in {@link TcpInputHandshake}), which hands the window update, data and FIN to {@link TcpInputData}.
 * The ACK war limiter and the challenge ACK (RFC 5961 7) sit here, beside the checks that send them. A
 * segment for a connection in TIME_WAIT goes to {@link TcpTimeWait} instead.
 *
 * <p>Locking key: every method runs under the connection's inp (asserted at the entry); the receive buffer's
 * free space is read under its so_rcv, taken after inp.
 */
final class TcpInput {
    private TcpInput() {}

    private static final int SYN = TcpHeader.SYN;
    private static final int ACK = TcpHeader.ACK;
    private static final int FIN = TcpHeader.FIN;
    private static final int RST = TcpHeader.RST;
    private static final int PSH = TcpHeader.PSH;
    /** TCP_PAWS_IDLE: a ts_recent older than 24 days is no longer compared against. */
    private static final long PAWS_IDLE_NANOS = 24L * 24 * 3600 * 1_000_000_000L;

    /** What processing decided to do at the end (FreeBSD's goto targets). */
    enum End { DONE, DROP, DROP_AFTER_ACK, DROP_WITH_RESET }

    /**
     * Processes {@code seg} for connection {@code tp} (any state but LISTEN and TIME_WAIT). Returns false: the
     * segment never needs to be looked up again.
     */
    static boolean segmentLocked(Tcpcb tp, Segment seg) {
        tp.lock.assertOwned();
        long savedClock = tp.clockNanos;
        tp.clockNanos = tp.tcp.scheduler.nanoTime();
        try {
            return endLocked(tp, seg, processLocked(tp, seg));
        } finally {
            tp.clockNanos = savedClock;
        }
    }

    private static boolean endLocked(Tcpcb tp, Segment seg, End end) {
        switch (end) {
            case DROP_AFTER_ACK -> {
                // RFC 9293 3.10.7.4: an unacceptable segment is answered by an ACK, except a RST; a bad ACK in
                // SYN-RECEIVED by a RST (it belongs to no connection we know)
                if (tp.state == TcpState.SYN_RECEIVED && seg.has(ACK)
                        && (TcpSeq.gt(tp.sndUna, seg.ack) || TcpSeq.gt(seg.ack, tp.sndMax))) {
                    tp.tcp.dropWithReset(seg, tp);
                } else if (!seg.has(RST) && !tp.dropped) {
                    // a wholly duplicate segment took its place in the ACK war budget already (ACKNOW is set)
                    if (tp.has(Tcpcb.TF_ACKNOW) || ackWarAllows(tp)) {
                        tp.set(Tcpcb.TF_ACKNOW);
                        TcpOutput.outputLocked(tp);
                    }
                }
            }
            case DROP_WITH_RESET -> tp.tcp.dropWithReset(seg, tp);
            default -> { }
        }
        return false;
    }

    private static End processLocked(Tcpcb tp, Segment seg) {
        Tcp tcp = tp.tcp;
        TcpSettings set = tcp.settings;
        long now = tp.clockNanos;
        int thflags = seg.flags;
        TcpOptions.Parsed to = seg.opts;

        // Segment received on the connection: idle time restarts (the keepalive timer, when it fires, sets itself
        // again for the rest of keepidle, as in FreeBSD: no callout moved per segment).
        tp.lastRecvNanos = now;

        // The receive window: buffer space, never less than what was advertised (tcp_do_segment).
        tp.rcvWnd = Math.max(0, Math.max(freeSpace(tp), TcpSeq.gt(tp.rcvAdv, tp.rcvNxt) ? tp.rcvAdv - tp.rcvNxt : 0));

        // ECN feedback (tcp_ecn_input_segment), before anything else looks at the segment, as FreeBSD does
        TcpEcn.segmentReceived(tp, thflags, seg.iptos);

        // Window scaling applies to every segment but a SYN (RFC 7323 2.2).
        long tiwin = (thflags & SYN) == 0 ? ((long) seg.win << tp.sndScale) : seg.win;

        if (tp.state == TcpState.SYN_SENT) return TcpInputHandshake.synSentLocked(tp, seg, tiwin);

        // RFC 7323 3.2: once timestamps are in use, a segment without one (RST aside) is dropped unless tolerated.
        if (tp.has(Tcpcb.TF_RCVD_TSTMP) && !seg.hasTs() && (thflags & RST) == 0 && !set.tolerateMissingTs) {
            return End.DROP;
        }

        // RST (RFC 5961 3.2), then a SYN in a synchronized state (RFC 5961 4.2). SYN-RECEIVED is exempt from
        // the latter (FreeBSD tcp_do_segment): there the SYN bit is ignored, or trimmed below when it is the
        // peer's SYN again.
        if ((thflags & RST) != 0) return rstLocked(tp, seg);
        if ((thflags & SYN) != 0 && tp.haveReceivedSyn() && tp.state != TcpState.SYN_RECEIVED) {
            return synLocked(tp, seg);
        }

        // PAWS (RFC 7323 5.3): an older timestamp than ts_recent marks an old duplicate.
        if (seg.hasTs() && tp.has(Tcpcb.TF_RCVD_TSTMP) && tp.tsRecentAgeNanos != 0 && TcpSeq.lt(to.tsVal(), tp.tsRecent)) {
            if (now - tp.tsRecentAgeNanos > PAWS_IDLE_NANOS) {
                tp.tsRecent = 0; // RFC 7323 5.5: a ts_recent idle for 24 days is invalid
            } else {
                tcp.stats.increment(TcpStat.RCVDUPPACK);
                tcp.stats.add(TcpStat.RCVDUPBYTE, seg.tlen);
                tcp.stats.increment(TcpStat.PAWSDROP);
                return seg.tlen > 0 ? End.DROP_AFTER_ACK : End.DROP;
            }
        }

        // Trim what is before RCV.NXT (duplicate data); a SYN there is the peer's SYN again and goes first.
        int todrop = tp.rcvNxt - seg.seq;
        if (todrop > 0 && (thflags & SYN) != 0) {
            thflags &= ~SYN;
            seg.seq++;
            todrop--;
        }
        if (todrop > 0) {
            if (todrop > seg.tlen || (todrop == seg.tlen && (thflags & FIN) == 0)) {
                // all of it is old: a duplicate, which must be acked (its ACK may have been lost)
                thflags &= ~FIN;
                if (ackWarAllows(tp)) tp.set(Tcpcb.TF_ACKNOW);
                todrop = seg.tlen;
                tcp.stats.increment(TcpStat.RCVDUPPACK);
                tcp.stats.add(TcpStat.RCVDUPBYTE, todrop);
            } else {
                tcp.stats.increment(TcpStat.RCVPARTDUPPACK);
                tcp.stats.add(TcpStat.RCVPARTDUPBYTE, todrop);
            }
            if (todrop > 0 && tp.has(Tcpcb.TF_SACK_PERMIT) && tp.reass != null) {
                // RFC 2883: report the duplicate range as a D-SACK block, at once (the next in-order
                // segment would otherwise be acked without it)
                tp.reass.noteDuplicate(seg.seq, seg.seq + todrop);
                tp.reassChangedLocked();
                tp.set(Tcpcb.TF_ACKNOW);
            }
            seg.trimFront(todrop);
        }

        // Data after the application closed the socket: nobody will read it (RFC 9293 3.10.7.4, FreeBSD).
        if (tp.so != null && tp.so.closedByUserLocked() && tp.state.ordinal() > TcpState.CLOSE_WAIT.ordinal()
                && seg.tlen > 0) {
            tcp.stats.increment(TcpStat.RCVAFTERCLOSE);
            tcp.closeLocked(tp);
            return End.DROP_WITH_RESET;
        }

        // Trim what is beyond the window.
        todrop = (seg.seq + seg.tlen) - (tp.rcvNxt + (int) tp.rcvWnd);
        if (todrop > 0) {
            tcp.stats.increment(TcpStat.RCVPACKAFTERWIN);
            if (todrop >= seg.tlen) {
                tcp.stats.add(TcpStat.RCVBYTEAFTERWIN, seg.tlen);
                // A zero-window probe at RCV.NXT is acked (with the window still closed).
                if (tp.rcvWnd == 0 && seg.seq == tp.rcvNxt) {
                    tp.set(Tcpcb.TF_ACKNOW);
                    tcp.stats.increment(TcpStat.RCVWINPROBE);
                } else {
                    return End.DROP_AFTER_ACK;
                }
            } else {
                tcp.stats.add(TcpStat.RCVBYTEAFTERWIN, todrop);
            }
            seg.tlen -= Math.min(todrop, seg.tlen);
            thflags &= ~(PSH | FIN);
        }

        // Record the timestamp to echo (RFC 7323 4.3): only from a segment covering last_ack_sent.
        if (seg.hasTs() && TcpSeq.le(seg.seq, tp.lastAckSent)
                && TcpSeq.le(tp.lastAckSent, seg.seq + seg.tlen + ((thflags & (SYN | FIN)) != 0 ? 1 : 0))) {
            tp.tsRecentAgeNanos = now;
            tp.tsRecent = to.tsVal();
        }

        if ((thflags & ACK) == 0) {
            if (tp.state == TcpState.SYN_RECEIVED || tp.has(Tcpcb.TF_NEEDSYN)) {
                return TcpInputData.dataLocked(tp, seg, thflags, tiwin, false);
            }
            return tp.has(Tcpcb.TF_ACKNOW) ? End.DROP_AFTER_ACK : End.DROP;
        }

        // ---- the ACK ----------------------------------------------------------------------------------
        if (tp.state == TcpState.SYN_RECEIVED) return TcpInputHandshake.synReceivedAckLocked(tp, seg, thflags, tiwin);
        return TcpInputAck.ackLocked(tp, seg, thflags, tiwin, 0);
    }

    /**
     * A RST (RFC 5961 3.2): only at RCV.NXT (exactly last_ack_sent) does it reset (anywhere in the window with
     * net.inet.tcp.insecure_rst); elsewhere in the window it gets a challenge ACK; outside the window it is
     * ignored. The segment goes no further.
     */
    private static End rstLocked(Tcpcb tp, Segment seg) {
        Tcp tcp = tp.tcp;
        if ((TcpSeq.ge(seg.seq, tp.lastAckSent) && TcpSeq.lt(seg.seq, tp.lastAckSent + (int) tp.rcvWnd))
                || (tp.rcvWnd == 0 && tp.lastAckSent == seg.seq)) {
            if (tcp.settings.insecureRst || tp.lastAckSent == seg.seq) {
                tcp.stats.increment(TcpStat.DROPS);
                int errno = tp.state == TcpState.SYN_RECEIVED ? Tcp.ECONNREFUSED : Tcp.ECONNRESET;
                if (tp.so != null) tp.so.errorBeforeDisconnectLocked(errno); // closeLocked wakes
                tcp.closeLocked(tp, errno);
            } else {
                tcp.stats.increment(TcpStat.BADRST);
                challengeAckLocked(tp);
            }
        }
        return End.DROP;
    }

    /**
     * A SYN in a synchronized state but SYN-RECEIVED (RFC 5961 4.2): a challenge ACK, unless
     * net.inet.tcp.insecure_syn accepts an in-window one as a reset.
     */
    private static End synLocked(Tcpcb tp, Segment seg) {
        Tcp tcp = tp.tcp;
        if (tcp.settings.insecureSyn && TcpSeq.ge(seg.seq, tp.rcvNxt)
                && TcpSeq.lt(seg.seq, tp.rcvNxt + (int) tp.rcvWnd)) {
            tcp.dropLocked(tp, Tcp.ECONNRESET);
            return End.DROP_WITH_RESET;
        }
        tcp.stats.increment(TcpStat.BADSYN);
        challengeAckLocked(tp);
        return End.DROP;
    }

    private static long freeSpace(Tcpcb tp) {
        if (tp.so == null) return 0;
        // without so_rcv, as FreeBSD's tcp_input (StreamBuffer.spaceUnlocked): at 100,000 connections its lock
        // was one more cold line per segment
        return tp.so.rcv().spaceUnlocked();
    }

    /**
     * Whether one more ACK may answer a segment that is out of step with the connection: at most ack_war_cnt
     * per ack_war_timewindow (either 0: no limit), one budget for the connection's challenge ACKs (RFC 5961 7),
     * its ACKs after a drop (an ACK of data never sent, a segment beyond the window) and its ACKs of wholly
     * duplicate segments. The last two are limited as FreeBSD's RACK and BBR stacks limit them
     * (ctf_ack_war_checks); its default stack answers every one, and then two hosts out of step (one has taken
     * bytes the other never sent, as a forged segment leaves them) trade ACKs without end, each acknowledging
     * what the other never sent, or sending what the other holds for old. Over the limit the segment is
     * dropped without an answer until the window ends.
     */
    private static boolean ackWarAllows(Tcpcb tp) {
        Tcp tcp = tp.tcp;
        long now = tcp.scheduler.nanoTime();
        if (now - tp.challengeWindowStart >= tcp.settings.ackWarWindowNanos || tp.challengeWindowStart == 0) {
            tp.challengeWindowStart = now == 0 ? 1 : now;
            tp.challengeCount = 0;
        }
        int limit = tcp.settings.ackWarCnt;
        if (limit > 0 && tcp.settings.ackWarWindowNanos > 0 && tp.challengeCount >= limit) return false;
        tp.challengeCount++;
        return true;
    }

    /** RFC 5961 7: challenge ACKs, at most ack_war_cnt per ack_war_timewindow for the connection. */
    static void challengeAckLocked(Tcpcb tp) {
        Tcp tcp = tp.tcp;
        if (!ackWarAllows(tp)) return;
        tcp.stats.increment(TcpStat.CHALLENGEACK);
        // tcp_send_challenge_ack answers with tcp_respond, not tcp_output: a bare <SEQ=SND.NXT><ACK=RCV.NXT>
        // (never a retransmitted FIN) with the free receive space as window; a delayed ACK stays pending.
        long win = Math.min(freeSpace(tp), (long) Tcp.TCP_MAXWIN << tp.rcvScale) >> tp.rcvScale;
        respondAckLocked(tp, (int) win);
        tp.lastAckSent = tp.rcvNxt;
    }

    /** A bare ACK {@code <SEQ=SND.NXT><ACK=RCV.NXT>} with window {@code win} and timestamps if in use. */
    static void respondAckLocked(Tcpcb tp, int win) {
        Tcp tcp = tp.tcp;
        byte[] opts = null;
        if (tp.has(Tcpcb.TF_RCVD_TSTMP) && tp.has(Tcpcb.TF_REQ_TSTMP) && !tp.has(Tcpcb.TF_NOOPT)) {
            opts = TcpOptions.timestamp(tp.tsNow(), tp.tsRecent);
        }
        if (tp.has(Tcpcb.TF_SIGNATURE) && !tp.has(Tcpcb.TF_NOOPT)) { // tcp_respond signs as tcp_output does
            opts = opts == null ? TcpOptions.build(TcpOptions.SIGNATURE, 0, 0, 0, 0, null, 0)
                    : TcpOptions.build(TcpOptions.TIMESTAMP | TcpOptions.SIGNATURE, 0, 0, tp.tsNow(), tp.tsRecent, null, 0);
        }
        int flags = TcpEcn.outputFlags(tp, ACK, false); // tcp_respond echoes ECE as tcp_output does
        Mbuf m = tcp.segments.build(tp.laddr, tp.faddr, tp.lport, tp.fport, tp.sndNxt, tp.rcvNxt, flags, win, opts, null, 0, 0);
        tcp.stats.increment(TcpStat.SNDTOTAL);
        tcp.stats.increment(TcpStat.SNDACKS);
        if (m != null) m = tcp.signatures.signOrFree(m, tp.laddr, tp.faddr, opts);
        if (m != null) tcp.send(tp, m);
    }
}
