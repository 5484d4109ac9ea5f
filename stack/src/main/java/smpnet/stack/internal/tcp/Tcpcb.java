package smpnet.stack.internal.tcp;

import smpnet.locking.ExclusiveLock;
import smpnet.locking.GuardedBy;
import smpnet.stack.internal.tcp.cc.CcAlgorithm;
import smpnet.stack.internal.tcp.cc.CcVars;
import smpnet.stack.socket.TcpState;

/**
 * One TCP connection: its pcb (addresses, ports, place in the hash) and its control block (FreeBSD's
 * inpcb and tcpcb in one object). Field names follow FreeBSD's {@code tcp_var.h}; sequence numbers are
 * 32-bit values in ints, compared through {@link TcpSeq}.
 *
 * <pre>
 *        snd_una          snd_nxt            snd_max
 *   ------|================|==================|-------------|------
 *    acked   sent, unacked   (retransmitting)   may send     snd_una + snd_wnd
 *
 *        rcv_nxt                    rcv_adv
 *   ------|==========================|---------
 *    read   window we advertised
 * </pre>
 *
 * <p>Locking key: {@code lock} (the pcb's {@code inp} mutex; Giant in giant mode) guards every mutable
 * field, the timers, the reassembly queue and the SACK scoreboard. The addresses and ports are written
 * under {@code inp} and the bucket lock of the connection hash before the pcb is inserted, and read by
 * lookups under that bucket lock ({@link TcpPcbTable}); after insertion they never change.
 */
public final class Tcpcb {
    // t_flags (FreeBSD's TF_ bits we use)
    static final int TF_ACKNOW = 0x1;
    static final int TF_DELACK = 0x2;
    static final int TF_NODELAY = 0x4;
    static final int TF_NOOPT = 0x8;
    static final int TF_SENTFIN = 0x10;
    static final int TF_REQ_SCALE = 0x20;
    static final int TF_RCVD_SCALE = 0x40;
    static final int TF_REQ_TSTMP = 0x80;
    static final int TF_RCVD_TSTMP = 0x100;
    static final int TF_SACK_PERMIT = 0x200;
    static final int TF_NEEDFIN = 0x400;
    static final int TF_NEEDSYN = 0x800;
    static final int TF_FASTRECOVERY = 0x1000;
    static final int TF_CONGRECOVERY = 0x2000;
    static final int TF_KEEPALIVE = 0x4000;
    static final int TF_RXWIN0SENT = 0x8000;
    static final int TF_PREVVALID = 0x10000;
    static final int TF_FORCEDATA = 0x20000;
    static final int TF_SYN_REXMT = 0x40000;
    static final int TF_LQ_OVERFLOW = 0x80000;
    /** TCP_FASTOPEN: a listener that takes cookied SYNs, a client that uses the cookie cache (TF_FASTOPEN). */
    static final int TF_FASTOPEN = 0x100000;
    /** The route's interface offers TSO (tcp_mss found IFCAP_TSO4); {@link #tsoMax} says how large. */
    static final int TF_TSO = 0x200000;
    /** TCP_MD5SIG: every segment is signed and every segment received must be (RFC 2385, TF_SIGNATURE). */
    static final int TF_SIGNATURE = 0x400000;

    final Tcp tcp;
    final ExclusiveLock lock;
    @GuardedBy("inp") TcpSocketHooks so;

    // addresses (see the class comment)
    @GuardedBy("inp, tcphash") int laddr;
    @GuardedBy("inp, tcphash") int lport;
    @GuardedBy("inp, tcphash") int faddr;
    @GuardedBy("inp, tcphash") int fport;
    /**
     * The flow hash of the 4-tuple (FreeBSD's inp_flowid), set once when the pcb enters the connection hash.
     * Every segment of the connection carries it, so the NIC puts them all on one transmit queue and they
     * leave in the order TCP sent them; {@link #flowType} is {@code PacketHeader.HASH_NONE} until then.
     */
    @GuardedBy("inp") int flowId;
    @GuardedBy("inp") int flowType = smpnet.stack.mbuf.PacketHeader.HASH_NONE;
    /** In the connection hash (or the listen table). */
    @GuardedBy("inp") boolean inHash;
    /** The next connection on this one's hash chain (FreeBSD's inp_hash link), null at its end. */
    @GuardedBy("tcphash") Tcpcb hashNext;
    /** tcp_close ran: input that still finds the pcb drops what it brings. */
    @GuardedBy("inp") boolean dropped;
    /** A listening socket's backlog (so_qlimit), -1 when not listening. */
    @GuardedBy("inp") int backlog = -1;

