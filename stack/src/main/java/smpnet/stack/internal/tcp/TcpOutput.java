package smpnet.stack.internal.tcp;

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
        int sndHiwat = 0;
        boolean sndUserSized = true;
        if (snd == null) {
            sbcc = 0;
        } else {
            // One hold of so_snd for what this pass reads of it (FreeBSD's tcp_output holds it throughout):
            // the send buffer's autoscaling below decides on these and takes the lock again only to grow it.
            snd.lock.lock();
            try {
                sbcc = snd.ccLocked();
                sndHiwat = snd.hiwatLocked();
                sndUserSized = snd.userSizedLocked();
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
        long fullLen = len; // tcp_output's len before the cut to one segment (TcpPmtuBlackhole.sendingLocked)
        boolean tso = len > maxseg && tsoAllowedLocked(tp, flags, sackRxmit);
        if (len > maxseg && !tso) {
            len = maxseg;
            sendalot = true;
        }
        if (!sackRxmit && TcpSeq.lt(tp.sndNxt + (int) len, tp.sndUna + sbcc)) flags &= ~TcpHeader.FIN;
        if (sackRxmit && TcpSeq.lt(rxmitSeq + (int) len, tp.sndUna + sbcc)) flags &= ~TcpHeader.FIN;

        if (snd != null && set.sendbufAuto && !sndUserSized && autoscaleWanted(tp, sndHiwat, sbcc, sendwin)) {
            autoscaleSendBuffer(tp, snd, sendwin);
        }

        StreamBuffer rcv = tp.so == null ? null : tp.so.rcv();
        long rcvSpace;
        int hiwat;
        if (rcv == null) {
            rcvSpace = 0;
            hiwat = 0;
        } else {
            rcv.lock.lock(); // one hold of so_rcv for the window and its high-water mark
            try {
                rcvSpace = rcv.spaceLocked();
                hiwat = rcv.hiwatLocked();
            } finally {
                rcv.lock.unlock();
            }
        }
        long recwin = receiveWindow(tp, rcvSpace, hiwat);

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
        TcpPmtuBlackhole.sendingLocked(tp, fullLen);
        boolean more = TcpOutputSegment.sendLocked(tp, flags, (int) len, off, sackRxmit, rxmitSeq, recwin, sendwin, true, tso);
        return probeBefore == 0 && (sendalot || more);
    }

    /**
     * tcp_output's test for TSO: the interface offers it (TF_TSO, from tcp_mss), net.inet.tcp.tso is on, and
     * the segment is plain bulk data: no SYN, not a SACK retransmission, no SACK blocks to advertise (each
     * frame the interface makes carries the same header, so nothing may vary per segment), no urgent pointer
     * to carry (it would point from the first frame's sequence number only), no TCP-MD5 signature (each
     * frame needs its own). smpnet's TCP sends no IP options, FreeBSD's other exclusion.
     */
    private static boolean tsoAllowedLocked(Tcpcb tp, int flags, boolean sackRxmit) {
        return tp.has(Tcpcb.TF_TSO) && tp.tcp.settings.tso && tp.port == 0 && !sackRxmit && (flags & TcpHeader.SYN) == 0
                && !TcpOutputSegment.sacksToAdvertise(tp, flags) && !TcpUrgent.pendingLocked(tp)
                && !tp.has(Tcpcb.TF_SIGNATURE);
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
