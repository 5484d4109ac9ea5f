package smpnet.stack.internal.tcp;

import java.lang.foreign.MemorySegment;
import smpnet.locking.WakeupBatch;
import smpnet.stack.kevent.EventQueue;
import smpnet.stack.kevent.Pollable;
import smpnet.stack.socket.SockOpt;
import smpnet.stack.socket.TcpInfo;
import smpnet.stack.socket.TcpState;
import smpnet.stack.stats.TcpStat;

/**
 * The calls the socket layer makes on a TCP connection (FreeBSD's {@code tcp_usrreq.c}). Each runs inside
 * the caller's entry point and takes the pcb's inp itself; none is called with a socket-buffer lock held.
 * Results are FreeBSD errno numbers (0 for success).
 */
public final class TcpUsrReq {
    static final int EPERM = 1;
    static final int EINVAL = 22;
    static final int EADDRINUSE = 48;
    static final int EADDRNOTAVAIL = 49;
    static final int EISCONN = 56;
    static final int ENOPROTOOPT = 42;
    static final int EOPNOTSUPP = 45;
    static final int EWOULDBLOCK = 35;

    private final Tcp tcp;

    public TcpUsrReq(Tcp tcp) { this.tcp = tcp; }

    public Tcp tcp() { return tcp; }

    /** tcp_usr_attach: a control block for a new socket. */
    public Tcpcb attach(TcpSocketHooks so) { return tcp.newTcpcb(so); }

    /** tcp_usr_bind. */
    public int bind(Tcpcb tp, int addr, int port) {
        if (addr != 0 && !tcp.ipInput.isOwnAddress(addr) && (addr >>> 24) != 127) return EADDRNOTAVAIL;
        boolean reuse;
        tp.lock.lock();
        try {
            if (tp.lport != 0 || tp.dropped) return EINVAL;
            reuse = tp.reuseAddr;
        } finally {
            tp.lock.unlock();
        }
        int p = tcp.table.bind(tp, addr, port, reuse);
        if (p < 0) return EADDRINUSE;
        tp.lock.lock();
        try {
            tp.laddr = addr;
            tp.lport = p;
            tp.boundPort = p;
        } finally {
            tp.lock.unlock();
        }
        return 0;
    }

    /** tcp_usr_listen: binds an ephemeral port if unbound, then LISTEN with {@code backlog}. */
    public int listen(Tcpcb tp, int backlog) {
        int lport;
        tp.lock.lock();
        try {
            if (tp.state != TcpState.CLOSED && tp.state != TcpState.LISTEN) return EINVAL;
            lport = tp.lport;
        } finally {
            tp.lock.unlock();
        }
        if (lport == 0) {
            int e = bind(tp, 0, 0);
            if (e != 0) return e;
        }
        tp.lock.lock();
        try {
            tp.state = TcpState.LISTEN;
            tp.backlog = Math.max(0, backlog);
        } finally {
            tp.lock.unlock();
        }
        tcp.table.listen(tp);
        return 0;
    }

    /**
     * tcp_usr_connect: picks the local address and port, enters the connection in the hash and sends the SYN
     * (RFC 9293 3.10.1). The handshake completes later (TcpSocketHooks.connectedLocked).
     */
    public int connect(Tcpcb tp, int faddr, int fport) { return connect(tp, faddr, fport, false); }

    /**
     * The implied connect of a send with an address on an unconnected socket (tcp_usr_send with a name): as
     * {@link #connect(Tcpcb, int, int)}, the data already in the send buffer; with TCP_FASTOPEN the SYN
     * carries it or asks for a cookie (tcp_fastopen_connect).
     */
    public int connectWithData(Tcpcb tp, int faddr, int fport) { return connect(tp, faddr, fport, true); }

