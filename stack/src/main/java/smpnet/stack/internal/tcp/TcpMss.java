package smpnet.stack.internal.tcp;

import smpnet.stack.internal.wire.Ipv4Header;
import smpnet.stack.internal.wire.TcpHeader;
import smpnet.stack.stats.TcpStat;

/**
 * A connection's segment size (FreeBSD's {@code tcp_mss}, {@code tcp_mssopt} and {@code tcp_mtudisc}): the
 * MSS a SYN announces, t_maxseg from the peer's offer and the path toward it (and whether the interface
 * takes TSO segments), the socket buffers rounded to whole segments, and a smaller segment when ICMP reports
 * a smaller path MTU.
 *
 * <p>Locking key: every {@code ...Locked} method runs under the connection's inp (asserted); the socket
 * buffers are resized under their own locks, taken after inp.
 */
final class TcpMss {
    private TcpMss() {}

    /** The MSS a SYN of {@code tp} announces: {@link #mssOption(Tcp, int)} toward its peer. */
    static int mssOption(Tcpcb tp) {
        return mssOption(tp.tcp, tp.faddr) - overhead(tp.tcp, tp.port);
    }

    /** What TCP over UDP takes from the MSS: net.inet.tcp.udp_tunneling_overhead through the tunnel ({@code port} not 0), else 0. */
    static int overhead(Tcp tcp, int port) {
        return port == 0 ? 0 : tcp.settings.udpTunnelingOverhead;
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
        int mine = mtu == 0 ? set.mssdflt : mtu - Ipv4Header.MIN_LENGTH - TcpHeader.MIN_LENGTH - overhead(tp.tcp, tp.port);
        int mss = Math.min(peer, mine);
        if (tp.userMaxseg > 0) mss = Math.min(mss, tp.userMaxseg);
        tp.maxseg = Math.max(mss, set.minmss);
        // tcp_maxmtu's capability check: TSO if the interface toward the peer offers it
        smpnet.stack.internal.net.Ifnet ifp = tp.tcp.ipOutput.tsoInterfaceFor(tp.faddr);
        tp.tsoMax = ifp == null ? 0 : ifp.tsoMax();
        tp.tsoMaxSegCount = ifp == null ? 0 : ifp.tsoMaxSegCount();
        tp.tsoMaxSegSize = ifp == null ? 0 : ifp.tsoMaxSegSize();
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
        int mss = Math.max(tp.tcp.settings.minmss, Math.min(tp.peerMss,
                mtu - Ipv4Header.MIN_LENGTH - TcpHeader.MIN_LENGTH - overhead(tp.tcp, tp.port)));
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
        TcpOutput.outputLocked(tp);
    }
}
