package smpnet.stack.internal.tcp;

import smpnet.stack.internal.wire.Ipv4Header;
import smpnet.stack.internal.wire.TcpHeader;
import smpnet.stack.mbuf.Mbuf;
import smpnet.stack.socket.TcpState;
import smpnet.stack.stats.TcpStat;

/**
 * tcp_output: decides whether a connection has something to send (data the windows allow, a SYN, a FIN,
 * an ACK that is due, a window update) and sends it, as FreeBSD's {@code tcp_output.c} does: sender silly
 * window avoidance and Nagle (RFC 9293 3.8.6.2.1), receiver window updates (3.8.6.2.2), SACK recovery's
 * NextSeg (RFC 6675), the retransmit and persist timers. Every method runs under the connection's inp.
 */
final class TcpOutput {
    private TcpOutput() {}

    /** tcp_outflags[state]: the control bits each state sends. */
    static int outFlags(TcpState s) {
        return switch (s) {
            case CLOSED -> TcpHeader.RST | TcpHeader.ACK;
            case LISTEN -> 0;
            case SYN_SENT -> TcpHeader.SYN;
            case SYN_RECEIVED -> TcpHeader.SYN | TcpHeader.ACK;
            case ESTABLISHED, CLOSE_WAIT, FIN_WAIT_2, TIME_WAIT -> TcpHeader.ACK;
            case FIN_WAIT_1, CLOSING, LAST_ACK -> TcpHeader.FIN | TcpHeader.ACK;
        };
    }

    /**
     * Sends whatever is due; loops while more is (FreeBSD's sendalot). Whether the connection was idle is
     * decided once, before the first segment: the tail of a write made while idle is not held by Nagle
     * because the write's first segments went out just before it (tcp_output computes idle above again:).
     */
    static void outputLocked(Tcpcb tp) {
        tp.lock.assertOwned();
        if (tp.state == TcpState.LISTEN || (tp.dropped && tp.state != TcpState.CLOSED)) return;
        boolean idle = tp.sndMax == tp.sndUna;
        if (idle && tp.ccc != null && tp.tcp.scheduler.nanoTime() - tp.lastRecvNanos >= tp.rxtCurNanos
                && tp.haveEstablished()) {
            TcpTimers.syncCc(tp);
            tp.ccc.afterIdle(); // RFC 5681 4.1: restart from the initial window after an idle RTO
        }
        for (int i = 0; i < 1024 && outputOnceLocked(tp, idle); i++) {
            // another segment is due: send it too
        }
    }