    private int connect(Tcpcb tp, int faddr, int fport, boolean implied) {
        if (fport == 0 || faddr == 0 || tcp.ipInput.isBroadcast(faddr) || (faddr >>> 28) >= 0xe) return EADDRNOTAVAIL;
        int src = tcp.ipOutput.sourceFor(faddr);
        if (src == 0) return Tcp.ENETUNREACH;
        // The SYN could not leave: FreeBSD's connect returns tcp_output's ENETDOWN for an interface not up
        if (!tcp.ipOutput.interfacesUp()) return Tcp.ENETDOWN;
        int lport0;
        int laddr0;
        tp.lock.lock();
        try {
            if (tp.state == TcpState.LISTEN) return EOPNOTSUPP;
            if (tp.dropped) return EINVAL; // a connection that failed or ended: the socket is spent (tcp_usr_connect)
            if (tp.state != TcpState.CLOSED) return EISCONN;
            lport0 = tp.lport;
            laddr0 = tp.laddr;
        } finally {
            tp.lock.unlock();
        }
        int laddr = laddr0 != 0 ? laddr0 : src;
        for (int tries = 0; tries <= TcpPcbTable.EPHEMERAL_LAST - TcpPcbTable.EPHEMERAL_FIRST; tries++) {
            int lport = lport0;
            if (lport == 0) {
                lport = tcp.table.nextEphemeralPort();
                if (tcp.table.portBound(lport)) continue; // bound by a socket: leave it to that one
            }
            tp.lock.lock();
            try {
                tp.laddr = laddr;
                tp.lport = lport;
                tp.faddr = faddr;
                tp.fport = fport;
                if (!tcp.table.insertLocked(tp)) {
                    tp.faddr = 0;
                    tp.fport = 0;
                    tp.lport = lport0;
                    tp.laddr = laddr0;
                    if (lport0 != 0) return EADDRINUSE; // that 4-tuple exists (TIME_WAIT, say)
                    continue;
                }
                startConnectLocked(tp, implied);
            } finally {
                tcp.unlock(tp);
            }
            return 0;
        }
        return EADDRNOTAVAIL;
    }

    private void startConnectLocked(Tcpcb tp, boolean implied) {
        TcpSettings set = tcp.settings;
        long now = tcp.scheduler.nanoTime();
        tp.localPeer = tcp.ipInput.isOwnAddress(tp.faddr);
        tp.requestRScale = tp.has(Tcpcb.TF_REQ_SCALE) && !tp.has(Tcpcb.TF_NOOPT) ? set.requestedWindowScale() : 0;
        if (tp.has(Tcpcb.TF_NOOPT)) tp.flags &= ~(Tcpcb.TF_REQ_SCALE | Tcpcb.TF_REQ_TSTMP | Tcpcb.TF_SACK_PERMIT);
        if (tp.has(Tcpcb.TF_REQ_TSTMP)) tp.tsOffset = tcp.nextTsOffset();
        tp.iss = tcp.isnGen.isn(tp.laddr, tp.lport, tp.faddr, tp.fport, now);
        tp.sndUna = tp.iss;
        tp.sndNxt = tp.iss;
        tp.sndMax = tp.iss;
        tp.sndUp = tp.iss;
        tp.sndRecover = tp.iss;
        tp.sndWnd = 0;
        tp.state = TcpState.SYN_SENT;
        tp.lastRecvNanos = now;
        if (implied && tp.has(Tcpcb.TF_FASTOPEN) && tcp.fastOpen.clientEnable) {
            tcp.fastOpen.connectLocked(tp); // sets t_maxseg, from the server's cached MSS if known
        } else {
            TcpMss.setMssLocked(tp, -1);
        }
        tcp.stats.increment(TcpStat.CONNATTEMPT);
        tp.timer.arm(TcpTimer.KEEP, keepInitLocked(tp)); // the connection-establishment timeout
        TcpOutput.outputLocked(tp);
    }

    /** tcp_usr_send: data was appended to the send buffer. */
    public void output(Tcpcb tp) {
        // Wake-ups the segments cause (the peer's ring, on a direct transmit) wait until inp is dropped.
        try (WakeupBatch wakeups = WakeupBatch.open()) {
            tp.lock.lock();
            try {
                if (!tp.dropped && tp.state != TcpState.SYN_SENT && tp.state != TcpState.SYN_RECEIVED) {
                    TcpOutput.outputLocked(tp);
                }
            } finally {
                tcp.unlock(tp);
            }
        }
    }

    /**
     * A zero-copy send of {@code region[offset, offset+length)} for this host's TCP (its anchor mbuf from the
     * host's allocator), completing to {@code queue}; null when no mbuf could be had (ENOBUFS).
     */
    public ZeroCopyRegion zeroCopyRegion(MemorySegment region, long offset, int length, EventQueue queue,
                                         Pollable source, ZeroCopyRegion.Checker checker) {
        return ZeroCopyRegion.create(region, offset, length, tcp.alloc, queue, source, tcp.stats, checker);
    }

