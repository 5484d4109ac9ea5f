package smpnet.stack.internal.tcp;

import smpnet.stack.internal.tcp.cc.CcAlgorithm;
import smpnet.stack.socket.TcpState;
import smpnet.stack.stats.TcpStat;

/**
 * The five timers of a connection (FreeBSD's {@code tcp_timer.c}): retransmit, persist, keepalive (and the
 * connection-establishment timeout), 2MSL (TIME_WAIT and the FIN_WAIT_2 limit) and delayed ACK. Each runs
 * under the connection's inp, all five on one callout (see {@link TcpTimer}); a timer disarmed under that lock
 * never runs.
 */
final class TcpTimers {
    /** TCPTV_PERSMIN and TCPTV_PERSMAX. */
    static final long PERSIST_MIN_NANOS = 5_000_000_000L;
    static final long PERSIST_MAX_NANOS = 60_000_000_000L;
    /** tcp_maxpersistidle: TCPTV_KEEP_IDLE, two hours (fixed, not net.inet.tcp.keepidle). */
    static final long MAX_PERSIST_IDLE_NANOS = 2 * 3600 * 1_000_000_000L;

    private TcpTimers() {}

    /** tcp_timer_rexmt: back off, collapse the window, resend from SND.UNA (RFC 6298 5.4-5.7). */
    static void rexmt(Tcpcb tp) {
        Tcp tcp = tp.tcp;
        if (tp.dropped) return;
        if (++tp.rxtShift > RttEstimator.MAX_RXT_SHIFT) {
            tp.rxtShift = RttEstimator.MAX_RXT_SHIFT;
            tcp.stats.increment(TcpStat.TIMEOUTDROP);
            tcp.dropLocked(tp, Tcp.ETIMEDOUT);
            return;
        }
        tcp.stats.increment(TcpStat.REXMTTIMEO);
        if (tp.state == TcpState.SYN_SENT && tp.rxtShift == 3 && tcp.settings.rexmitDropOptions) {
            // tcp_timer_rexmt: no answer to three SYNs, perhaps a middlebox drops unknown options: the MSS stays
            tp.clear(Tcpcb.TF_REQ_SCALE | Tcpcb.TF_REQ_TSTMP | Tcpcb.TF_SACK_PERMIT);
        }
        if (!tp.haveEstablished()) {
            tp.set(Tcpcb.TF_SYN_REXMT); // cc_conn_init then starts from one segment (RFC 5681 3.1)
            tp.rxtCurNanos = tp.rtt.synBackoffNanos(tp.rxtShift);
        } else {
            tp.rxtCurNanos = tp.rtt.backoffNanos(tp.rxtShift);
        }
        TcpPmtuBlackhole.rexmtLocked(tp); // before the congestion signal: cwnd becomes the new MSS
        tp.sndNxt = tp.sndUna;
        tp.sndRecover = tp.sndMax;
        tp.set(Tcpcb.TF_ACKNOW);
        tp.rttStartNanos = Tcpcb.NOT_TIMED; // Karn: no sample from what is now retransmitted
        tp.dupAcks = 0;
        if (tp.ccc != null) {
            syncCc(tp);
            tp.ccc.congSignal(CcAlgorithm.Signal.RTO);
            tp.clear(Tcpcb.TF_FASTRECOVERY | Tcpcb.TF_CONGRECOVERY);
        }
        if (tp.scoreboard != null) {
            tp.scoreboard.exitRecovery();
            tp.scoreboard.clear();
            tp.scoreboardChangedLocked();
        }
        TcpOutput.outputLocked(tp);
    }

    /** Copies the sequence variables an algorithm reads into its CcVars. */
    static void syncCc(Tcpcb tp) {
        tp.ccv.sndUna = tp.sndUna;
        tp.ccv.sndNxt = tp.sndNxt;
        tp.ccv.sndMax = tp.sndMax;
        tp.ccv.sndWnd = (int) Math.min(Integer.MAX_VALUE, tp.sndWnd);
        tp.ccv.sndScale = tp.has(Tcpcb.TF_RCVD_SCALE) ? tp.sndScale : 0;
        tp.ccv.recover = tp.sndRecover;
        tp.ccv.srttNanos = tp.rtt.srttNanos();
        tp.ccv.rxtShift = tp.rxtShift;
        tp.ccv.maxseg = tp.effectiveMaxseg();
    }

    /** tcp_setpersist: arms the persist timer with the backed-off interval plus the slop, within [5 s, 60 s]. */
    static void setPersistLocked(Tcpcb tp) {
        tp.lock.assertOwned();
        tp.timer.arm(TcpTimer.PERSIST, tp.rtt.persistNanos(tp.rxtShift, PERSIST_MIN_NANOS, PERSIST_MAX_NANOS));
        if (tp.rxtShift < RttEstimator.MAX_RXT_SHIFT) tp.rxtShift++;
    }

    /** tcp_timer_persist: a one-byte probe into the closed window; a peer silent long enough is dropped. */
    static void persist(Tcpcb tp) {
        Tcp tcp = tp.tcp;
        if (tp.dropped) return;
        tcp.stats.increment(TcpStat.PERSISTTIMEO);
        long idle = tcp.scheduler.nanoTime() - tp.lastRecvNanos;
        // A peer silent through the whole backoff is dropped once idle for tcp_maxpersistidle (2 hours) or
        // TCP_REXMTVAL * tcp_totbackoff, whichever is less; a peer that answers each probe, even with its
        // window still closed, keeps the connection (FreeBSD has no limit on that). A closed socket's
        // connection goes after persmax of silence.
        long maxIdle = Math.min(MAX_PERSIST_IDLE_NANOS, tp.rtt.rexmtvalTicksNanos() * RttEstimator.TOTAL_BACKOFF);
        if ((tp.rxtShift >= RttEstimator.MAX_RXT_SHIFT && idle >= maxIdle)
                || (tp.state.ordinal() > TcpState.CLOSE_WAIT.ordinal() && idle >= PERSIST_MAX_NANOS)) {
            tcp.stats.increment(TcpStat.PERSISTDROP);
            tcp.dropLocked(tp, Tcp.ETIMEDOUT);
            return;
        }
        setPersistLocked(tp);
        tp.set(Tcpcb.TF_FORCEDATA);
        TcpOutput.outputLocked(tp);
        tp.clear(Tcpcb.TF_FORCEDATA);
    }