    /** One pass of tcp_output; true if another segment should follow at once. */
    private static boolean outputOnceLocked(Tcpcb tp, boolean idle) {
        Tcp tcp = tp.tcp;
        TcpSettings set = tcp.settings;
        if (tp.state == TcpState.LISTEN || (tp.dropped && tp.state != TcpState.CLOSED)) return false;
        // A Fast Open connection still in its handshake sends its first SYN (or SYN-ACK) and what the
        // retransmit timer resends, nothing else: its data waits for the handshake
        if (tp.has(Tcpcb.TF_FASTOPEN) && (tp.state == TcpState.SYN_SENT || tp.state == TcpState.SYN_RECEIVED)
                && TcpSeq.gt(tp.sndMax, tp.sndUna) && tp.sndNxt != tp.sndUna) {
            return false;
        }
        StreamBuffer snd = tp.so == null ? null : tp.so.snd();
        int sbcc;
        if (snd == null) {
            sbcc = 0;
        } else {
            snd.lock.lock();
            try {
                sbcc = snd.ccLocked();
            } finally {
                snd.lock.unlock();
            }
        }
        int flags = outFlags(tp.state);
        int off = tp.sndNxt - tp.sndUna;
        long cwnd = tp.ccv == null ? Integer.MAX_VALUE : tp.ccv.cwnd;
        long sendwin = Math.min(tp.sndWnd, cwnd);
        boolean sackRxmit = false;
        int rxmitSeq = 0;
        long len = 0;
        boolean sendalot = false;
        int maxseg = tp.effectiveMaxseg();

        // RFC 6675 NextSeg during SACK recovery: a lost hole first, within the pipe's allowance
        if (tp.has(Tcpcb.TF_SACK_PERMIT) && tp.has(Tcpcb.TF_FASTRECOVERY) && tp.scoreboard != null
                && tp.scoreboard.inRecovery()) {
            int pipe = tp.scoreboard.pipe(tp.sndUna, tp.sndMax);
            long allowed = cwnd - pipe;
            if (allowed >= maxseg || (allowed > 0 && pipe == 0)) {
                SackScoreboard.Segment s = tp.scoreboard.nextSeg(tp.sndUna, tp.sndMax, tp.sndUna + sbcc);
                if (s != null && s.rule() != SackScoreboard.Rule.NEW_DATA) {
                    sackRxmit = true;
                    rxmitSeq = s.seq();
                    off = rxmitSeq - tp.sndUna;
                    len = Math.min(Math.min(Math.min(s.len(), maxseg), allowed), (long) sbcc - off);
                    if (len <= 0) {
                        sackRxmit = false;
                        off = tp.sndNxt - tp.sndUna;
                    }
                }
                if (s != null && s.rule() == SackScoreboard.Rule.NEW_DATA) sendwin = Math.min(tp.sndWnd, allowed + off);
            } else {
                sendwin = off; // the pipe is full: send nothing new
            }
        }

        if (tp.has(Tcpcb.TF_FORCEDATA)) {
            if (sendwin == 0) {
                sendwin = 1; // persist probe: one byte into the zero window
            } else {
                tp.persist.stop(); // the window is open after all: send normally
                tp.rxtShift = 0;
            }
        }
        if (!sackRxmit) {
            len = Math.min(sbcc, sendwin) - off;
        }
        // A SYN already sent occupies one sequence number before the data (FreeBSD: off--, len++).
        if ((flags & TcpHeader.SYN) != 0 && TcpSeq.gt(tp.sndNxt, tp.sndUna)) {
            // what follows a Fast Open SYN-ACK goes without the SYN bit too
            if (tp.state != TcpState.SYN_RECEIVED || tp.has(Tcpcb.TF_FASTOPEN)) flags &= ~TcpHeader.SYN;
            off--;
            len++;
        }
        if ((flags & TcpHeader.SYN) != 0) { // data rides on a SYN only with TCP Fast Open
            if (fastOpenCookieLocked(tp) == null || tp.state == TcpState.SYN_SENT && tp.tfoClientCookie.length == 0) len = 0;
            flags &= ~TcpHeader.FIN;
        }
        if (len < 0) {
            // FIN sent and acked, or the window shrank below what was sent: fall back to SND.UNA
            len = 0;
            if (sendwin == 0) {
                tp.rexmt.stop();
                tp.rxtShift = 0;
                tp.sndNxt = tp.sndUna;
                if (!tp.persist.pending()) TcpTimers.setPersistLocked(tp);
            }
        }
        // TSO: more than one segment ready for an interface that cuts segments itself goes as one large
        // segment, trimmed to the interface's maximum once the options are known (sendLocked)
        boolean tso = len > maxseg && tsoAllowedLocked(tp, flags, sackRxmit);
        if (len > maxseg && !tso) {
            len = maxseg;
            sendalot = true;
        }
        if (!sackRxmit && TcpSeq.lt(tp.sndNxt + (int) len, tp.sndUna + sbcc)) flags &= ~TcpHeader.FIN;
        if (sackRxmit && TcpSeq.lt(rxmitSeq + (int) len, tp.sndUna + sbcc)) flags &= ~TcpHeader.FIN;

        if (snd != null && set.sendbufAuto) autoscaleSendBuffer(tp, snd, sendwin);

        long recwin = receiveWindow(tp);

        boolean send = false;
        if (len > 0) {
            if (len >= maxseg) send = true;
            else if ((idle || tp.has(Tcpcb.TF_NODELAY)) && len + off >= sbcc) send = true; // Nagle
            else if (tp.has(Tcpcb.TF_FORCEDATA)) send = true;
            else if (tp.maxSndWnd > 0 && len >= tp.maxSndWnd / 2) send = true;
            else if (TcpSeq.lt(tp.sndNxt, tp.sndMax)) send = true;
            else if (sackRxmit) send = true;
        }
        if (!send && recwin > 0 && tp.haveReceivedSyn() && !tp.has(Tcpcb.TF_NEEDSYN) && !tp.haveReceivedFin()) {
            long adv = Math.min(recwin, (long) Tcp.TCP_MAXWIN << tp.rcvScale);
            long oldwin = TcpSeq.gt(tp.rcvAdv, tp.rcvNxt) ? (tp.rcvAdv - tp.rcvNxt) : 0;
            adv -= oldwin;
            StreamBuffer rcv = tp.so == null ? null : tp.so.rcv();
            int hiwat = rcv == null ? 0 : hiwat(rcv);
            if ((oldwin >> tp.rcvScale) < ((adv + oldwin) >> tp.rcvScale)) {
                if (adv >= 2L * tp.maxseg && (adv >= hiwat / 4 || recwin <= hiwat / 8 || hiwat <= 8 * tp.maxseg
                        || adv >= (long) Tcp.TCP_MAXWIN << tp.rcvScale)) {
                    send = true;
                } else if (2 * adv >= hiwat) {
                    send = true;
                }
            }
        }
        if (!send) {
            if (tp.has(Tcpcb.TF_ACKNOW)) send = true;
            else if ((flags & TcpHeader.RST) != 0) send = true;
            else if ((flags & TcpHeader.SYN) != 0 && !tp.has(Tcpcb.TF_NEEDSYN)) send = true;
            else if (TcpUrgent.pendingLocked(tp)) send = true; // urgent data not yet acknowledged
            else if ((flags & TcpHeader.FIN) != 0 && (!tp.has(Tcpcb.TF_SENTFIN) || tp.sndNxt == tp.sndUna)) send = true;
        }
        if (!send) {
            // just_return: data waits for a window that is closed: probe it (RFC 9293 3.8.6.1)
            if (tp.sndMax != tp.sndUna && !tp.rexmt.pending() && !tp.persist.pending() && tp.haveReceivedSyn()) {
                tp.rexmt.reset(tp.rxtCurNanos); // data in flight is always covered by the retransmit timer
            } else if (sbcc > 0 && !tp.rexmt.pending() && !tp.persist.pending() && tp.haveEstablished()) {
                tp.rxtShift = 0;
                TcpTimers.setPersistLocked(tp);
            }
            return false;
        }
        int probeBefore = tp.has(Tcpcb.TF_FORCEDATA) && tp.persist.pending() ? 1 : 0;
        boolean more = sendLocked(tp, flags, (int) len, off, sackRxmit, rxmitSeq, recwin, sendwin, true, tso);
        return probeBefore == 0 && (sendalot || more);
    }