    /**
     * tcp_usr_send with PRUS_OOB: the urgent byte is the last of the {@code sbcc} bytes now in the send
     * buffer ({@link TcpUrgent#sendLocked}).
     */
    public void sendUrgent(Tcpcb tp, int sbcc) {
        tp.lock.lock();
        try {
            TcpUrgent.sendLocked(tp, sbcc);
        } finally {
            tcp.unlock(tp);
        }
    }

    /** tcp_usr_rcvoob: the out-of-band byte, or a negative errno ({@link TcpUrgent#receiveLocked}). */
    public int receiveUrgent(Tcpcb tp) {
        tp.lock.lock();
        try {
            return TcpUrgent.receiveLocked(tp);
        } finally {
            tp.lock.unlock();
        }
    }

    /** tcp_usr_rcvd: the application read data; the window may open. */
    public void rcvd(Tcpcb tp) {
        try (WakeupBatch wakeups = WakeupBatch.open()) { // as output: wake-ups wait until inp is dropped
            tp.lock.lock();
            try {
                if (!tp.dropped && tp.haveEstablished()) TcpOutput.outputLocked(tp);
            } finally {
                tcp.unlock(tp);
            }
        }
    }

    /** tcp_usr_shutdown: no more data from us; a FIN follows what is queued. */
    public void shutdownWrite(Tcpcb tp) {
        tp.lock.lock();
        try {
            if (tp.dropped) return;
            userClosedLocked(tp);
            if (!tp.dropped) TcpOutput.outputLocked(tp);
        } finally {
            tcp.unlock(tp);
        }
    }

    /**
     * tcp_usrclosed: the state that follows the application's close or shutdown (RFC 9293 3.10.4):
     * ESTABLISHED to FIN_WAIT_1, CLOSE_WAIT to LAST_ACK, a SYN-RECEIVED one after the handshake.
     */
    private void userClosedLocked(Tcpcb tp) {
        switch (tp.state) {
            case CLOSED, LISTEN -> tcp.closeLocked(tp);
            case SYN_SENT, SYN_RECEIVED -> tp.set(Tcpcb.TF_NEEDFIN);
            case ESTABLISHED -> tp.state = TcpState.FIN_WAIT_1;
            case CLOSE_WAIT -> tp.state = TcpState.LAST_ACK;
            default -> { }
        }
        if (!tp.dropped && tp.state == TcpState.FIN_WAIT_2 && tp.so != null && tp.so.closedByUserLocked()) {
            tp.so.disconnectedLocked();
            tp.timer.arm(TcpTimer.TWO_MSL, tp.keepCnt * tp.keepIntvlNanos);
        }
    }

    /**
     * tcp_usr_close then tcp_disconnect: before ESTABLISHED the connection just goes; SO_LINGER 0 resets it;
     * otherwise FIN after the queued data. What the application had not read is discarded and no RST is
     * sent for it (FreeBSD's behaviour; Linux would reset). Releases a bound port; a connection that lives on
     * keeps it in use for binds without SO_REUSEADDR until it is closed (FreeBSD in_pcbbind).
     */
    public void close(Tcpcb tp) {
        tcp.table.releaseBound(tp);
        boolean listener;
        tp.lock.lock();
        try {
            listener = tp.state == TcpState.LISTEN;
            if (tp.dropped) return;
            if (!tp.haveEstablished()) {
                tcp.closeLocked(tp);
            } else if (tp.lingerSeconds == 0) {
                tcp.dropLocked(tp, 0);
            } else {
                userClosedLocked(tp);
                if (!tp.dropped) TcpOutput.outputLocked(tp);
            }
        } finally {
            tcp.unlock(tp);
        }
        if (listener) tcp.syncache.dropFor(tp);
    }

    /** tcp_usr_abort: a connection the application never accepted (its listener closed): RST. */
    public void abort(Tcpcb tp) {
        tp.lock.lock();
        try {
            tcp.dropLocked(tp, Tcp.ECONNABORTED);
        } finally {
            tcp.unlock(tp);
        }
    }

    public TcpState state(Tcpcb tp) {
        tp.lock.lock();
        try {
            return tp.state;
        } finally {
            tp.lock.unlock();
        }
    }

    /** {local address, local port, foreign address, foreign port}. */
    public int[] addresses(Tcpcb tp) {
        tp.lock.lock();
        try {
            return new int[] {tp.laddr, tp.lport, tp.faddr, tp.fport};
        } finally {
            tp.lock.unlock();
        }
    }