    /** The peer is one of this host's own addresses: segments wait in {@code outq} until inp is released. */
    @GuardedBy("inp") boolean localPeer;
    /**
     * t_port: the remote UDP port of TCP over UDP (TCP_REMOTE_UDP_ENCAPS_PORT, or the port a passive
     * connection's SYN came from), 0 for plain TCP. Every segment goes through the UDP tunnel to it.
     */
    @GuardedBy("inp") int port;
    @GuardedBy("inp") java.util.List<Tcp.Queued> outq;
    /** SO_REUSEADDR. */
    @GuardedBy("inp") boolean reuseAddr;
    /** The port this socket reserved by bind or listen (released when the socket closes), 0 if none. */
    @GuardedBy("inp") int boundPort;

    @GuardedBy("inp") TcpState state = TcpState.CLOSED;
    @GuardedBy("inp") int flags;
    @GuardedBy("inp") int softError;

    // send sequence space
    @GuardedBy("inp") int iss;
    @GuardedBy("inp") int sndUna;
    @GuardedBy("inp") int sndNxt;
    @GuardedBy("inp") int sndMax;
    /** The urgent pointer to send (snd_up): the sequence number after the last urgent byte. */
    @GuardedBy("inp") int sndUp;
    @GuardedBy("inp") int sndWl1;
    @GuardedBy("inp") int sndWl2;
    @GuardedBy("inp") long sndWnd;
    @GuardedBy("inp") long maxSndWnd;
    @GuardedBy("inp") int sndRecover;

    // receive sequence space
    @GuardedBy("inp") int irs;
    @GuardedBy("inp") int rcvNxt;
    @GuardedBy("inp") int rcvAdv;
    @GuardedBy("inp") long rcvWnd;
    @GuardedBy("inp") int lastAckSent;

    // urgent data (TcpUrgent)
    /** The furthest urgent pointer received (rcv_up): the sequence number after the urgent byte. */
    @GuardedBy("inp") int rcvUp;
    /** SO_OOBINLINE: the urgent byte stays in the stream instead of being taken out of band. */
    @GuardedBy("inp") boolean oobInline;
    /** The out-of-band byte taken out of the stream (t_iobc), valid with {@link TcpUrgent#HAVEDATA}. */
    @GuardedBy("inp") byte iobc;
    /** t_oobflags: {@link TcpUrgent#HAVEDATA}, {@link TcpUrgent#HADDATA}. */
    @GuardedBy("inp") int oobFlags;

    // segment size, options
    /** The largest segment we send, options not deducted (t_maxseg). */
    @GuardedBy("inp") int maxseg;
    /** TCP_MAXSEG set by the application (0: none). */
    @GuardedBy("inp") int userMaxseg;
    /** The MSS the peer announced (or mssdflt), kept for TCP_INFO's rcv_mss and path MTU updates. */
    @GuardedBy("inp") int peerMss;
    /** t_tsomax: the largest packet, link header included, the route's interface cuts into frames (with {@link #TF_TSO}). */
    @GuardedBy("inp") int tsoMax;
    /** t_tsomaxsegcount: the most DMA segments of a TSO packet's mbuf chain, its header's included (0: no limit). */
    @GuardedBy("inp") int tsoMaxSegCount;
    /** t_tsomaxsegsize: the most bytes of one DMA segment. */
    @GuardedBy("inp") int tsoMaxSegSize;
    @GuardedBy("inp") int sndScale;
    @GuardedBy("inp") int rcvScale;
    @GuardedBy("inp") int requestRScale;
    @GuardedBy("inp") int tsRecent;
    @GuardedBy("inp") long tsRecentAgeNanos;
    /** Our timestamp clock's offset (RFC 7323 5.4: a random offset per connection). */
    @GuardedBy("inp") int tsOffset;
    /** The clock read when the segment being processed arrived (TcpInput.segmentLocked); 0 between segments. */
    @GuardedBy("inp") long clockNanos;