    /**
     * tcp_output's test for TSO: the interface offers it (TF_TSO, from tcp_mss), net.inet.tcp.tso is on, and
     * the segment is plain bulk data: no SYN, not a SACK retransmission, no SACK blocks to advertise (each
     * frame the interface makes carries the same header, so nothing may vary per segment), no urgent pointer
     * to carry (it would point from the first frame's sequence number only). smpnet's TCP
     * sends no IP options and no TCP-MD5 signature, FreeBSD's two other exclusions.
     */
    private static boolean tsoAllowedLocked(Tcpcb tp, int flags, boolean sackRxmit) {
        return tp.has(Tcpcb.TF_TSO) && tp.tcp.settings.tso && !sackRxmit && (flags & TcpHeader.SYN) == 0
                && !sacksToAdvertise(tp, flags) && !TcpUrgent.pendingLocked(tp);
    }

    /** Whether a segment with {@code flags} would carry SACK blocks (RFC 2018; D-SACK, RFC 2883). */
    private static boolean sacksToAdvertise(Tcpcb tp, int flags) {
        return (flags & TcpHeader.SYN) == 0 && tp.has(Tcpcb.TF_SACK_PERMIT) && tp.reass != null
                && (!tp.reass.isEmpty() || tp.reass.hasDsack()) && tp.haveEstablished();
    }

    private static int hiwat(StreamBuffer b) {
        b.lock.lock();
        try {
            return b.hiwatLocked();
        } finally {
            b.lock.unlock();
        }
    }

    /** The window to advertise (sbspace of so_rcv, silly-window rules, never shrinking what was offered). */
    static long receiveWindow(Tcpcb tp) {
        StreamBuffer rcv = tp.so == null ? null : tp.so.rcv();
        long recwin;
        int hiwat;
        if (rcv == null) {
            recwin = 0;
            hiwat = 0;
        } else {
            rcv.lock.lock();
            try {
                recwin = rcv.spaceLocked();
                hiwat = rcv.hiwatLocked();
            } finally {
                rcv.lock.unlock();
            }
        }
        if (recwin < hiwat / 4 && recwin < tp.maxseg) recwin = 0; // RFC 9293 3.8.6.2.2: no silly window
        if (TcpSeq.gt(tp.rcvAdv, tp.rcvNxt) && recwin < (long) (tp.rcvAdv - tp.rcvNxt)) recwin = tp.rcvAdv - tp.rcvNxt;
        return Math.min(recwin, (long) Tcp.TCP_MAXWIN << tp.rcvScale);
    }

