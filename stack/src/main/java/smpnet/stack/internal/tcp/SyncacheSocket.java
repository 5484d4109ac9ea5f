package smpnet.stack.internal.tcp;

import smpnet.stack.socket.TcpState;
import smpnet.stack.stats.TcpStat;

/**
 * How a half-open connection of the SYN cache becomes a connection (FreeBSD's {@code syncache_socket}, and
 * the ends of {@code syncache_expand} and {@code syncache_tfo_expand}): the listener's socket makes a new
 * socket (sonewconn), TCP a control block filled from the {@link SyncacheEntry} and the listener's
 * settings, which enters the connection table and takes the segment that completed the handshake (or, with
 * Fast Open, the SYN and its data).
 *
 * <p>Locking key: every method runs under the listener's inp, with no bucket lock held (the entry was
 * pulled out of its bucket, or never entered one). The new connection's inp is taken while the listener's
 * is held (inp is DUPOK) and released through {@code Tcp.unlock}, which sends what waited for it; the
 * listener's socket takes its so_rcv inside, after both.
 */
final class SyncacheSocket {
    private final Tcp tcp;

    SyncacheSocket(Tcp tcp) { this.tcp = tcp; }

    /**
     * syncache_expand, once the ACK of our SYN-ACK matched entry {@code e} (or a cookie): a connection on the
     * listener's queue, or a RST when the listen queue is full.
     */
    void expandLocked(Tcpcb lis, Segment seg, SyncacheEntry e) {
        // sonewconn: over the backlog the handshake cannot complete (net.inet.tcp.sc_rst_sock_fail: RST)
        TcpSocketHooks so = lis.so == null ? null : lis.so.newConnectionLocked();
        if (so == null) {
            tcp.stats.increment(TcpStat.LISTENDROP);
            tcp.dropWithReset(seg);
            return;
        }
        tcp.stats.increment(TcpStat.SC_COMPLETED);
        Tcpcb tp = newPcbLocked(so);
        try {
            initFromEntryLocked(lis, tp, e);
            if (!insertLocked(tp)) return;
            tcp.stats.increment(TcpStat.ACCEPTS);
            TcpInput.segmentLocked(tp, seg);
        } finally {
            tcp.unlock(tp);
        }
    }

    /**
     * syncache_tfo_expand: a SYN with a valid Fast Open cookie becomes a connection in SYN-RECEIVED at once,
     * already on the listener's queue, and its data is taken in (RFC 7413 4.2.2); the SYN-ACK, with the
     * latest cookie, follows on the delayed-ACK timer, carrying what the application wrote meanwhile.
     */
    void fastOpenLocked(Tcpcb lis, Segment seg, SyncacheEntry e, TcpFastOpen.CookieCheck tfo) {
        TcpSocketHooks so = lis.so == null ? null : lis.so.newConnectionLocked();
        if (so == null) {
            lis.tfoPending.decrementAndGet();
            tcp.stats.increment(TcpStat.LISTENDROP);
            return;
        }
        Tcpcb tp = newPcbLocked(so);
        try {
            initFromEntryLocked(lis, tp, e);
            tp.set(Tcpcb.TF_FASTOPEN);
            tp.tfoServerCookie = tfo.latest();
            tp.tfoPendingOf = lis.tfoPending;
            tp.sndNxt = e.iss; // the SYN-ACK is still to be sent
            tp.sndMax = e.iss;
            if (!insertLocked(tp)) return;
            tcp.stats.increment(TcpStat.SC_COMPLETED);
            tcp.stats.increment(TcpStat.ACCEPTS);
            if (seg.tlen > 0) tcp.stats.increment(TcpStat.TFO_SYN_DATA_RCV);
            if (!so.connectedLocked()) { // soisconnected: on the listener's queue before the handshake ends
                tcp.dropLocked(tp, Tcp.ECONNABORTED);
                return;
            }
            if (seg.tlen == 0) tp.set(Tcpcb.TF_ACKNOW); // nothing to wait for: the SYN-ACK goes now
            TcpInput.segmentLocked(tp, seg);
        } finally {
            tcp.unlock(tp);
        }
    }