    /**
     * tcp_timer_keep: before ESTABLISHED the connection-establishment timeout (net.inet.tcp.keepinit); after,
     * keepalive probes {@code <SEQ=SND.UNA-1><ACK=RCV.NXT>} every keepintvl once idle for keepidle, and a drop
     * after keepcnt unanswered ones, on a connection with SO_KEEPALIVE or on every one under
     * net.inet.tcp.always_keepalive (FreeBSD's default). As in FreeBSD, segments received do not move the timer:
     * they note the time ({@code lastRecvNanos}), and a timer that fires before the connection has been idle
     * for keepidle is set again for the rest of it.
     */
    static void keep(Tcpcb tp) {
        Tcp tcp = tp.tcp;
        if (tp.dropped) return;
        if (tp.haveEstablished()) {
            long idle = tcp.scheduler.nanoTime() - tp.lastRecvNanos;
            if (idle < tp.keepIdleNanos) {
                tp.timer.arm(TcpTimer.KEEP, tp.keepIdleNanos - idle);
                return;
            }
        }
        tcp.stats.increment(TcpStat.KEEPTIMEO);
        if (!tp.haveEstablished()) {
            tcp.stats.increment(TcpStat.KEEPDROPS);
            tcp.dropLocked(tp, Tcp.ETIMEDOUT);
            return;
        }
        if ((tcp.settings.alwaysKeepalive || tp.has(Tcpcb.TF_KEEPALIVE)) && tp.state.ordinal() <= TcpState.CLOSING.ordinal()) {
            long idle = tcp.scheduler.nanoTime() - tp.lastRecvNanos;
            if (idle >= tp.keepIdleNanos + tp.keepCnt * tp.keepIntvlNanos) {
                tcp.stats.increment(TcpStat.KEEPDROPS);
                tcp.dropLocked(tp, Tcp.ETIMEDOUT);
                return;
            }
            tcp.stats.increment(TcpStat.KEEPPROBE);
            tp.keepProbesSent++;
            sendKeepaliveLocked(tp);
            tp.timer.arm(TcpTimer.KEEP, tp.keepIntvlNanos);
        } else {
            tp.timer.arm(TcpTimer.KEEP, tp.keepIdleNanos);
        }
    }

    private static void sendKeepaliveLocked(Tcpcb tp) {
        Tcp tcp = tp.tcp;
        byte[] opts = null;
        if (tp.has(Tcpcb.TF_RCVD_TSTMP) && tp.has(Tcpcb.TF_REQ_TSTMP) && !tp.has(Tcpcb.TF_NOOPT)) {
            opts = TcpOptions.timestamp(tp.tsNow(), tp.tsRecent);
        }
        if (tp.has(Tcpcb.TF_SIGNATURE) && !tp.has(Tcpcb.TF_NOOPT)) { // tcp_respond signs as tcp_output does
            opts = opts == null ? TcpOptions.build(TcpOptions.SIGNATURE, 0, 0, 0, 0, null, 0)
                    : TcpOptions.build(TcpOptions.TIMESTAMP | TcpOptions.SIGNATURE, 0, 0, tp.tsNow(), tp.tsRecent, null, 0);
        }
        long recwin = TcpOutput.receiveWindow(tp);
        smpnet.stack.mbuf.Mbuf m = tcp.segments.build(tp.laddr, tp.faddr, tp.lport, tp.fport, tp.sndUna - 1, tp.rcvNxt,
                smpnet.stack.internal.wire.TcpHeader.ACK, (int) Math.min(recwin >> tp.rcvScale, Tcp.TCP_MAXWIN), opts,
                null, 0, 0);
        tcp.stats.increment(TcpStat.SNDTOTAL);
        tcp.stats.increment(TcpStat.SNDACKS);
        if (m != null) m = tcp.signatures.signOrFree(m, tp.laddr, tp.faddr, opts);
        if (m != null) tcp.send(tp, m);
    }

    /** tcp_timer_2msl: TIME_WAIT ends; a FIN_WAIT_2 whose socket is closed ends once idle long enough. */
    static void twoMsl(Tcpcb tp) {
        Tcp tcp = tp.tcp;
        if (tp.dropped) return;
        if (tp.state != TcpState.TIME_WAIT) {
            long idle = tcp.scheduler.nanoTime() - tp.lastRecvNanos;
            long maxIdle = tp.keepCnt * tp.keepIntvlNanos;
            if (idle <= maxIdle) {
                tp.timer.arm(TcpTimer.TWO_MSL, tp.keepIntvlNanos);
                return;
            }
        }
        tcp.closeLocked(tp);
    }

    /** tcp_timer_delack: the delayed ACK is due. */
    static void delack(Tcpcb tp) {
        if (tp.dropped) return;
        tp.set(Tcpcb.TF_ACKNOW);
        tp.tcp.stats.increment(TcpStat.DELACK);
        TcpOutput.outputLocked(tp);
    }
}