    /** tcp_sndbuf_autoscale: grows the send buffer while the peer's window would take more. */
    private static void autoscaleSendBuffer(Tcpcb tp, StreamBuffer snd, long sendwin) {
        TcpSettings set = tp.tcp.settings;
        snd.lock.lock();
        try {
            if (snd.userSizedLocked()) return;
            int hiwat = snd.hiwatLocked();
            int used = snd.ccLocked();
            if (tp.sndWnd / 4 * 5 >= hiwat && used >= hiwat / 8 * 7 && used < set.sendbufMax
                    && sendwin >= used - (tp.sndNxt - tp.sndUna)) {
                int max = (int) Math.min(set.sendbufMax, tp.tcp.settings.maxSockBuf());
                snd.setHiwatLocked(Math.min(hiwat + set.sendbufInc, max), false);
            }
        } finally {
            snd.lock.unlock();
        }
    }

    /**
     * Retransmits {@code len} bytes from {@code seq} now, whatever the windows say (the first segment of a
     * loss recovery, RFC 6675 5 step 4.3, which the scoreboard has already accounted as retransmitted).
     */
    static void retransmitLocked(Tcpcb tp, int seq, int len) {
        tp.lock.assertOwned();
        int sbcc = sbccOf(tp);
        int off = seq - tp.sndUna;
        len = Math.min(Math.min(len, tp.effectiveMaxseg()), sbcc - off);
        if (len <= 0) return;
        int flags = TcpHeader.ACK;
        sendLocked(tp, flags, len, off, true, seq, receiveWindow(tp), Math.min(tp.sndWnd, tp.ccv.cwnd), false, false);
    }

