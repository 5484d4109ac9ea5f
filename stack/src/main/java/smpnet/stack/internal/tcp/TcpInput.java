package smpnet.stack.internal.tcp;

import smpnet.stack.internal.tcp.cc.CcAlgorithm;
import smpnet.stack.internal.tcp.cc.CcAlgorithms;
import smpnet.stack.internal.tcp.cc.CcVars;
import smpnet.stack.internal.wire.TcpHeader;
import smpnet.stack.mbuf.Mbuf;
import smpnet.stack.socket.TcpState;
import smpnet.stack.stats.TcpStat;

/**
 * The state machine for a segment that found its connection (FreeBSD's {@code tcp_do_segment} and
 * {@code tcp_twcheck}), in RFC 9293 3.10.7's order: SYN-SENT; then RST (RFC 5961 3), SYN (RFC 5961 4),
 * PAWS (RFC 7323 5), trimming to the window, the ACK (RFC 5961 5 and the congestion response), the window
 * update, data and FIN. Every method runs under the connection's inp.
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
    private enum End { DONE, DROP, DROP_AFTER_ACK, DROP_WITH_RESET }

    /**
     * Processes {@code seg} for connection {@code tp} (any state but LISTEN and TIME_WAIT). Returns false: the
     * segment never needs to be looked up again.
     */
    static boolean segmentLocked(Tcpcb tp, Segment seg) {
        tp.lock.assertOwned();
        End end = processLocked(tp, seg);
        switch (end) {
            case DROP_AFTER_ACK -> {
                // RFC 9293 3.10.7.4: an unacceptable segment is answered by an ACK, except a RST; a bad ACK in
                // SYN-RECEIVED by a RST (it belongs to no connection we know)
                if (tp.state == TcpState.SYN_RECEIVED && seg.has(ACK)
                        && (TcpSeq.gt(tp.sndUna, seg.ack) || TcpSeq.gt(seg.ack, tp.sndMax))) {
                    tp.tcp.dropWithReset(seg, tp.ipTos, tp.ipTtl);
                } else if (!seg.has(RST) && !tp.dropped) {
                    // a wholly duplicate segment took its place in the ACK war budget already (ACKNOW is set)
                    if (tp.has(Tcpcb.TF_ACKNOW) || ackWarAllows(tp)) {
                        tp.set(Tcpcb.TF_ACKNOW);
                        TcpOutput.outputLocked(tp);
                    }
                }
            }
            case DROP_WITH_RESET -> tp.tcp.dropWithReset(seg, tp.ipTos, tp.ipTtl);
            default -> { }
        }
        return false;
    }

    private static End processLocked(Tcpcb tp, Segment seg) {
        Tcp tcp = tp.tcp;
        TcpSettings set = tcp.settings;
        long now = tcp.scheduler.nanoTime();
        int thflags = seg.flags;
        TcpOptions.Parsed to = seg.opts;

        // Segment received on the connection: idle time restarts, and so does the keepalive timer.
        tp.lastRecvNanos = now;
        if (tp.haveEstablished() && tp.has(Tcpcb.TF_KEEPALIVE) && tp.keep.pending()) tp.keep.reset(tp.keepIdleNanos);

        // The receive window: buffer space, never less than what was advertised (tcp_do_segment).
        tp.rcvWnd = Math.max(0, Math.max(freeSpace(tp), TcpSeq.gt(tp.rcvAdv, tp.rcvNxt) ? tp.rcvAdv - tp.rcvNxt : 0));

        // ECN feedback (tcp_ecn_input_segment), before anything else looks at the segment, as FreeBSD does
        TcpEcn.segmentReceived(tp, thflags, seg.iptos);

        // Window scaling applies to every segment but a SYN (RFC 7323 2.2).
        long tiwin = (thflags & SYN) == 0 ? ((long) seg.win << tp.sndScale) : seg.win;

        if (tp.state == TcpState.SYN_SENT) return synSentLocked(tp, seg, tiwin);

        // RFC 7323 3.2: once timestamps are in use, a segment without one (RST aside) is dropped unless tolerated.
        if (tp.has(Tcpcb.TF_RCVD_TSTMP) && !seg.hasTs() && (thflags & RST) == 0 && !set.tolerateMissingTs) {
            return End.DROP;
        }

        // RST (RFC 5961 3.2): only at RCV.NXT (exactly last_ack_sent) does it reset; elsewhere in the window
        // it gets a challenge ACK; outside the window it is ignored.
        if ((thflags & RST) != 0) {
            if ((TcpSeq.ge(seg.seq, tp.lastAckSent) && TcpSeq.lt(seg.seq, tp.lastAckSent + (int) tp.rcvWnd))
                    || (tp.rcvWnd == 0 && tp.lastAckSent == seg.seq)) {
                if (set.insecureRst || tp.lastAckSent == seg.seq) {
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

        // SYN in a synchronized state (RFC 5961 4.2): a challenge ACK, unless insecure_syn accepts an
        // in-window one as a reset. SYN-RECEIVED is exempt (FreeBSD tcp_do_segment): there the SYN bit is
        // ignored, or trimmed below when it is the peer's SYN again.
        if ((thflags & SYN) != 0 && tp.haveReceivedSyn() && tp.state != TcpState.SYN_RECEIVED) {
            if (set.insecureSyn && TcpSeq.ge(seg.seq, tp.rcvNxt) && TcpSeq.lt(seg.seq, tp.rcvNxt + (int) tp.rcvWnd)) {
                tcp.dropLocked(tp, Tcp.ECONNRESET);
                return End.DROP_WITH_RESET;
            }
            tcp.stats.increment(TcpStat.BADSYN);
            challengeAckLocked(tp);
            return End.DROP;
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
                tcp.stats.add(TcpStat.RCVDUPBYTE, todrop);
            }
            if (todrop > 0 && tp.has(Tcpcb.TF_SACK_PERMIT) && tp.reass != null) {
                // RFC 2883: report the duplicate range as a D-SACK block, at once (the next in-order
                // segment would otherwise be acked without it)
                tp.reass.noteDuplicate(seg.seq, seg.seq + todrop);
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
                return dataLocked(tp, seg, thflags, tiwin, false);
            }
            return tp.has(Tcpcb.TF_ACKNOW) ? End.DROP_AFTER_ACK : End.DROP;
        }

        // ---- the ACK ----------------------------------------------------------------------------------
        if (tp.state == TcpState.SYN_RECEIVED) {
            if (TcpSeq.le(seg.ack, tp.sndUna) || TcpSeq.gt(seg.ack, tp.sndMax)) return End.DROP_WITH_RESET;
            tcp.stats.increment(TcpStat.CONNECTS);
            tp.clear(Tcpcb.TF_NEEDSYN); // a simultaneous open is now fully synchronized
            tp.tfoPendingDoneLocked(); // a Fast Open connection no longer counts against its listener
            establishedLocked(tp);
            if (tp.has(Tcpcb.TF_NEEDFIN)) {
                tp.state = TcpState.FIN_WAIT_1;
                tp.clear(Tcpcb.TF_NEEDFIN);
            } else {
                tp.state = TcpState.ESTABLISHED;
            }
            if (tp.so != null && !tp.so.connectedLocked()) {
                tcp.dropLocked(tp, Tcp.ECONNABORTED); // its listener closed meanwhile
                return End.DROP;
            }
            // Data queued before the handshake completed (a simultaneous open's SYN carried some) goes up now
            // unless this segment's own data or FIN will take it along below. As in FreeBSD, which calls
            // tcp_reass(tp, NULL, ...) and ignores what it returns, a FIN queued with that data is not
            // processed here: its sequence number stays unacknowledged until the peer sends it again.
            if (seg.tlen == 0 && (thflags & FIN) == 0) presentQueuedLocked(tp);
            // the ACK of our SYN-ACK also goes through the processing below (it acks one sequence number,
            // which a Fast Open connection's send buffer, holding data before the handshake, must not lose)
            return ackLocked(tp, seg, thflags, tiwin, tp.has(Tcpcb.TF_FASTOPEN) ? 1 : 0);
        }
        return ackLocked(tp, seg, thflags, tiwin, 0);
    }

    /** SYN-SENT (RFC 9293 3.10.7.3). */
    private static End synSentLocked(Tcpcb tp, Segment seg, long tiwin) {
        Tcp tcp = tp.tcp;
        int thflags = seg.flags;
        if ((thflags & ACK) != 0 && (TcpSeq.le(seg.ack, tp.iss) || TcpSeq.gt(seg.ack, tp.sndMax))) {
            return End.DROP_WITH_RESET;
        }
        if ((thflags & RST) != 0) {
            if ((thflags & ACK) != 0) tcp.dropLocked(tp, Tcp.ECONNREFUSED);
            return End.DROP;
        }
        if ((thflags & SYN) == 0) return End.DROP;

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
        TcpOutput.setMssLocked(tp, to == null ? -1 : to.mss());
        if (to != null && to.mss() >= 0) TcpOutput.roundBuffersToMssLocked(tp); // tcp_mss, with TOF_MSS only
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
            if (tp.has(Tcpcb.TF_NEEDFIN)) {
                tp.state = TcpState.FIN_WAIT_1;
                tp.clear(Tcpcb.TF_NEEDFIN);
            } else {
                tp.state = TcpState.ESTABLISHED;
            }
            tp.rexmt.stop();
            rttSampleFromSynLocked(tp, seg);
            if (tp.so != null) tp.so.connectedLocked();  // an active open has no listener: always kept
            // FreeBSD acks a SYN-ACK at once unless data rides on it (then delayed-ack rules apply)
            if (seg.tlen > 0 && delayAck(tp, tp.rcvNxt, seg.tlen) && !resendSynData) {
                tp.set(Tcpcb.TF_DELACK);
                tp.delack.reset(tcp.settings.delackNanos);
            } else {
                tp.set(Tcpcb.TF_ACKNOW);
            }
        } else {
            // simultaneous open (RFC 9293 3.10.7.3 fifth step): SYN-RECEIVED, SYN-ACK from the same ISS. The
            // connection is half-synchronized (TF_NEEDSYN): the SYN-ACK goes out once, here, and again only
            // when the retransmit timer says so, never because some later output finds the SYN bit set.
            tp.state = TcpState.SYN_RECEIVED;
            tp.set(Tcpcb.TF_ACKNOW | Tcpcb.TF_NEEDSYN);
            tp.rexmt.stop();
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
        End e = dataLocked(tp, seg, seg.flags & ~SYN, tiwin, true);
        if (e == End.DONE || e == End.DROP) TcpOutput.outputLocked(tp);
        return e == End.DONE ? End.DROP : e;
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

    private static long freeSpace(Tcpcb tp) {
        if (tp.so == null) return 0;
        StreamBuffer rcv = tp.so.rcv();
        rcv.lock.lock();
        try {
            return rcv.spaceLocked();
        } finally {
            rcv.lock.unlock();
        }
    }

    /** The RTT of the SYN, measured from the SYN-ACK (timestamps or the timed SYN, never a retransmitted one). */
    private static void rttSampleFromSynLocked(Tcpcb tp, Segment seg) {
        if (seg.hasTs() && seg.opts.tsEcr() != 0 && tp.has(Tcpcb.TF_RCVD_TSTMP)) {
            xmitTimerLocked(tp, ((long) (tp.tsNow() - seg.opts.tsEcr()) + 1) * 1_000_000L);
        } else if (tp.rttStartNanos != Tcpcb.NOT_TIMED && TcpSeq.gt(seg.ack, tp.rtseq)) {
            xmitTimerLocked(tp, tp.tcp.scheduler.nanoTime() - tp.rttStartNanos);
        }
    }

    /**
     * The connection is established (cc_conn_init and what tcp_input does beside it): congestion control with
     * the initial window (one segment if the SYN or SYN-ACK was retransmitted: RFC 5681 3.1), SACK
     * scoreboard, reassembly queue, keepalive.
     */
    static void establishedLocked(Tcpcb tp) {
        Tcp tcp = tp.tcp;
        tp.lastRecvNanos = tcp.scheduler.nanoTime();
        int smss = tp.effectiveMaxseg();
        tp.ccv = new CcVars(smss, tcp.scheduler::nanoTime);
        tp.ccv.initcwndSegments = tcp.settings.initcwndSegments;
        if (tp.has(Tcpcb.TF_SYN_REXMT)) tp.ccv.cwnd = smss; // else cc_conn_init's initial window
        TcpTimers.syncCc(tp);
        tp.ccc = new smpnet.stack.internal.tcp.cc.CongestionControl(tp.cc, tp.ccv);
        if (tp.has(Tcpcb.TF_SACK_PERMIT)) {
            tp.scoreboard = new SackScoreboard(smss, tcp.settings.sackMaxHoles, tcp.sackBlocks,
                    () -> tcp.settings.sackGlobalMaxHoles);
        }
        if (tp.reass == null) tp.reass = newReassemblyQueue(tp); // a simultaneous open has one already
        tp.keep.stop(); // the connection-establishment timeout is over
        if (tp.has(Tcpcb.TF_KEEPALIVE)) tp.keep.reset(tp.keepIdleNanos);
    }

    /** The connection's reassembly queue, sized for net.inet.tcp.recvbuf_max in segments of the current MSS. */
    private static TcpReassemblyQueue newReassemblyQueue(Tcpcb tp) {
        long rcvBytes = tp.tcp.settings.recvbufMax;
        int smss = tp.effectiveMaxseg();
        return new TcpReassemblyQueue(Math.max(16, (int) Math.min(Integer.MAX_VALUE, rcvBytes / smss + 1)),
                (int) Math.min(Integer.MAX_VALUE, Math.max(rcvBytes, 65536)), tp.tcp.reassRuns);
    }

    /** tcp_xmit_timer: one RTT sample; the backoff ends with it. */
    static void xmitTimerLocked(Tcpcb tp, long rttNanos) {
        tp.tcp.stats.increment(TcpStat.RTTUPDATED);
        tp.rtt.sample(Math.max(1, rttNanos));
        tp.rxtShift = 0;
        tp.rxtCurNanos = tp.rtt.rtoNanos();
        tp.rttStartNanos = Tcpcb.NOT_TIMED;
    }

    /**
     * DELAY_ACK: whether the ACK of {@code tlen} data bytes from {@code seq} may wait for the delack timer. The
     * host's {@link AckPolicy} decides, unless delayed ACKs are off or a zero window was advertised.
     */
    private static boolean delayAck(Tcpcb tp, int seq, int tlen) {
        TcpSettings set = tp.tcp.settings;
        return set.delayedAck && !tp.has(Tcpcb.TF_RXWIN0SENT) && set.ackPolicy.delay(new AckPolicy.Arrival(seq, tlen,
                tp.rcvNxt, tp.maxseg, tp.reass == null || tp.reass.isEmpty(), tp.delack.pending()));
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

    /**
     * ACK processing from ESTABLISHED on (RFC 9293 3.10.7.4, "fifth, check the ACK field"); {@code synAcked}
     * is 1 when the acknowledged numbers include our SYN's and the send buffer may already hold data.
     */
    private static End ackLocked(Tcpcb tp, Segment seg, int thflags, long tiwin, int synAcked) {
        Tcp tcp = tp.tcp;
        int ack = seg.ack;
        // RFC 5961 5.2: an ACK outside [SND.UNA - MAX.SND.WND, SND.MAX] is answered by a (challenge) ACK
        if (TcpSeq.gt(ack, tp.sndMax)) {
            tcp.stats.increment(TcpStat.RCVACKTOOMUCH);
            return End.DROP_AFTER_ACK;
        }
        if (TcpSeq.lt(ack, tp.sndUna - (int) Math.min(tp.maxSndWnd, Integer.MAX_VALUE))) {
            challengeAckLocked(tp);
            return End.DROP;
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
                return End.DROP;
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
            xmitTimerLocked(tp, tcp.scheduler.nanoTime() - tp.rttStartNanos);
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
                    return End.DROP;
                }
            }
            case LAST_ACK -> {
                if (ourFinIsAcked) {
                    tcp.closeLocked(tp);
                    return End.DROP;
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
    private static End stepSixLocked(Tcpcb tp, Segment seg, int thflags, long tiwin) {
        if (tp.dropped) return End.DROP;
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
        End e = dataLocked(tp, seg, thflags, tiwin, needOutput);
        return e;
    }

    /**
     * The urgent pointer (RFC 9293 3.10.7.4 sixth step, {@link TcpUrgent}), then data and FIN (seventh and
     * eighth steps), then output if anything is due.
     */
    private static End dataLocked(Tcpcb tp, Segment seg, int thflags, long tiwin, boolean needOutput) {
        Tcp tcp = tp.tcp;
        // A Fast Open connection takes in-order data before its handshake completes (RFC 7413 4.2.2), and
        // delays the ACK so that its SYN-ACK may carry the application's answer (tcp_do_segment's tfo_syn)
        boolean tfoSyn = tp.state == TcpState.SYN_RECEIVED && tp.has(Tcpcb.TF_FASTOPEN);
        boolean inOrder = seg.seq == tp.rcvNxt && (tp.reass == null || tp.reass.isEmpty())
                && (tp.haveEstablished() || tfoSyn);
        int outOfBand = TcpUrgent.inputLocked(tp, seg, thflags, inOrder && seg.tlen > 0);
        if ((seg.tlen > 0 || (thflags & FIN) != 0) && !tp.haveReceivedFin()) {
            if (inOrder) {
                if (seg.tlen > 0) {
                    if (delayAck(tp, seg.seq, seg.tlen) || tfoSyn) {
                        tp.set(Tcpcb.TF_DELACK);
                    } else {
                        tp.set(Tcpcb.TF_ACKNOW);
                    }
                    tp.rcvNxt += seg.tlen;
                    // tcp_do_segment's header prediction counts an LRO packet's segments (nsegs); this is
                    // smpnet's one in-order path
                    tcp.stats.add(TcpStat.RCVPACK, seg.nsegs);
                    tcp.stats.add(TcpStat.RCVBYTE, seg.tlen);
                    appendLocked(tp, seg.m, seg.dataOff, seg.tlen, outOfBand);
                }
            } else if (seg.tlen > 0 || (thflags & FIN) != 0) {
                // RFC 5681 4.2: an out-of-order segment (or one filling a hole) is acked at once (by the policy)
                boolean delay = seg.tlen > 0 && tp.reass != null && delayAck(tp, seg.seq, seg.tlen);
                if (tp.reass == null) {
                    thflags &= ~FIN; // before ESTABLISHED nothing is queued (the SYN-RECEIVED ACK comes first)
                } else {
                    tcp.stats.increment(TcpStat.RCVOOPACK);
                    tcp.stats.add(TcpStat.RCVOOBYTE, seg.tlen);
                    Mbuf copy = seg.tlen > 0 ? seg.m.copyRange(seg.dataOff, seg.tlen, Mbuf.M_NOWAIT) : null;
                    if (seg.tlen > 0 && copy == null) {
                        tcp.stats.increment(TcpStat.RCVMEMDROP); // no mbuf for it
                        thflags &= ~FIN;
                    } else {
                        reassLimitsLocked(tp);
                        int r = tp.reass.add(seg.seq, copy, (thflags & FIN) != 0, tp.rcvNxt);
                        if (r == TcpReassemblyQueue.DROPPED) tcp.stats.increment(TcpStat.RCVREASSFULL);
                        if (r == TcpReassemblyQueue.DROPPED_HOST_LIMIT) tcp.stats.increment(TcpStat.RCVMEMDROP);
                        thflags &= ~FIN; // a queued FIN comes out of the queue in order
                        if (presentQueuedLocked(tp)) thflags |= FIN;
                    }
                }
                tp.set(delay ? Tcpcb.TF_DELACK : Tcpcb.TF_ACKNOW);
            }
        } else {
            thflags &= ~FIN;
        }

        if ((thflags & FIN) != 0) {
            if (!tp.haveReceivedFin()) {
                if (tp.so != null) tp.so.cantRcvMoreLocked();
                // half-synchronized: the ACK waits to ride on our SYN-ACK's retransmission
                tp.set(tp.has(Tcpcb.TF_NEEDSYN) ? Tcpcb.TF_DELACK : Tcpcb.TF_ACKNOW);
                tp.rcvNxt++;
            }
            switch (tp.state) {
                case SYN_RECEIVED, ESTABLISHED -> tp.state = TcpState.CLOSE_WAIT;
                case FIN_WAIT_1 -> tp.state = TcpState.CLOSING;
                case FIN_WAIT_2 -> tcp.timeWaitLocked(tp);
                default -> { }
            }
        }
        if (tp.has(Tcpcb.TF_DELACK) && !tp.has(Tcpcb.TF_ACKNOW) && !tp.delack.pending()) {
            tp.delack.reset(tcp.settings.delackNanos);
        }
        if (needOutput || tp.has(Tcpcb.TF_ACKNOW)) TcpOutput.outputLocked(tp);
        return End.DONE;
    }

    /**
     * tcp_reass's limits from the receive buffer as it is now (it grows with autotuning): min(hiwat / maxseg +
     * 1, net.inet.tcp.reass.maxqueuelen) runs, and storage up to sb_mbmax (8 times hiwat, sb_efficiency).
     */
    private static void reassLimitsLocked(Tcpcb tp) {
        int hiwat = tp.tcp.settings.recvspace;
        if (tp.so != null) {
            StreamBuffer rcv = tp.so.rcv();
            rcv.lock.lock();
            try {
                hiwat = rcv.hiwatLocked();
            } finally {
                rcv.lock.unlock();
            }
        }
        tp.reass.setLimits(Math.min(hiwat / Math.max(1, tp.maxseg) + 1, tp.tcp.settings.reassMaxQueueLen), 8L * hiwat,
                tp.tcp.settings.reassMaxSegments);
    }

    /**
     * The present step of tcp_reass: once established, the queue's in-order prefix goes to the receive buffer and
     * RCV.NXT advances over it. Returns whether a queued FIN is next in order (its sequence number not yet
     * taken: the caller processes it or leaves it).
     */
    private static boolean presentQueuedLocked(Tcpcb tp) {
        if (!tp.haveEstablished()) return false;
        TcpReassemblyQueue.Delivery d = tp.reass.pullInOrder(tp.rcvNxt);
        if (d == null) return false;
        if (d.length() > 0) {
            appendLocked(tp, d.data(), 0, d.length(), -1);
            tp.tcp.stats.increment(TcpStat.RCVPACK);
            tp.tcp.stats.add(TcpStat.RCVBYTE, d.length());
        }
        if (d.data() != null) d.data().freeChain();
        tp.rcvNxt = d.rcvNxt();
        return d.fin();
    }

    /**
     * Appends in-order data to the receive buffer and wakes readers (sbappendstream, sorwakeup); the byte at
     * offset {@code outOfBand} of the data (-1: none) was taken out of band and is left out.
     */
    private static void appendLocked(Tcpcb tp, Mbuf m, int off, int len, int outOfBand) {
        if (tp.so == null) return;
        StreamBuffer rcv = tp.so.rcv();
        rcv.lock.lock();
        try {
            if (outOfBand < 0) {
                rcv.appendLocked(m, off, len);
            } else {
                rcv.appendLocked(m, off, outOfBand);
                rcv.appendLocked(m, off + outOfBand + 1, len - outOfBand - 1);
            }
            autoReceiveBufferLocked(tp, rcv, len);
        } finally {
            rcv.lock.unlock();
        }
        tp.so.readableLocked();
    }

    /**
     * tcp_autorcvbuf: while the peer fills more than 3/8 of the buffer per half round trip, grow it by half
     * (up to net.inet.tcp.recvbuf_max), so the window keeps up with the path.
     */
    private static void autoReceiveBufferLocked(Tcpcb tp, StreamBuffer rcv, int len) {
        TcpSettings set = tp.tcp.settings;
        if (!set.recvbufAuto || rcv.userSizedLocked()) return;
        long now = tp.tcp.scheduler.nanoTime();
        long srtt = tp.rtt.srttNanos();
        if (tp.rfbufStartNanos == 0) {
            tp.rfbufStartNanos = now;
            tp.rfbufCount = 0;
        }
        if (srtt != 0 && now - tp.rfbufStartNanos > srtt / 2) {
            int hiwat = rcv.hiwatLocked();
            long max = Math.min(set.recvbufMax, set.maxSockBuf());
            if (tp.rfbufCount > (long) hiwat / 2 / 4 * 3 && hiwat < max) {
                rcv.setHiwatLocked((int) Math.min(hiwat + hiwat / 2L, max), false);
            }
            tp.rfbufStartNanos = 0;
            tp.rfbufCount = 0;
        } else {
            tp.rfbufCount += len;
        }
    }

    // ---- TIME_WAIT ---------------------------------------------------------------------------------------

    /**
     * tcp_twcheck: a segment for a connection in TIME_WAIT. Returns true if it is a new SYN beyond the old
     * connection's sequence space: the old connection is closed and the SYN goes to the listener.
     */
    static boolean timeWaitLocked(Tcpcb tp, Segment seg) {
        tp.lock.assertOwned();
        Tcp tcp = tp.tcp;
        int thflags = seg.flags;
        if ((thflags & RST) != 0) return false; // RFC 1337: a RST does not end TIME_WAIT
        if ((thflags & (SYN | ACK)) == SYN && TcpSeq.gt(seg.seq, tp.rcvNxt)) {
            tcp.closeLocked(tp);
            return true;
        }
        if ((thflags & ACK) == 0) return false; // a SYN at or below RCV.NXT among them: silently dropped
        if (tp.has(Tcpcb.TF_RCVD_TSTMP) && !seg.hasTs() && !tcp.settings.tolerateMissingTs) return false;
        if ((thflags & FIN) != 0) {
            int seq = seg.seq + seg.tlen + ((thflags & SYN) != 0 ? 1 : 0);
            if (seq + 1 == tp.rcvNxt) tp.twoMsl.reset(2 * tcp.settings.mslNanos); // the peer lost our ACK of its FIN
        }
        if (thflags != ACK || seg.tlen != 0 || seg.seq != tp.rcvNxt || seg.ack != tp.sndNxt) {
            tp.set(Tcpcb.TF_ACKNOW);
            twRespondLocked(tp);
        }
        return false;
    }

    /** tcp_twrespond: an ACK from TIME_WAIT. */
    private static void twRespondLocked(Tcpcb tp) {
        int win = (int) Math.min(Tcp.TCP_MAXWIN, Math.max(0, tp.rcvAdv - tp.rcvNxt) >> tp.rcvScale);
        tp.clear(Tcpcb.TF_ACKNOW);
        respondAckLocked(tp, win);
    }

    /** A bare ACK {@code <SEQ=SND.NXT><ACK=RCV.NXT>} with window {@code win} and timestamps if in use. */
    private static void respondAckLocked(Tcpcb tp, int win) {
        Tcp tcp = tp.tcp;
        byte[] opts = null;
        if (tp.has(Tcpcb.TF_RCVD_TSTMP) && tp.has(Tcpcb.TF_REQ_TSTMP) && !tp.has(Tcpcb.TF_NOOPT)) {
            opts = TcpOptions.timestamp(tp.tsNow(), tp.tsRecent);
        }
        int flags = TcpEcn.outputFlags(tp, ACK, false); // tcp_respond echoes ECE as tcp_output does
        Mbuf m = tcp.buildSegment(tp.laddr, tp.faddr, tp.lport, tp.fport, tp.sndNxt, tp.rcvNxt, flags, win, opts, null, 0, 0);
        tcp.stats.increment(TcpStat.SNDTOTAL);
        tcp.stats.increment(TcpStat.SNDACKS);
        if (m != null) tcp.send(tp, m);
    }
}