    /** The TCP_INFO view. */
    public TcpInfo info(Tcpcb tp) {
        tp.lock.lock();
        try {
            int opts = 0;
            if (tp.has(Tcpcb.TF_RCVD_TSTMP) && tp.has(Tcpcb.TF_REQ_TSTMP)) opts |= TcpInfo.OPT_TIMESTAMPS;
            if (tp.has(Tcpcb.TF_SACK_PERMIT) && tp.haveEstablished()) opts |= TcpInfo.OPT_SACK;
            if (tp.has(Tcpcb.TF_RCVD_SCALE) && tp.has(Tcpcb.TF_REQ_SCALE)) opts |= TcpInfo.OPT_WSCALE;
            if ((tp.flags2 & TcpEcn.ECN_PERMIT) != 0) opts |= TcpInfo.OPT_ECN;
            long cwnd = tp.ccv == null ? 0 : tp.ccv.cwnd;
            long ssthresh = tp.ccv == null ? Integer.MAX_VALUE : tp.ccv.ssthresh;
            long rcvSpace = TcpOutput.receiveWindow(tp);
            return new TcpInfo(tp.state, opts, tp.has(Tcpcb.TF_RCVD_SCALE) ? tp.sndScale : 0,
                    tp.has(Tcpcb.TF_RCVD_SCALE) ? tp.rcvScale : 0, tp.rxtCurNanos / 1000, tp.rtt.srttNanos() / 1000,
                    tp.rtt.rttvarNanos() / 1000, ssthresh, cwnd, tp.sndWnd, rcvSpace, tp.effectiveMaxseg(),
                    tp.peerMss, Integer.toUnsignedLong(tp.sndNxt), Integer.toUnsignedLong(tp.sndUna),
                    Integer.toUnsignedLong(tp.rcvNxt), tp.rxtShift, tp.totalRetransmitted, tp.cc.name());
        } finally {
            tp.lock.unlock();
        }
    }

    /** setsockopt for the options TCP keeps (the socket layer keeps the buffer sizes); an errno. */
    public int setOption(Tcpcb tp, SockOpt opt, int value) {
        tp.lock.lock();
        try {
            switch (opt) {
                case SO_REUSEADDR -> tp.reuseAddr = value != 0;
                case SO_OOBINLINE -> tp.oobInline = value != 0;
                case SO_KEEPALIVE -> {
                    boolean on = value != 0;
                    boolean was = tp.has(Tcpcb.TF_KEEPALIVE);
                    if (on) tp.set(Tcpcb.TF_KEEPALIVE);
                    else tp.clear(Tcpcb.TF_KEEPALIVE);
                    // the timer runs on every established connection (it asks for the flag when it fires)
                    if (on && !was && tp.haveEstablished() && !tp.dropped && tp.state != TcpState.TIME_WAIT
                            && !tp.timer.armed(TcpTimer.KEEP)) {
                        tp.timer.arm(TcpTimer.KEEP, tp.keepIdleNanos);
                    }
                }
                case SO_LINGER -> tp.lingerSeconds = value < 0 ? -1 : value;
                case TCP_NODELAY -> {
                    if (value != 0) tp.set(Tcpcb.TF_NODELAY);
                    else tp.clear(Tcpcb.TF_NODELAY);
                    if (value != 0 && tp.haveEstablished() && !tp.dropped) TcpOutput.outputLocked(tp);
                }
                case TCP_NOOPT -> {
                    if (value != 0) tp.set(Tcpcb.TF_NOOPT);
                    else tp.clear(Tcpcb.TF_NOOPT);
                }
                case TCP_MD5SIG -> { // tcp_ipsec_pcbctl
                    if (value > 0) tp.set(Tcpcb.TF_SIGNATURE);
                    else tp.clear(Tcpcb.TF_SIGNATURE);
                }
                case TCP_MAXSEG -> {
                    if (value < tcp.settings.minmss || value > 65535 - 40) return EINVAL;
                    tp.userMaxseg = value;
                    if (tp.haveEstablished() && value < tp.maxseg) tp.maxseg = value;
                }
                case TCP_KEEPIDLE, TCP_KEEPINTVL -> {
                    if (value < 1) return EINVAL;
                    long nanos = value * 1_000_000_000L;
                    if (opt == SockOpt.TCP_KEEPIDLE) tp.keepIdleNanos = nanos;
                    else tp.keepIntvlNanos = nanos;
                    // FreeBSD sets the keepalive timer to the new idle time in any state from SYN_SENT to CLOSING
                    if (opt == SockOpt.TCP_KEEPIDLE && tp.state.ordinal() > TcpState.LISTEN.ordinal()
                            && tp.state.ordinal() <= TcpState.CLOSING.ordinal() && !tp.dropped) {
                        tp.timer.arm(TcpTimer.KEEP, tp.keepIdleNanos);
                    }
                }
                case TCP_KEEPCNT -> {
                    if (value < 1) return EINVAL;
                    tp.keepCnt = value;
                }
                case TCP_FASTOPEN -> {
                    TcpFastOpen fo = tcp.fastOpen;
                    if (!fo.clientEnable && !fo.serverEnable) return EPERM;
                    if (tp.state != TcpState.CLOSED && tp.state != TcpState.LISTEN) return EINVAL;
                    if (value != 0 && tp.state == TcpState.LISTEN && !fo.serverEnable) return EINVAL;
                    if (value != 0) tp.set(Tcpcb.TF_FASTOPEN);
                    else tp.clear(Tcpcb.TF_FASTOPEN);
                }
                case IP_TOS -> {
                    if (value < 0 || value > 255) return EINVAL;
                    tp.ipTos = value & ~TcpEcn.ECN_MASK; // tcp_ctloutput_set: the ECN field stays TCP's
                }
                case IP_TTL -> {
                    if (value < 1 || value > 255) return EINVAL;
                    tp.ipTtl = value;
                }
                case TCP_KEEPINIT -> {
                    if (value < 0) return EINVAL;
                    tp.keepInitNanos = value * 1_000_000_000L;
                    // FreeBSD restarts the establishment timeout of a connection still in its handshake
                    if ((tp.state == TcpState.SYN_SENT || tp.state == TcpState.SYN_RECEIVED) && !tp.dropped) {
                        tp.timer.arm(TcpTimer.KEEP, keepInitLocked(tp));
                    }
                }
                case TCP_REMOTE_UDP_ENCAPS_PORT -> {
                    // tcp_default_ctloutput: a port, only with the tunnel on (0 always), and only before connecting
                    if (value < 0 || value > 65535) return EINVAL;
                    if (value != 0 && tcp.settings.udpTunnelingPort == 0) return EINVAL;
                    if (tp.state != TcpState.CLOSED) return EINVAL;
                    tp.port = value;
                }
                default -> { return ENOPROTOOPT; }
            }
            return 0;
        } finally {
            tcp.unlock(tp);
        }
    }