    /** The "send:" half of tcp_output: options, the segment, sequence bookkeeping, timers, counters. */
    private static boolean sendLocked(Tcpcb tp, int flags, int len, int off, boolean sackRxmit, int rxmitSeq,
                                      long recwin, long sendwin, boolean markSent, boolean tso) {
        Tcp tcp = tp.tcp;
        // options (tcp_addoptions), none at all with TCP_NOOPT
        int which = 0;
        int mss = 0;
        int tsVal = 0;
        int tsEcr = 0;
        int[] sacks = null;
        int nsacks = 0;
        if (!tp.has(Tcpcb.TF_NOOPT)) {
            if ((flags & TcpHeader.SYN) != 0) {
                which |= TcpOptions.MSS;
                mss = mssOption(tp);
                if (tp.has(Tcpcb.TF_REQ_SCALE) && ((flags & TcpHeader.ACK) == 0 || tp.has(Tcpcb.TF_RCVD_SCALE))) {
                    which |= TcpOptions.WSCALE;
                }
                if (tp.has(Tcpcb.TF_SACK_PERMIT)) which |= TcpOptions.SACK_PERMITTED;
            }
            if (tp.has(Tcpcb.TF_REQ_TSTMP) && (tp.has(Tcpcb.TF_RCVD_TSTMP) || ((flags & TcpHeader.SYN) != 0
                    && (flags & TcpHeader.ACK) == 0))) {
                which |= TcpOptions.TIMESTAMP;
                tsVal = tp.tsNow();
                tsEcr = tp.tsRecent;
            }
            if (sacksToAdvertise(tp, flags)) {
                sacks = tp.reass.sackOption(tp.rcvNxt, TcpOptions.MAX_SACK_BLOCKS); // RFC 2018 4 order, D-SACK first (RFC 2883)
                nsacks = TcpOptions.sackBlocksThatFit(which | TcpOptions.SACK, sacks.length / 2);
                if (nsacks > 0) which |= TcpOptions.SACK;
            }
        }
        // TCP Fast Open (RFC 7413): the first SYN carries the client's cookie (or asks for one), the first
        // SYN-ACK the server's; a data-carrying SYN whose option does not fit goes without its data
        byte[] cookie = (flags & TcpHeader.SYN) != 0 && !tp.has(Tcpcb.TF_NOOPT) ? fastOpenCookieLocked(tp) : null;
        if (cookie != null) {
            if (TcpOptions.fastOpenFits(which, cookie.length)) {
                which |= TcpOptions.FAST_OPEN;
                countFastOpen(tp, cookie, len);
            } else {
                cookie = null;
                len = 0;
            }
        }
        byte[] opts = which == 0 ? null
                : TcpOptions.build(which, mss, tp.requestRScale, tsVal, tsEcr, sacks, nsacks, cookie);
        int optlen = opts == null ? 0 : opts.length;
        // options come out of the segment's payload room (t_maxseg counts both)
        boolean more = false;
        int tsoSegsz = 0;
        if (len + optlen > tp.maxseg) {
            flags &= ~TcpHeader.FIN;
            if (tso) {
                int seg = tp.maxseg - optlen;
                int sbcc = sbccOf(tp);
                // at most the interface's largest packet, headers included
                int maxLen = tp.tsoMax - Ipv4Header.MIN_LENGTH - TcpHeader.MIN_LENGTH - optlen;
                if (len > maxLen) {
                    len = maxLen;
                    more = true;
                }
                // whole segments only, unless this empties the send buffer: no small segment in mid-stream
                if (off + len < sbcc && len % seg != 0) {
                    len -= len % seg;
                    more = true;
                }
                if (len <= seg) { // one segment after all: send it the ordinary way
                    len = Math.min(len, seg);
                    more = true;
                } else {
                    tsoSegsz = seg;
                }
                // FreeBSD sends a FIN in a segment of its own after a TSO burst
                if (tp.has(Tcpcb.TF_NEEDFIN)) more = true;
            } else {
                len = Math.max(0, tp.maxseg - optlen);
                more = true;
            }
        }

        boolean sendalotOff = false;
        // retransmitting a FIN: back up over it
        if ((flags & TcpHeader.FIN) != 0 && tp.has(Tcpcb.TF_SENTFIN) && tp.sndNxt == tp.sndMax && len == 0 && !sackRxmit) {
            tp.sndNxt--;
        }
        // a SYN always leaves from the ISS: SYN-RECEIVED resends its SYN,ACK when output finds an ACK due
        if ((flags & TcpHeader.SYN) != 0) tp.sndNxt = tp.sndUna;
        int seq;
        if (sackRxmit) {
            seq = rxmitSeq;
        } else if (len > 0 || (flags & (TcpHeader.SYN | TcpHeader.FIN)) != 0 || tp.persist.pending()) {
            seq = tp.sndNxt;
        } else {
            seq = tp.sndMax;
        }
        byte[] data = null;
        int dataOff = 0;
        Mbuf payload = null; // the segment's data by reference, when zero-copy regions are in the buffer
        boolean noPayload = false;
        if (len > 0) {
            StreamBuffer snd = tp.so.snd();
            snd.lock.lock();
            try {
                if (snd.hasRegionsLocked()) {
                    payload = snd.payloadLocked(off, len, tcp.alloc, tcp.stats);
                    noPayload = payload == null;
                } else if (tsoSegsz > 0) {
                    // a TSO segment's payload goes in clusters, which the NIC shares among its frames
                    payload = snd.clustersLocked(off, len, tcp.alloc);
                    noPayload = payload == null;
                    tcp.stats.add(TcpStat.SNDBYTE_COPIED, len);
                } else {
                    data = new byte[len];
                    snd.copyLocked(off, len, data, 0);
                    tcp.stats.add(TcpStat.SNDBYTE_COPIED, len);
                }
            } finally {
                snd.lock.unlock();
            }
        }
        if (recwin < 0 || (flags & TcpHeader.RST) != 0) recwin = 0; // a RST advertises no window (tcp_output)
        int win;
        if ((flags & TcpHeader.SYN) != 0) {
            win = (int) Math.min(recwin, Tcp.TCP_MAXWIN); // RFC 7323 2.2: a SYN's window is never scaled
        } else {
            // tcp_output rounds the window up to the scale's unit (roundup2), so that scaling never shrinks
            // it, and remembers the rounded window as advertised (rcv_adv below)
            long unit = 1L << tp.rcvScale;
            recwin = (recwin + unit - 1) & -unit;
            win = (int) Math.min(recwin >> tp.rcvScale, Tcp.TCP_MAXWIN);
        }
        if (win == 0 && tp.haveEstablished()) tp.set(Tcpcb.TF_RXWIN0SENT);
        else tp.clear(Tcpcb.TF_RXWIN0SENT);
        int ackFlag = (flags & TcpHeader.ACK) != 0 ? tp.rcvNxt : 0;
        if ((flags & TcpHeader.RST) != 0 && (flags & TcpHeader.ACK) == 0) ackFlag = 0;
        if (len > 0 && TcpSeq.ge(seq + len, tp.sndUna + sbccOf(tp)) && (flags & TcpHeader.SYN) == 0) {
            flags |= TcpHeader.PSH; // the last data in the buffer: push (FreeBSD sets PSH when sending all)
        }
        flags = TcpUrgent.flagsLocked(tp, seq, flags);
        // ECN (tcp_output, TcpEcn): our SYN asks for it; a connection that negotiated it marks new data ECT(0)
        // and carries ECE and CWR as feedback (a simultaneous open's SYN,ACK sends its ECE once)
        int ipEcn = 0;
        if (tp.state == TcpState.SYN_SENT) flags |= TcpEcn.synSentFlags(tp);
        if (tp.haveReceivedSyn() && (tp.flags2 & TcpEcn.ECN_PERMIT) != 0) {
            boolean newData = TcpEcn.newData(tp, len, sackRxmit);
            flags = TcpEcn.outputFlags(tp, flags, newData);
            ipEcn = TcpEcn.codepoint(tp, newData);
            if (tp.state == TcpState.SYN_RECEIVED) tp.flags2 &= ~TcpEcn.ECN_SND_ECE;
        }

        // counters (tcpstat), as tcp_output counts them
        Tcp t = tcp;
        if (len > 0) {
            if (tp.has(Tcpcb.TF_FORCEDATA) && len == 1) {
                t.stats.increment(smpnet.stack.stats.TcpStat.SNDPROBE);
            } else if (TcpSeq.lt(seq, tp.sndMax) || sackRxmit) {
                t.stats.increment(TcpStat.SNDREXMITPACK);
                t.stats.add(TcpStat.SNDREXMITBYTE, len);
                tp.totalRetransmitted++;
                if (sackRxmit) {
                    t.stats.increment(TcpStat.SACK_REXMITS);
                    t.stats.add(TcpStat.SACK_REXMIT_BYTES, len);
                }
            } else {
                t.stats.increment(TcpStat.SNDPACK);
                t.stats.add(TcpStat.SNDBYTE, len);
            }
        } else if (tp.has(Tcpcb.TF_ACKNOW) && (flags & (TcpHeader.SYN | TcpHeader.FIN | TcpHeader.RST)) == 0) {
            t.stats.increment(TcpStat.SNDACKS);
        } else if ((flags & (TcpHeader.SYN | TcpHeader.FIN | TcpHeader.RST)) != 0) {
            t.stats.increment(TcpStat.SNDCTRL);
        } else {
            t.stats.increment(TcpStat.SNDWINUP);
        }

        Mbuf m;
        if (payload != null) {
            m = tcp.segments.buildChain(tp.laddr, tp.faddr, tp.lport, tp.fport, seq, ackFlag, flags, win, opts, payload,
                    len, tsoSegsz);
        } else {
            m = noPayload ? null
                    : tcp.segments.build(tp.laddr, tp.faddr, tp.lport, tp.fport, seq, ackFlag, flags, win, opts, data, dataOff, len);
        }

        TcpUrgent.stamp(tp, m, seq, flags);

        // sequence bookkeeping, even if the mbuf was not there (the retransmit timer recovers)
        if (recwin > 0 && TcpSeq.gt(tp.rcvNxt + (int) recwin, tp.rcvAdv)) tp.rcvAdv = tp.rcvNxt + (int) recwin;
        tp.lastAckSent = tp.rcvNxt;
        tp.clear(Tcpcb.TF_ACKNOW | Tcpcb.TF_DELACK);
        tp.delack.stop();
        if (sackRxmit) {
            if (markSent) tp.scoreboard.sent(new SackScoreboard.Segment(seq, len, SackScoreboard.Rule.LOST_HOLE));
            armRexmt(tp);
        } else if (!tp.has(Tcpcb.TF_FORCEDATA) || !tp.persist.pending()) {
            int startSeq = tp.sndNxt;
            if ((flags & TcpHeader.SYN) != 0) tp.sndNxt++;
            if ((flags & TcpHeader.FIN) != 0) {
                tp.sndNxt++;
                tp.set(Tcpcb.TF_SENTFIN);
            }
            if ((flags & TcpHeader.RST) == 0) {
                tp.sndNxt += len;
                if (TcpSeq.gt(tp.sndNxt, tp.sndMax)) {
                    tp.sndMax = tp.sndNxt;
                    if (tp.rttStartNanos == Tcpcb.NOT_TIMED && tp.state != TcpState.CLOSED) { // time this segment (no TS: Karn)
                        tp.rttStartNanos = tcp.scheduler.nanoTime();
                        tp.rtseq = startSeq;
                        t.stats.increment(TcpStat.SEGSTIMED);
                    }
                }
                armRexmt(tp);
                if (len == 0 && !tp.rexmt.pending() && !tp.persist.pending() && sbccOf(tp) > 0 && tp.haveEstablished()) {
                    // a pure ACK went out while data waits for a closed window: the probe must still come
                    tp.rxtShift = 0;
                    TcpTimers.setPersistLocked(tp);
                }
            }
        } else {
            if (TcpSeq.gt(tp.sndNxt + len, tp.sndMax)) tp.sndMax = tp.sndNxt + len; // the probe's byte counts as sent
            more = false; // one probe per persist timeout
            sendalotOff = true;
        }
        t.stats.increment(TcpStat.SNDTOTAL);
        if (m != null && !tcp.send(tp, m, ipEcn)) {
            if (tsoSegsz > 0 && !tp.has(Tcpcb.TF_TSO)) {
                // EMSGSIZE: the route's interface lost TSO; the same bytes go again in ordinary segments
                tp.sndNxt -= len;
                return true;
            }
            noBuffers(tp, len, flags, sackRxmit);
            return false;
        }
        return sendalotOff ? false : more;
    }