    // congestion control and recovery
    @GuardedBy("inp") CcAlgorithm cc;
    @GuardedBy("inp") CcVars ccv;
    /** The algorithm's glue (cc_conn_init, cc_ack_received, ...), from ESTABLISHED on; null before. */
    @GuardedBy("inp") smpnet.stack.internal.tcp.cc.CongestionControl ccc;
    @GuardedBy("inp") int dupAcks;
    /**
     * t_flags2: the ECN bits ({@link TcpEcn#ECN_PERMIT}, {@link TcpEcn#ECN_SND_ECE}, {@link TcpEcn#ECN_SND_CWR})
     * and the path MTU ones ({@link TcpPmtuBlackhole#BLACKHOLE}, {@link TcpPmtuBlackhole#PMTUD},
     * {@link TcpPmtuBlackhole#MAXSEGSNT}).
     */
    @GuardedBy("inp") int flags2;
    /** PMTU black-hole detection: the timeouts of a series where it starts and ends (t_blackhole_enter, _exit). */
    @GuardedBy("inp") int blackholeEnter;
    @GuardedBy("inp") int blackholeExit;
    /** The MSS before black-hole detection lowered it (t_pmtud_saved_maxseg), valid with BLACKHOLE. */
    @GuardedBy("inp") int pmtudSavedMaxseg;
    @GuardedBy("inp") SackScoreboard scoreboard;
    @GuardedBy("inp") TcpReassemblyQueue reass;
    /**
     * Whether data waits in {@link #reass}, and whether a D-SACK waits to be reported: what every segment asks
     * of the queue, kept in the control block (as FreeBSD keeps {@code t_segqlen} and the SACK blocks in the
     * tcpcb), so that a segment of a connection with nothing out of order loads none of the queue's objects.
     * {@link #reassChangedLocked} sets them after each change of the queue.
     */
    @GuardedBy("inp") private boolean segqData, segqDsack;
    /**
     * Whether the SACK scoreboard holds SACKed blocks: what every ACK asks of it, kept here for the same reason
     * (FreeBSD's scoreboard is a list head in the tcpcb). {@link #scoreboardChangedLocked} sets it after each
     * change of the scoreboard's blocks.
     */
    @GuardedBy("inp") private boolean sackBlocks;

    // round-trip timing
    @GuardedBy("inp") RttEstimator rtt;
    /** rttStartNanos when no segment is timed (a segment may be sent at time 0 of a virtual clock). */
    static final long NOT_TIMED = Long.MIN_VALUE;
    /** When the timed segment was sent ({@link #NOT_TIMED}: none), t_rtttime. */
    @GuardedBy("inp") long rttStartNanos = NOT_TIMED;
    @GuardedBy("inp") int rtseq;
    @GuardedBy("inp") int rxtShift;
    @GuardedBy("inp") long rxtCurNanos;
    @GuardedBy("inp") long totalRetransmitted;
    @GuardedBy("inp") long lastRecvNanos;
    /** Receive buffer auto-sizing: bytes received since {@code rfbufStartNanos} (FreeBSD rfbuf_cnt, rfbuf_ts). */
    @GuardedBy("inp") long rfbufStartNanos;
    @GuardedBy("inp") long rfbufCount;
    @GuardedBy("inp") long startNanos;
    @GuardedBy("inp") int keepProbesSent;
    /** Challenge ACK rate limit (RFC 5961 7): window start and count. */
    @GuardedBy("inp") long challengeWindowStart;
    @GuardedBy("inp") int challengeCount;

    // per-connection settings (copied from the host's settings or set by socket options)
    @GuardedBy("inp") long keepIdleNanos;
    /** TCP_KEEPINIT: this connection's establishment timeout, 0 for net.inet.tcp.keepinit (t_keepinit). */
    @GuardedBy("inp") long keepInitNanos;
    @GuardedBy("inp") long keepIntvlNanos;
    @GuardedBy("inp") int keepCnt;
    @GuardedBy("inp") long lingerSeconds = -1;
    /** IP_TOS without the ECN field (inp_ip_tos): every segment's TOS byte but for its ECN bits. */
    @GuardedBy("inp") int ipTos;
    /** IP_TTL (inp_ip_ttl): every segment's time to live. */
    @GuardedBy("inp") int ipTtl = smpnet.stack.internal.ip.IpOutput.DEFAULT_TTL;

    // TCP Fast Open (TcpFastOpen)
    /** The cookie our SYN carries (t_tfo_cookie.client): empty for a cookie request, null without Fast Open. */
    @GuardedBy("inp") byte[] tfoClientCookie;
    /** The cookie our SYN-ACK offers (t_tfo_cookie.server), null for none. */
    @GuardedBy("inp") byte[] tfoServerCookie;
    /**
     * A listener's Fast Open connections still in SYN-RECEIVED (t_tfo_pending), shared with them: each
     * decrements it once when it leaves SYN-RECEIVED or goes ({@link #tfoPendingOf}).
     */
    final java.util.concurrent.atomic.AtomicInteger tfoPending = new java.util.concurrent.atomic.AtomicInteger();
    /** The listener's counter this connection holds a place in, null once given back. */
    @GuardedBy("inp") java.util.concurrent.atomic.AtomicInteger tfoPendingOf;