    /** The control block of new socket {@code so}, its inp taken: a second inp while the listener's is held (DUPOK). */
    private Tcpcb newPcbLocked(TcpSocketHooks so) {
        Tcpcb tp = tcp.newTcpcb(so);
        so.pcbCreatedLocked(tp);
        tp.lock.lock();
        return tp;
    }

    /** Into the connection table; false (the connection closed) if the 4-tuple is taken by a racing duplicate. */
    private boolean insertLocked(Tcpcb tp) {
        tp.lock.assertOwned();
        if (tcp.table.insertLocked(tp)) return true;
        tcp.closeLocked(tp);
        return false;
    }

    /** syncache_socket: the new connection's control block, from the entry and the listener's settings. */
    private void initFromEntryLocked(Tcpcb lis, Tcpcb tp, SyncacheEntry e) {
        tp.laddr = e.laddr;
        tp.lport = e.lport;
        tp.faddr = e.faddr;
        tp.fport = e.fport;
        tp.localPeer = tcp.ipInput.isOwnAddress(e.faddr);
        tp.port = e.port;
        tp.flags &= ~(Tcpcb.TF_REQ_SCALE | Tcpcb.TF_REQ_TSTMP | Tcpcb.TF_SACK_PERMIT);
        tp.flags |= lis.flags & (Tcpcb.TF_NODELAY | Tcpcb.TF_NOOPT | Tcpcb.TF_KEEPALIVE);
        if (e.signature) tp.set(Tcpcb.TF_SIGNATURE); // syncache_socket: SCF_SIGNATURE
        tp.userMaxseg = lis.userMaxseg;
        tp.ipTos = e.ipTos; // syncache_socket: inp_ip_tos and inp_ip_ttl from the entry
        tp.ipTtl = e.ipTtl;
        tp.keepIdleNanos = lis.keepIdleNanos;
        tp.keepIntvlNanos = lis.keepIntvlNanos;
        tp.keepCnt = lis.keepCnt;
        tp.keepInitNanos = lis.keepInitNanos;
        tp.lingerSeconds = lis.lingerSeconds;
        tp.oobInline = lis.oobInline; // sonewconn copies the listener's socket options
        tp.iss = e.iss;
        tp.sndUna = e.iss;
        tp.sndNxt = e.iss + 1;
        tp.sndMax = e.iss + 1;
        tp.sndRecover = e.iss;
        tp.sndUp = e.iss;
        tp.irs = e.irs;
        tp.rcvNxt = e.irs + 1;
        tp.rcvUp = tp.rcvNxt;
        tp.rcvAdv = tp.rcvNxt + Math.min(tcp.settings.recvspace, Tcp.TCP_MAXWIN);
        tp.lastAckSent = tp.rcvNxt;
        if (e.peerWscale >= 0) {
            tp.flags |= Tcpcb.TF_REQ_SCALE | Tcpcb.TF_RCVD_SCALE;
            tp.sndScale = Math.min(e.peerWscale, TcpOptions.MAX_WSCALE);
            tp.requestRScale = tcp.settings.requestedWindowScale();
            tp.rcvScale = tp.requestRScale;
        }
        if (e.ts) {
            tp.flags |= Tcpcb.TF_REQ_TSTMP | Tcpcb.TF_RCVD_TSTMP;
            tp.tsRecent = e.tsRecent;
            tp.tsRecentAgeNanos = tcp.scheduler.nanoTime();
            tp.tsOffset = e.tsOffset;
        }
        if (e.sackOk) tp.flags |= Tcpcb.TF_SACK_PERMIT;
        if (e.rxmits > 0) tp.flags |= Tcpcb.TF_SYN_REXMT;
        if (e.ecn) tp.flags2 |= TcpEcn.ECN_PERMIT; // tcp_ecn_syncache_socket
        tp.sndWnd = e.peerWin; // the SYN's window, never scaled
        tp.sndWl1 = e.irs;
        tp.state = TcpState.SYN_RECEIVED;
        TcpMss.setMssLocked(tp, e.peerMss);
        TcpMss.roundBuffersToMssLocked(tp);
    }
}