    /**
     * The segment just built never left the host: the interface's queue was full (or no mbuf), FreeBSD's
     * ENOBUFS from ip_output. As tcp_output does, backs out the sequence advance of its data so the same
     * bytes go next (a probe, a SYN or a SACK retransmission stays sent: the timers resend it; a FIN stays
     * sent, and is resent from snd_max as any FIN retransmission), keeps the retransmit timer running and lets
     * the congestion window restart from one segment, so the sender waits for ACKs of what is queued instead
     * of taking the full queue for a loss. snd_max stays, as in FreeBSD: the bytes sent again count as a
     * retransmission.
     */
    private static void noBuffers(Tcpcb tp, int len, int flags, boolean sackRxmit) {
        tp.tcp.stats.increment(TcpStat.SNDNOBUFS);
        boolean probe = tp.has(Tcpcb.TF_FORCEDATA) && tp.persist.pending();
        if (!probe && !sackRxmit && (flags & TcpHeader.SYN) == 0 && len > 0 && (flags & TcpHeader.FIN) == 0) {
            tp.sndNxt -= len;
        }
        armRexmt(tp);
        tp.ccv.cwnd = tp.effectiveMaxseg();
    }

    /**
     * The Fast Open cookie a SYN or SYN-ACK of {@code tp} carries: only the first one (tcp_output leaves the
     * option, and the data, off a retransmission, for a middlebox may have dropped the original for it);
     * null for none.
     */
    static byte[] fastOpenCookieLocked(Tcpcb tp) {
        if (!tp.has(Tcpcb.TF_FASTOPEN) || tp.rxtShift > 0) return null;
        if (tp.state == TcpState.SYN_SENT) return tp.tfoClientCookie;
        return tp.state == TcpState.SYN_RECEIVED ? tp.tfoServerCookie : null;
    }