    /** The five timers, on one callout. */
    final TcpTimer timer;

    Tcpcb(Tcp tcp, ExclusiveLock lock, TcpSocketHooks so) {
        this.tcp = tcp;
        this.lock = lock;
        this.so = so;
        this.timer = new TcpTimer(this);
    }

    boolean has(int f) { return (flags & f) != 0; }

    void set(int f) { flags |= f; }

    void clear(int f) { flags &= ~f; }

    /** TCPS_HAVERCVDSYN: past SYN_SENT. */
    boolean haveReceivedSyn() { return state.ordinal() >= TcpState.SYN_RECEIVED.ordinal(); }

    /** TCPS_HAVEESTABLISHED. */
    boolean haveEstablished() { return state.ordinal() >= TcpState.ESTABLISHED.ordinal(); }

    /** TCPS_HAVERCVDFIN: CLOSE_WAIT, CLOSING, LAST_ACK or TIME_WAIT. */
    boolean haveReceivedFin() {
        return state == TcpState.CLOSE_WAIT || state == TcpState.CLOSING || state == TcpState.LAST_ACK
                || state == TcpState.TIME_WAIT;
    }

    /** The largest payload of a segment: maxseg less the options every segment carries (tcp_maxseg). */
    int effectiveMaxseg() {
        int optlen = 0;
        if (has(TF_RCVD_TSTMP) && has(TF_REQ_TSTMP) && !has(TF_NOOPT)) optlen = 12; // nop, nop, TS (10)
        return Math.max(1, maxseg - optlen);
    }

    /**
     * Loads what a socket call on the connection touches first (its control block, its lock, its timers'
     * callout) without the lock: a cache hint for an event loop's poll
     * ({@code Pollable.touch}), returning a value computed from them, possibly stale.
     */
    public int touch() {
        return (int) (sndNxt + rcvNxt + (lock.isOwned() ? 1 : 0) + timer.touch());
    }

    /** Our timestamp clock now, in milliseconds plus the connection's offset (RFC 7323 5.4). */
    int tsNow() { return (int) (nowNanos() / 1_000_000L) + tsOffset; }

    /**
     * The time now: while a segment is processed ({@link #clockNanos} set), the time it arrived, else the
     * scheduler's clock. As Linux's tcp_mstamp, one reading of the clock serves a segment's input and the
     * output it triggers (its timestamps, RTT samples, idle checks), which take microseconds.
     */
    long nowNanos() {
        long c = clockNanos;
        return c != 0 ? c : tcp.scheduler.nanoTime();
    }

    /** Gives back this connection's place among its listener's pending Fast Open connections, once. */
    void tfoPendingDoneLocked() {
        lock.assertOwned();
        if (tfoPendingOf != null) {
            tfoPendingOf.decrementAndGet();
            tfoPendingOf = null;
        }
    }

    /** Takes the reassembly queue's state into {@code segqData} and {@code segqDsack}, after a change of it. */
    void reassChangedLocked() {
        segqData = reass != null && !reass.isEmpty();
        segqDsack = reass != null && reass.hasDsack();
    }

    /** No data waits in the reassembly queue (or there is none yet). */
    boolean segqEmptyLocked() {
        assert segqData == (reass != null && !reass.isEmpty()) : "the queue changed without reassChangedLocked";
        return !segqData;
    }

    /** The reassembly queue has SACK blocks to report: data out of order, or a D-SACK. */
    boolean segqToReportLocked() {
        assert segqData == (reass != null && !reass.isEmpty()) && segqDsack == (reass != null && reass.hasDsack())
                : "the queue changed without reassChangedLocked";
        return segqData || segqDsack;
    }

    /** Takes the scoreboard's state into {@code sackBlocks}, after a change of its blocks. */
    void scoreboardChangedLocked() {
        sackBlocks = scoreboard != null && !scoreboard.isEmpty();
    }

    /** The scoreboard holds no SACKed block (or there is none). */
    boolean scoreboardEmptyLocked() {
        assert sackBlocks == (scoreboard != null && !scoreboard.isEmpty()) : "the scoreboard changed without scoreboardChangedLocked";
        return !sackBlocks;
    }

    /** Stops every timer (tcp_timer_stop, called by tcp_discardcb). */
    void stopAllTimersLocked() {
        timer.disarmAll();
    }

    @Override
    public String toString() {
        return "tcpcb " + Integer.toUnsignedString(laddr >>> 24) + ".." + lport + " -> " + fport + " " + state;
    }
}