    /** getsockopt for the options TCP keeps; {@code Long.MIN_VALUE} for one it does not. */
    public long getOption(Tcpcb tp, SockOpt opt) {
        tp.lock.lock();
        try {
            return switch (opt) {
                case SO_REUSEADDR -> tp.reuseAddr ? 1 : 0;
                case SO_OOBINLINE -> tp.oobInline ? 1 : 0;
                case SO_KEEPALIVE -> tp.has(Tcpcb.TF_KEEPALIVE) ? 1 : 0;
                case SO_LINGER -> tp.lingerSeconds;
                case TCP_NODELAY -> tp.has(Tcpcb.TF_NODELAY) ? 1 : 0;
                case TCP_NOOPT -> tp.has(Tcpcb.TF_NOOPT) ? 1 : 0;
                case TCP_MD5SIG -> tp.has(Tcpcb.TF_SIGNATURE) ? 1 : 0;
                case TCP_MAXSEG -> tp.haveEstablished() ? tp.effectiveMaxseg() : (tp.userMaxseg > 0 ? tp.userMaxseg : tcp.settings.mssdflt);
                case TCP_KEEPIDLE -> tp.keepIdleNanos / 1_000_000_000L;
                case TCP_KEEPINTVL -> tp.keepIntvlNanos / 1_000_000_000L;
                case TCP_KEEPCNT -> tp.keepCnt;
                case TCP_KEEPINIT -> keepInitLocked(tp) / 1_000_000_000L;
                case TCP_FASTOPEN -> tp.has(Tcpcb.TF_FASTOPEN) ? 1 : 0;
                case IP_TOS -> tp.ipTos;
                case IP_TTL -> tp.ipTtl;
                case TCP_REMOTE_UDP_ENCAPS_PORT -> tp.port;
                default -> Long.MIN_VALUE;
            };
        } finally {
            tp.lock.unlock();
        }
    }

    /** TP_KEEPINIT: the connection's establishment timeout, its own or net.inet.tcp.keepinit's. */
    private long keepInitLocked(Tcpcb tp) {
        tp.lock.assertOwned();
        return tp.keepInitNanos != 0 ? tp.keepInitNanos : tcp.settings.keepinitNanos;
    }
}