    private static void countFastOpen(Tcpcb tp, byte[] cookie, int len) {
        if (tp.state == TcpState.SYN_RECEIVED) {
            tp.tcp.stats.increment(TcpStat.TFO_COOKIE_SENT);
        } else if (cookie.length == 0) {
            tp.tcp.stats.increment(TcpStat.TFO_COOKIE_REQ);
        } else if (len > 0) {
            tp.tcp.stats.increment(TcpStat.TFO_SYN_DATA_SENT);
        }
    }

    /** Arms the retransmit timer if data is outstanding and it is not running (stopping persist). */
    private static void armRexmt(Tcpcb tp) {
        if (tp.rexmt.pending() || tp.sndNxt == tp.sndUna) return;
        if (tp.persist.pending()) {
            tp.persist.stop();
            tp.rxtShift = 0;
        }
        tp.rexmt.reset(tp.rxtCurNanos);
    }

    private static int sbccOf(Tcpcb tp) {
        StreamBuffer snd = tp.so == null ? null : tp.so.snd();
        if (snd == null) return 0;
        snd.lock.lock();
        try {
            return snd.ccLocked();
        } finally {
            snd.lock.unlock();
        }
    }

    /** The MSS a SYN of {@code tp} announces: {@link #mssOption(Tcp, int)} toward its peer. */
    static int mssOption(Tcpcb tp) {
        return mssOption(tp.tcp, tp.faddr);
    }

    /**
     * tcp_mssopt: the MSS we announce toward {@code faddr}, from the interface MTU (never the learned path MTU,
     * nor TCP_MAXSEG, which limits only what we send). As in FreeBSD, a SYN announces it as it is, even below
     * net.inet.tcp.minmss (an MTU of 72 announces 32); the SYN cache's SYN-ACK raises it to minmss.
     */
    static int mssOption(Tcp tcp, int faddr) {
        int mtu = tcp.ipOutput.linkMtuFor(faddr);
        return mtu == 0 ? tcp.settings.mssdflt : mtu - Ipv4Header.MIN_LENGTH - TcpHeader.MIN_LENGTH;
    }

