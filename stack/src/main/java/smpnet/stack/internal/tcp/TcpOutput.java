package smpnet.stack.internal.tcp;

import smpnet.locking.GuardedBy;
import smpnet.stack.internal.wire.TcpHeader;
import smpnet.stack.socket.TcpState;

/**
 * tcp_output: decides whether a connection has something to send (data the windows allow, a SYN, a FIN,
 * an ACK that is due, a window update), as FreeBSD's {@code tcp_output.c} does: sender silly window
 * avoidance and Nagle (RFC 9293 3.8.6.2.1), receiver window updates (3.8.6.2.2), SACK recovery's NextSeg
 * (RFC 6675), whether the data goes as one TSO segment, the persist timer when nothing may go.
 * {@link TcpOutputSegment} builds and sends what goes; the segment size is {@link TcpMss}'s.
 *
 * <p>Locking key: every method runs under the connection's inp; the socket buffers are read (and the send
 * buffer grown) under their own locks, so_snd and so_rcv, taken after inp and released before a segment
 * is sent.
 */
final class TcpOutput {
    /**
     * A thread's tcp_output locals: the pass and the segment it builds. Per thread rather than per connection
     * (they were a connection's, two more objects of it): what every pass writes first then stays in the
     * caches of the thread that sends, whichever of 100,000 connections it sends on, instead of being two more
     * cold objects of a connection nobody touched for seconds.
     */
    static final class Scratch {
        final Pass pass = new Pass();
        final TcpOutputSegment.Draft segment = new TcpOutputSegment.Draft();
    }

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    /** The calling thread's locals. */
    static Scratch scratch() { return SCRATCH.get(); }

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
        if (idle && tp.ccc != null && tp.nowNanos() - tp.lastRecvNanos >= tp.rxtCurNanos
                && tp.haveEstablished()) {
            TcpTimers.syncCc(tp);
            tp.ccc.afterIdle(); // RFC 5681 4.1: restart from the initial window after an idle RTO
        }
        for (int i = 0; i < 1024 && outputOnceLocked(tp, idle); i++) {
            // another segment is due: send it too
        }
    }

    /**
     * The locals of one pass of tcp_output's decision, which FreeBSD keeps on the stack of one function,
     * shared by the steps of {@link #outputOnceLocked}. Each thread has one ({@link Scratch}), filled afresh by
     * every pass; nothing reads it once the pass has handed its segment to {@link TcpOutputSegment}, so an
     * output started from below (another connection's, in the same thread) may fill it again.
     */
    static final class Pass {
        /** so_snd as the pass found it: the bytes in it, its high-water mark, whether the user sized it. */
        @GuardedBy("inp") int sbcc;
        @GuardedBy("inp") int sndHiwat;
        @GuardedBy("inp") boolean sndUserSized;
        /** The control bits: tcp_outflags, less a SYN already sent or a FIN the data does not reach. */
        @GuardedBy("inp") int flags;
        /** Where the data starts, from snd_una, and its length (negative until the fallback to snd_una). */
        @GuardedBy("inp") int off;
        @GuardedBy("inp") long len;
        /** The congestion window, and the window the data may fill: min(snd_wnd, cwnd), or SACK's allowance. */
        @GuardedBy("inp") long cwnd;
        @GuardedBy("inp") long sendwin;
        /** The segment size, options every segment carries deducted (tcp_maxseg). */
        @GuardedBy("inp") int maxseg;
        /** A SACK retransmission (RFC 6675 NextSeg) of the hole at {@link #rxmitSeq}. */
        @GuardedBy("inp") boolean sackRxmit;
        @GuardedBy("inp") int rxmitSeq;
        /** The data goes as one TSO segment; it was cut to one segment and more follows (sendalot). */
        @GuardedBy("inp") boolean tso;
        @GuardedBy("inp") boolean sendalot;
        /** The length before the cut to one segment (for {@link TcpPmtuBlackhole#sendingLocked}). */
        @GuardedBy("inp") long fullLen;
        /** The window to advertise, and so_rcv's high-water mark. */
        @GuardedBy("inp") long recwin;
        @GuardedBy("inp") int rcvHiwat;
    }

    /**
     * One pass of tcp_output; true if another segment should follow at once. Reads as FreeBSD's: the data
     * and flags to send, then whether anything is worth sending (data, a window update, a control bit or an
     * ACK), else {@code just_return}; {@link TcpOutputSegment#sendLocked} does the {@code send:}.
     */
    private static boolean outputOnceLocked(Tcpcb tp, boolean idle) {
        if (tp.state == TcpState.LISTEN || (tp.dropped && tp.state != TcpState.CLOSED)) return false;
        if (fastOpenHandshakeHoldsLocked(tp)) return false;
        StreamBuffer snd = tp.so == null ? null : tp.so.snd();
        Pass p = beginLocked(tp, snd);
        if (tp.has(Tcpcb.TF_SACK_PERMIT) && tp.has(Tcpcb.TF_FASTRECOVERY) && tp.scoreboard != null
                && tp.scoreboard.inRecovery()) {
            sackNextSegLocked(tp, p);
        }
        if (tp.has(Tcpcb.TF_FORCEDATA)) persistWindowLocked(tp, p);
        lengthToSendLocked(tp, p);
        segmentCutLocked(tp, p);
        if (snd != null && tp.tcp.settings.sendbufAuto && !p.sndUserSized
                && autoscaleWanted(tp, p.sndHiwat, p.sbcc, p.sendwin)) {
            autoscaleSendBuffer(tp, snd, p.sendwin);
        }
        receiveWindowLocked(tp, p);
        if (!dataToSendLocked(tp, p, idle) && !windowUpdateDueLocked(tp, p) && !controlDueLocked(tp, p.flags)) {
            justReturnLocked(tp, p.sbcc);
            return false;
        }
        boolean probe = tp.has(Tcpcb.TF_FORCEDATA) && tp.timer.armed(TcpTimer.PERSIST);
        TcpPmtuBlackhole.sendingLocked(tp, p.fullLen);
        boolean sendalot = p.sendalot;
        boolean more = TcpOutputSegment.sendLocked(tp, p.flags, (int) p.len, p.off, p.sackRxmit, p.rxmitSeq, p.recwin,
                p.sendwin, true, p.tso);
        return !probe && (sendalot || more);
    }

    /**
     * A Fast Open connection still in its handshake sends its first SYN (or SYN-ACK) and what the retransmit
     * timer resends, nothing else: its data waits for the handshake.
     */
    private static boolean fastOpenHandshakeHoldsLocked(Tcpcb tp) {
        return tp.has(Tcpcb.TF_FASTOPEN) && (tp.state == TcpState.SYN_SENT || tp.state == TcpState.SYN_RECEIVED)
                && TcpSeq.gt(tp.sndMax, tp.sndUna) && tp.sndNxt != tp.sndUna;
    }

    /**
     * Starts the pass: so_snd read once, in one hold of its lock, for all the pass decides on (FreeBSD's
     * tcp_output holds it throughout; the send buffer's autoscaling takes it again only to grow it); the
     * flags of the state, the data from snd_nxt, the window min(snd_wnd, cwnd).
     */
    private static Pass beginLocked(Tcpcb tp, StreamBuffer snd) {
        Pass p = scratch().pass;
        if (snd == null) {
            p.sbcc = 0;
            p.sndHiwat = 0;
            p.sndUserSized = true;
        } else {
            snd.lock.lock();
            try {
                p.sbcc = snd.ccLocked();
                p.sndHiwat = snd.hiwatLocked();
                p.sndUserSized = snd.userSizedLocked();
            } finally {
                snd.lock.unlock();
            }
        }
        p.flags = outFlags(tp.state);
        p.off = tp.sndNxt - tp.sndUna;
        p.cwnd = tp.ccv == null ? Integer.MAX_VALUE : tp.ccv.cwnd;
        p.sendwin = Math.min(tp.sndWnd, p.cwnd);
        p.sackRxmit = false;
        p.rxmitSeq = 0;
        p.len = 0;
        p.sendalot = false;
        p.maxseg = tp.effectiveMaxseg();
        return p;
    }

    /**
     * SACK recovery's NextSeg (RFC 6675, FreeBSD's tcp_sack_output): a lost hole goes first, as much of it as
     * the pipe allows; new data only within the pipe's allowance; nothing new while the pipe is full.
     */
    private static void sackNextSegLocked(Tcpcb tp, Pass p) {
        int pipe = tp.scoreboard.pipe(tp.sndUna, tp.sndMax);
        long allowed = p.cwnd - pipe;
        if (allowed < p.maxseg && (allowed <= 0 || pipe != 0)) {
            p.sendwin = p.off; // the pipe is full: send nothing new
            return;
        }
        SackScoreboard.Segment s = tp.scoreboard.nextSeg(tp.sndUna, tp.sndMax, tp.sndUna + p.sbcc);
        if (s != null && s.rule() != SackScoreboard.Rule.NEW_DATA) {
            p.sackRxmit = true;
            p.rxmitSeq = s.seq();
            p.off = p.rxmitSeq - tp.sndUna;
            p.len = Math.min(Math.min(Math.min(s.len(), p.maxseg), allowed), (long) p.sbcc - p.off);
            if (p.len <= 0) {
                p.sackRxmit = false;
                p.off = tp.sndNxt - tp.sndUna;
            }
        }
        if (s != null && s.rule() == SackScoreboard.Rule.NEW_DATA) p.sendwin = Math.min(tp.sndWnd, allowed + p.off);
    }

    /**
     * "If in persist timeout with window of 0, send 1 byte. Otherwise, if window is small but nonzero and
     * timer expired, we will send what we can and go to transmit state" (the persist timer stops).
     */
    private static void persistWindowLocked(Tcpcb tp, Pass p) {
        if (p.sendwin == 0) {
            p.sendwin = 1;
        } else {
            tp.timer.disarm(TcpTimer.PERSIST);
            tp.rxtShift = 0;
        }
    }

    /**
     * The length of data to send: what the window allows of the send buffer beyond {@code off}. A SYN
     * already sent occupies one sequence number before the data (FreeBSD: off--, len++; what follows a Fast
     * Open SYN-ACK goes without the SYN bit too); data rides on a SYN only with Fast Open, and a SYN carries
     * no FIN. "If FIN has been sent but not acked ... len will be < 0. Otherwise, window shrank after we
     * sent into it": fall back to snd_una, and if the window shrank to 0, cancel the retransmit timer and
     * set the persist timer.
     */
    private static void lengthToSendLocked(Tcpcb tp, Pass p) {
        if (!p.sackRxmit) p.len = Math.min(p.sbcc, p.sendwin) - p.off;
        if ((p.flags & TcpHeader.SYN) != 0 && TcpSeq.gt(tp.sndNxt, tp.sndUna)) {
            if (tp.state != TcpState.SYN_RECEIVED || tp.has(Tcpcb.TF_FASTOPEN)) p.flags &= ~TcpHeader.SYN;
            p.off--;
            p.len++;
        }
        if ((p.flags & TcpHeader.SYN) != 0) {
            if (fastOpenCookieLocked(tp) == null || tp.state == TcpState.SYN_SENT && tp.tfoClientCookie.length == 0) {
                p.len = 0;
            }
            p.flags &= ~TcpHeader.FIN;
        }
        if (p.len < 0) {
            p.len = 0;
            if (p.sendwin == 0) {
                tp.timer.disarm(TcpTimer.REXMT);
                tp.rxtShift = 0;
                tp.sndNxt = tp.sndUna;
                if (!tp.timer.armed(TcpTimer.PERSIST)) TcpTimers.setPersistLocked(tp);
            }
        }
    }

    /**
     * "Decide if we can use TCP Segmentation Offloading": more than one segment ready for an interface that
     * cuts segments itself goes as one large segment, trimmed to the interface's maximum once the options
     * are known ({@link TcpTso#lengthLocked}); otherwise the data is cut to one segment and more follows
     * (sendalot). A FIN goes only with the last of the data.
     */
    private static void segmentCutLocked(Tcpcb tp, Pass p) {
        p.fullLen = p.len;
        p.tso = p.len > p.maxseg && TcpTso.allowedLocked(tp, p.flags, p.sackRxmit);
        if (p.len > p.maxseg && !p.tso) {
            p.len = p.maxseg;
            p.sendalot = true;
        }
        int from = p.sackRxmit ? p.rxmitSeq : tp.sndNxt;
        if (TcpSeq.lt(from + (int) p.len, tp.sndUna + p.sbcc)) p.flags &= ~TcpHeader.FIN;
    }

    /** The window to advertise ({@link #receiveWindow(Tcpcb)}), so_rcv read in one hold of its lock. */
    private static void receiveWindowLocked(Tcpcb tp, Pass p) {
        StreamBuffer rcv = tp.so == null ? null : tp.so.rcv();
        long rcvSpace;
        if (rcv == null) {
            rcvSpace = 0;
            p.rcvHiwat = 0;
        } else {
            rcv.lock.lock();
            try {
                rcvSpace = rcv.spaceLocked();
                p.rcvHiwat = rcv.hiwatLocked();
            } finally {
                rcv.lock.unlock();
            }
        }
        p.recwin = receiveWindow(tp, rcvSpace, p.rcvHiwat);
    }

    /**
     * "Sender silly window avoidance" (RFC 9293 3.8.6.2.1): data goes if it fills a segment; if it empties
     * the buffer and the connection was idle or TCP_NODELAY is set (Nagle); if it is a persist probe; if it
     * is at least half the largest window the peer offered; if it is a retransmission.
     */
    private static boolean dataToSendLocked(Tcpcb tp, Pass p, boolean idle) {
        long len = p.len;
        if (len <= 0) return false;
        return len >= p.maxseg
                || ((idle || tp.has(Tcpcb.TF_NODELAY)) && len + p.off >= p.sbcc)
                || tp.has(Tcpcb.TF_FORCEDATA)
                || (tp.maxSndWnd > 0 && len >= tp.maxSndWnd / 2)
                || TcpSeq.lt(tp.sndNxt, tp.sndMax)
                || p.sackRxmit;
    }

    /**
     * "Sending of standalone window updates" (RFC 9293 3.8.6.2.2): once synchronized and before the peer's
     * FIN, when the window would open by at least two segments and a quarter of the buffer (or the buffer is
     * nearly full, or small, or the window at its largest), or by half the buffer.
     */
    private static boolean windowUpdateDueLocked(Tcpcb tp, Pass p) {
        long recwin = p.recwin;
        int hiwat = p.rcvHiwat;
        if (recwin <= 0 || !tp.haveReceivedSyn() || tp.has(Tcpcb.TF_NEEDSYN) || tp.haveReceivedFin()) return false;
        long adv = Math.min(recwin, (long) Tcp.TCP_MAXWIN << tp.rcvScale);
        long oldwin = TcpSeq.gt(tp.rcvAdv, tp.rcvNxt) ? (tp.rcvAdv - tp.rcvNxt) : 0;
        adv -= oldwin;
        if ((oldwin >> tp.rcvScale) >= ((adv + oldwin) >> tp.rcvScale)) return false;
        if (adv >= 2L * tp.maxseg && (adv >= hiwat / 4 || recwin <= hiwat / 8 || hiwat <= 8 * tp.maxseg
                || adv >= (long) Tcp.TCP_MAXWIN << tp.rcvScale)) {
            return true;
        }
        return 2 * adv >= hiwat;
    }

    /**
     * "Send if we owe the peer an ACK, RST, SYN, or urgent data" not yet acknowledged, or a FIN not yet
     * sent (or to be sent again from snd_una).
     */
    private static boolean controlDueLocked(Tcpcb tp, int flags) {
        return tp.has(Tcpcb.TF_ACKNOW)
                || (flags & TcpHeader.RST) != 0
                || ((flags & TcpHeader.SYN) != 0 && !tp.has(Tcpcb.TF_NEEDSYN))
                || TcpUrgent.pendingLocked(tp)
                || ((flags & TcpHeader.FIN) != 0 && (!tp.has(Tcpcb.TF_SENTFIN) || tp.sndNxt == tp.sndUna));
    }

    /**
     * just_return: nothing to send. Data in flight is always covered by the retransmit timer; data that waits
     * for a closed window gets the persist timer, to probe it (RFC 9293 3.8.6.1).
     */
    private static void justReturnLocked(Tcpcb tp, int sbcc) {
        if (tp.sndMax != tp.sndUna && !tp.timer.armed(TcpTimer.REXMT) && !tp.timer.armed(TcpTimer.PERSIST) && tp.haveReceivedSyn()) {
            tp.timer.arm(TcpTimer.REXMT, tp.rxtCurNanos);
        } else if (sbcc > 0 && !tp.timer.armed(TcpTimer.REXMT) && !tp.timer.armed(TcpTimer.PERSIST) && tp.haveEstablished()) {
            tp.rxtShift = 0;
            TcpTimers.setPersistLocked(tp);
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
        return receiveWindow(tp, recwin, hiwat);
    }

    /** {@link #receiveWindow(Tcpcb)} from so_rcv's free space {@code recwin} and high-water mark {@code hiwat}. */
    private static long receiveWindow(Tcpcb tp, long recwin, int hiwat) {
        if (recwin < hiwat / 4 && recwin < tp.maxseg) recwin = 0; // RFC 9293 3.8.6.2.2: no silly window
        if (TcpSeq.gt(tp.rcvAdv, tp.rcvNxt) && recwin < (long) (tp.rcvAdv - tp.rcvNxt)) recwin = tp.rcvAdv - tp.rcvNxt;
        return Math.min(recwin, (long) Tcp.TCP_MAXWIN << tp.rcvScale);
    }

    /** tcp_sndbuf_autoscale's test: the send buffer of {@code hiwat} bytes, {@code used} of them, should grow. */
    private static boolean autoscaleWanted(Tcpcb tp, int hiwat, int used, long sendwin) {
        return tp.sndWnd / 4 * 5 >= hiwat && used >= hiwat / 8 * 7 && used < tp.tcp.settings.sendbufMax
                && sendwin >= used - (tp.sndNxt - tp.sndUna);
    }

    /** tcp_sndbuf_autoscale: grows the send buffer while the peer's window would take more. */
    private static void autoscaleSendBuffer(Tcpcb tp, StreamBuffer snd, long sendwin) {
        TcpSettings set = tp.tcp.settings;
        snd.lock.lock();
        try {
            if (snd.userSizedLocked()) return;
            int hiwat = snd.hiwatLocked();
            int used = snd.ccLocked();
            if (autoscaleWanted(tp, hiwat, used, sendwin)) {
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
        TcpPmtuBlackhole.sendingLocked(tp, len);
        int flags = TcpHeader.ACK;
        TcpOutputSegment.sendLocked(tp, flags, len, off, true, seq, receiveWindow(tp), Math.min(tp.sndWnd, tp.ccv.cwnd), false, false);
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

    static int sbccOf(Tcpcb tp) {
        StreamBuffer snd = tp.so == null ? null : tp.so.snd();
        if (snd == null) return 0;
        snd.lock.lock();
        try {
            return snd.ccLocked();
        } finally {
            snd.lock.unlock();
        }
    }
}