    /**
     * tcp_mss: sets t_maxseg from the peer's MSS option ({@code offer}, -1 if none: net.inet.tcp.mssdflt) and
     * the MTU toward it (path MTU included), clamped below by net.inet.tcp.minmss; and TF_TSO with t_tsomax
     * from the interface toward it.
     */
    static void setMssLocked(Tcpcb tp, int offer) {
        tp.lock.assertOwned();
        TcpSettings set = tp.tcp.settings;
        int peer = offer <= 0 ? set.mssdflt : Math.max(offer, set.minmss);
        tp.peerMss = peer;
        int mtu = tp.tcp.ipOutput.mtuFor(tp.faddr);
        int mine = mtu == 0 ? set.mssdflt : mtu - Ipv4Header.MIN_LENGTH - TcpHeader.MIN_LENGTH;
        int mss = Math.min(peer, mine);
        if (tp.userMaxseg > 0) mss = Math.min(mss, tp.userMaxseg);
        tp.maxseg = Math.max(mss, set.minmss);
        // tcp_maxmtu's capability check: TSO if the interface toward the peer offers it
        tp.tsoMax = tp.tcp.ipOutput.tsoMaxFor(tp.faddr);
        if (tp.tsoMax > 0) tp.set(Tcpcb.TF_TSO);
        else tp.clear(Tcpcb.TF_TSO);
        if (tp.scoreboard != null) tp.scoreboard.setSmss(tp.effectiveMaxseg());
        if (tp.ccv != null) tp.ccv.maxseg = tp.effectiveMaxseg();
    }

    /**
     * The socket-buffer half of tcp_mss, after {@link #setMssLocked} with the peer's SYN: each buffer becomes a
     * whole number of segments, rounded up to a multiple of t_maxseg (at most kern.ipc.maxsockbuf, never
     * shrunk), so a 65536-byte receive buffer becomes 65700 with an MSS of 1460. A send buffer smaller than
     * one segment lowers t_maxseg to its size instead. FreeBSD runs this when a SYN-ACK brings an MSS option
     * and when the SYN cache makes the connection (syncache_socket), not on a path MTU change.
     */
    static void roundBuffersToMssLocked(Tcpcb tp) {
        tp.lock.assertOwned();
        if (tp.so == null) return;
        long max = tp.tcp.settings.maxSockBuf();
        StreamBuffer snd = tp.so.snd();
        snd.lock.lock();
        try {
            int hiwat = snd.hiwatLocked();
            if (hiwat < tp.maxseg) {
                tp.maxseg = Math.max(hiwat, 64);
            } else {
                growToMultipleLocked(snd, hiwat, tp.maxseg, max);
            }
        } finally {
            snd.lock.unlock();
        }
        StreamBuffer rcv = tp.so.rcv();
        rcv.lock.lock();
        try {
            int hiwat = rcv.hiwatLocked();
            if (hiwat > tp.maxseg) growToMultipleLocked(rcv, hiwat, tp.maxseg, max);
        } finally {
            rcv.lock.unlock();
        }
        if (tp.scoreboard != null) tp.scoreboard.setSmss(tp.effectiveMaxseg());
        if (tp.ccv != null) tp.ccv.maxseg = tp.effectiveMaxseg();
    }

    /** sbreserve of roundup(hiwat, mss), capped at {@code max}, only if that grows the buffer. */
    private static void growToMultipleLocked(StreamBuffer sb, int hiwat, int mss, long max) {
        long size = Math.min((hiwat + (long) mss - 1) / mss * mss, max);
        if (size > hiwat) sb.setHiwatLocked((int) size, false);
    }

    /**
     * tcp_mtudisc: a validated "fragmentation needed" lowered the path MTU (the ICMP layer has put it in the
     * path MTU cache): shrink the segment size and resend from SND.UNA.
     */
    static void mtuDiscoveryLocked(Tcpcb tp, int nextHopMtu) {
        tp.lock.assertOwned();
        int old = tp.maxseg;
        int mtu = tp.tcp.ipOutput.mtuFor(tp.faddr);
        if (mtu == 0) return;
        int mss = Math.max(tp.tcp.settings.minmss, Math.min(tp.peerMss, mtu - Ipv4Header.MIN_LENGTH - TcpHeader.MIN_LENGTH));
        if (tp.userMaxseg > 0) mss = Math.min(mss, tp.userMaxseg);
        if (mss >= old) return;
        tp.maxseg = mss;
        if (tp.scoreboard != null) tp.scoreboard.setSmss(tp.effectiveMaxseg());
        if (tp.ccv != null) {
            tp.ccv.maxseg = tp.effectiveMaxseg();
            tp.ccv.cwnd = Math.min(tp.ccv.cwnd, Math.max(tp.ccv.maxseg, tp.ccv.cwnd));
        }
        tp.tcp.stats.increment(TcpStat.MTURESENT);
        tp.sndNxt = tp.sndUna;
        tp.rttStartNanos = Tcpcb.NOT_TIMED; // Karn: what follows is a retransmission
        outputLocked(tp);
    }
}
