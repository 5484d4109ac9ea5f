package smpnet.stack.internal.tcp;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import smpnet.locking.Scheduler;
import smpnet.stack.internal.Planted;
import smpnet.stack.internal.icmp.ErrorRateLimit;
import smpnet.stack.internal.icmp.Icmp;
import smpnet.stack.internal.ip.IpInput;
import smpnet.stack.internal.ip.IpOutput;
import smpnet.stack.internal.ip.ProtocolInput;
import smpnet.stack.internal.mbuf.Zone;
import smpnet.stack.internal.tcp.cc.CcAlgorithms;
import smpnet.stack.internal.wire.ChainChecksum;
import smpnet.stack.internal.wire.Checksum;
import smpnet.stack.internal.wire.Ipv4Header;
import smpnet.stack.internal.wire.TcpHeader;
import smpnet.stack.locks.LockInventory;
import smpnet.stack.locks.StackLocks;
import smpnet.stack.mbuf.Mbuf;
import smpnet.stack.mbuf.MbufAllocator;
import smpnet.stack.mbuf.PacketHeader;
import smpnet.stack.socket.TcpState;
import smpnet.stack.stats.Counters;
import smpnet.stack.stats.TcpStat;

/**
 * TCP of one host (RFC 9293, modeled on FreeBSD 14): input validation and demultiplexing to a connection or
 * a listener ({@code tcp_input}), the answers sent without a connection ({@code tcp_respond}), a
 * connection's segments to IP, and a connection's life cycle (tcp_newtcpcb, tcp_close, tcp_drop, the start of
 * TIME_WAIT). The state machine is {@link TcpInput}, output {@link TcpOutput}, a segment's wire format
 * {@link TcpSegmentBuilder}, ICMP errors ({@code tcp_ctlinput}) {@link TcpCtlInput}, timers
 * {@link TcpTimers}, half-open connections {@link SynCache}, the calls the socket layer makes
 * ({@code tcp_usrreq.c}) {@link TcpUsrReq}, the UDP tunnel {@link TcpOverUdp}, MD5 signatures
 * {@link TcpSignature}.
 *
 * <p>Lock order (DESIGN.md): {@code tcbinfo} (read, for lookups) then {@code inp} (a listener's, then its new
 * connection's: DUPOK), then {@code tcphash} or {@code syncache}, then the socket buffers. Every socket call
 * and every timer first enters the host's entry point (Giant in the giant modes). Segments for a peer on
 * this very host are handed to IP only after the pcb lock is released ({@link #unlock}): IP would carry them
 * straight back into this input, which takes tcbinfo.
 */
public final class Tcp implements ProtocolInput {
    /** FreeBSD's errno values stored in so_error. */
    static final int ECONNREFUSED = 61;
    static final int ECONNRESET = 54;
    static final int ETIMEDOUT = 60;
    static final int EHOSTUNREACH = 65;
    static final int ENETDOWN = 50;
    static final int ENETUNREACH = 51;
    static final int ECONNABORTED = 53;
    static final int EMSGSIZE = 40;

    static final int TCP_MAXWIN = 65535;
    /** TCP_MSS: the MSS assumed for a peer that announces none (RFC 9293 3.7.1). */
    static final int TCP_MSS = 536;

    final Counters<TcpStat> stats = new Counters<>("tcp", TcpStat.class);
    final StackLocks locks;
    final Scheduler scheduler;
    final MbufAllocator alloc;
    /** Writes every segment this host sends. */
    final TcpSegmentBuilder segments;
    /** The host's TCP-MD5 keys, and the signing and checking of segments with them. */
    final TcpSignature signatures = new TcpSignature(s -> stats.increment(s));
    final IpInput ipInput;
    final IpOutput ipOutput;
    final TcpSettings settings;
    final TcpPcbTable table;
    final SynCache syncache;
    final IsnGenerator isnGen;
    final SynCookies cookies;
    /**
     * The host's callout wheel, one per CPU (FreeBSD's callout(9)): every connection timer and SYN-ACK
     * retransmit timer. Its softclock enters the entry point (Giant in the giant modes) before it takes a
     * callout's lock (inp or syncache), as the lock order wants.
     */
    final CalloutWheel callouts;
    final TcpFastOpen fastOpen;
    /** The rings of the host's socket buffers. */
    private final RingZones rings;
    /** Callouts the shutdown still found on the wheel (a timer left behind); written once, by shutdown. */
    private volatile int timersLeftAtShutdown;
    /** Connections that exist (created and not yet freed by tcp_close). */
    final AtomicInteger pcbs = new AtomicInteger();
    /** Runs of out-of-order data queued by every connection (net.inet.tcp.reass.maxsegments bounds it). */
    final AtomicInteger reassRuns = new AtomicInteger();
    /** SACKed ranges kept by every connection's scoreboard (net.inet.tcp.sack.globalmaxholes bounds it). */
    final AtomicInteger sackBlocks = new AtomicInteger();
    private final SplittableRandom tsOffsets;
    /** RSTs to closed ports: icmplim a second (FreeBSD badport_bandlim, BANDLIM_RST_CLOSEDPORT). */
    private final ErrorRateLimit rstClosedPortLimit;
    /** ICMP errors for TCP, plain (registered with ICMP) or through the UDP tunnel ({@link TcpOverUdp}). */
    final TcpCtlInput ctlInput;

    public Tcp(StackLocks locks, Scheduler scheduler, int cpus, MbufAllocator alloc, IpInput ipInput,
               IpOutput ipOutput, Icmp icmp, TcpSettings settings, long secretSeed) {
        this.locks = locks;
        this.scheduler = scheduler;
        this.callouts = new CalloutWheel(scheduler, () -> locks.mutex(LockInventory.CALLOUT), cpus, locks::runEntryPoint);
        this.alloc = alloc;
        this.segments = new TcpSegmentBuilder(alloc);
        this.rings = RingZones.of(cpus);
        this.ipInput = ipInput;
        this.ipOutput = ipOutput;
        this.settings = settings;
        this.table = new TcpPcbTable(locks, TcpPcbTable.roundUp(settings.tcbHashSize));
        SplittableRandom r = new SplittableRandom(secretSeed);
        this.isnGen = new IsnGenerator(r.nextLong(), r.nextLong());
        this.cookies = new SynCookies(r.nextLong(), r.nextLong());
        this.tsOffsets = r.split();
        this.fastOpen = new TcpFastOpen(this, r.split());
        this.rstClosedPortLimit = new ErrorRateLimit(scheduler, ErrorRateLimit.ICMPLIM, ErrorRateLimit.ICMPLIM);
        this.syncache = new SynCache(this);
        ipInput.register(Ipv4Header.PROTO_TCP, this);       // tcp_input, called by IpInput.deliver
        this.ctlInput = new TcpCtlInput(this);
        icmp.registerTransport(Ipv4Header.PROTO_TCP, ctlInput); // tcp_ctlinput, called by ICMP input
    }

    public Counters<TcpStat> stats() { return stats; }

    /** The host's TCP-MD5 keys (FreeBSD's TCP-MD5 security associations). */
    public TcpSignature signatures() { return signatures; }

    public TcpSettings settings() { return settings; }

    /** The zones the host's socket buffers take their rings from. */
    public RingZones rings() { return rings; }

    /** Registers the TCP Fast Open sysctls ({@code net.inet.tcp.fastopen.*}) in {@code s}. */
    public void registerFastOpen(smpnet.stack.internal.sysctl.Sysctl s) { fastOpen.register(s); }

    /**
     * Registers TCP over UDP's sysctls ({@code net.inet.tcp.udp_tunneling_port} and {@code _overhead}) in
     * {@code s}: setting the port opens the tunnel's socket on {@code udp}.
     */
    public void registerUdpTunneling(smpnet.stack.internal.sysctl.Sysctl s, smpnet.stack.internal.udp.Udp udp) {
        new TcpOverUdp(this, udp).register(s);
    }

    /** Connections in the hash (any state but CLOSED and LISTEN). */
    public int connections() { return table.connections(); }

    /** Control blocks alive: connections, listeners and sockets not yet closed. */
    public int pcbs() { return pcbs.get(); }

    /** The host starts: boot-time tunables are final now (the SYN cache's and the connection hash's sizes). */
    public void boot() {
        syncache.boot();
        fastOpen.boot();
        table.boot(settings.tcbHashSize);
    }

    /**
     * Timers armed and not yet run: each connection's armed timers (a timer that fired and waits for the
     * connection's lock still counts, as tcp_timer_active says) and the SYN cache's callouts on the wheel, plus
     * the callouts the shutdown found still there. A connection's five timers share one callout, so the wheel's
     * count alone would say 1 for a connection with three timers armed: the connections are walked (without
     * their locks, so a count taken while they move may be stale).
     */
    public int timersArmed() {
        int n = callouts.pendingCount() + timersLeftAtShutdown;
        for (Tcpcb tp : table.snapshot()) n += tp.timer.armedCountUnlocked() - (tp.timer.pending() ? 1 : 0);
        return n;
    }

    /** Entries in the SYN cache. */
    public int syncacheEntries() { return syncache.size(); }

    synchronized int nextTsOffset() { return tsOffsets.nextInt(); }

    // ---- input ----------------------------------------------------------------------------------------

    @Override
    public void input(Mbuf packet, int hlen, int src, int dst) { input(packet, hlen, src, dst, 0); }

    /**
     * tcp_input_with_port: as {@link #input(Mbuf, int, int, int)} for a segment that came through the UDP
     * tunnel from remote UDP port {@code port} ({@code hlen} then covers the IP and the UDP header); 0 for a
     * plain one. The UDP checksum has covered a tunneled segment: its TCP checksum is not checked (FreeBSD
     * sends 0 there).
     */
    void input(Mbuf packet, int hlen, int src, int dst, int port) {
        stats.increment(TcpStat.RCVTOTAL);
        int tlenAll = packet.pktLen() - hlen;
        if (tlenAll < TcpHeader.MIN_LENGTH) {
            stats.increment(TcpStat.RCVSHORT);
            packet.freeChain();
            return;
        }
        Mbuf m = packet.pullup(hlen + TcpHeader.MIN_LENGTH);
        if (m == null) {
            stats.increment(TcpStat.RCVSHORT);
            return;
        }
        int off = (m.getU8(hlen + 12) >>> 4) * 4;
        if (off < TcpHeader.MIN_LENGTH || off > tlenAll) {
            stats.increment(TcpStat.RCVBADOFF);
            m.freeChain();
            return;
        }
        if (port == 0 && !checksumValid(m, hlen, tlenAll, src, dst)) {
            stats.increment(TcpStat.RCVBADSUM);
            m.freeChain();
            return;
        }
        if (off > TcpHeader.MIN_LENGTH) {
            m = m.pullup(hlen + off);
            if (m == null) {
                stats.increment(TcpStat.RCVSHORT);
                return;
            }
        }
        int flags = m.getU8(hlen + 13); // all eight bits: ECE and CWR included (RFC 3168 6.1)
        TcpOptions.Parsed opts = off > TcpHeader.MIN_LENGTH
                ? TcpOptions.parse(m.data().asSlice(hlen + TcpHeader.MIN_LENGTH, off - TcpHeader.MIN_LENGTH),
                        (flags & TcpHeader.SYN) != 0)
                : null;
        Segment seg = new Segment(src, dst, m.getU16(hlen), m.getU16(hlen + 2), m.getU32(hlen + 4), m.getU32(hlen + 8),
                flags, m.getU16(hlen + 14), opts, m, hlen + off, tlenAll - off);
        seg.urp = m.getU16(hlen + 18);
        seg.nsegs = Math.max(1, m.pkthdr().lroNsegs());
        seg.iptos = m.getU8(1);
        seg.port = port;
        seg.th = hlen;
        if (seg.has(TcpHeader.SYN) && seg.has(TcpHeader.FIN) && settings.dropSynfin) {
            stats.increment(TcpStat.BADSYN);
            seg.free();
            return;
        }
        try {
            demux(seg);
        } finally {
            seg.free();
        }
    }

    /**
     * The TCP checksum check of tcp_input, honouring the receiving device's (CSUM_DATA_VALID: csumData holds
     * the sum it found, with the pseudo-header when CSUM_PSEUDO_HDR is set, 0xffff when valid); a packet the
     * device did not check is summed here.
     */
    private static boolean checksumValid(Mbuf m, int hlen, int tlen, int src, int dst) {
        PacketHeader h = m.pkthdr();
        int flags = h.csumFlags();
        if ((flags & PacketHeader.CSUM_DATA_VALID) == 0) {
            return ChainChecksum.withPseudoHeader(m, hlen, tlen, src, dst, Ipv4Header.PROTO_TCP) == 0;
        }
        if ((flags & PacketHeader.CSUM_PSEUDO_HDR) != 0) return h.csumData() == 0xffff;
        return new Checksum().addPseudoHeader(src, dst, Ipv4Header.PROTO_TCP, tlen).addWord(h.csumData()).finish() == 0;
    }

    private void demux(Segment seg) {
        for (int attempt = 0; attempt < 2; attempt++) {
            Tcpcb tp;
            Tcpcb lis = null;
            Tcpcb bound = null;
            table.tcbinfo.lockShared();
            try {
                tp = table.lookupConnectionLocked(seg.dst, seg.dport, seg.src, seg.sport);
                if (tp == null) lis = table.lookupListenerLocked(seg.dst, seg.dport);
                if (tp == null && lis == null) bound = table.lookupBoundLocked(seg.dst, seg.dport);
                Tcpcb target = tp != null ? tp : lis != null ? lis : bound;
                if (target != null) target.lock.lock(); // tcbinfo, then inp; tcbinfo dropped once inp is held
            } finally {
                table.tcbinfo.unlockShared();
            }
            if (tp != null) {
                if (tp.dropped) { // closed between the lookup and the lock: look again (a listener may take it)
                    tp.lock.unlock();
                    continue;
                }
                boolean reprocess;
                try {
                    reprocess = connectionInputLocked(tp, seg);
                } finally {
                    unlock(tp);
                }
                if (reprocess) continue; // a new SYN ended a TIME_WAIT: the listener gets it
                return;
            }
            if (lis != null) {
                try {
                    if (lis.dropped || lis.state != TcpState.LISTEN) {
                        noConnection(seg);
                    } else {
                        syncache.listenInputLocked(lis, seg);
                    }
                } finally {
                    unlock(lis);
                }
                return;
            }
            if (bound != null) {
                // A socket bound but neither listening nor connecting: tcp_input's "TCPS_CLOSED: dropwithreset",
                // the RST with the socket's IP TOS and TTL; sent once its inp is released (IP may loop it to us)
                boolean closed = !bound.dropped && bound.state == TcpState.CLOSED && bound.faddr == 0;
                int tos = bound.ipTos;
                int ttl = bound.ipTtl;
                boolean sign = bound.has(Tcpcb.TF_SIGNATURE);
                unlock(bound);
                if (closed) {
                    if (resetAllowed(seg)) dropWithReset(seg, tos, ttl, sign);
                    return;
                }
            }
            noConnection(seg);
            return;
        }
        noConnection(seg);
    }

    /**
     * A segment for connection {@code tp}, its inp held: TIME_WAIT's check (tcp_twcheck), then tcp_input's
     * checks before the state machine: a segment by another encapsulation (UDP port) than the connection's is
     * answered with a RST, and a connection with TCP_MD5SIG drops a segment not signed right. True when the
     * segment is to be looked up again (a new SYN ended a TIME_WAIT: the listener gets it).
     */
    private boolean connectionInputLocked(Tcpcb tp, Segment seg) {
        if (Planted.TCP && tp.state == TcpState.ESTABLISHED && seg.has(TcpHeader.URG) && seg.urp >= 0x8000) {
            throw new IllegalStateException("planted"); // see Planted
        }
        if (tp.state == TcpState.TIME_WAIT) return TcpTimeWait.checkLocked(tp, seg);
        if (tp.port != seg.port && tp.state != TcpState.CLOSED) {
            if (resetAllowed(seg)) dropWithReset(seg, tp);
            return false;
        }
        if (tp.has(Tcpcb.TF_SIGNATURE) && !signatures.verify(seg)) return false;
        return TcpInput.segmentLocked(tp, seg);
    }

    /**
     * A segment for no connection and no listener: RST unless blackholed (net.inet.tcp.blackhole), at most
     * icmplim (200) a second.
     */
    private void noConnection(Segment seg) {
        int bh = settings.blackhole;
        if (bh == 2 || (bh == 1 && seg.has(TcpHeader.SYN))) return;
        if (resetAllowed(seg)) dropWithReset(seg);
    }

    /**
     * Whether a RST may answer a segment that no connection takes: always for a RST (dropWithReset sends none
     * to it), else at most icmplim (200) a second (badport_bandlim(BANDLIM_RST_CLOSEDPORT)); one over the
     * limit is counted.
     */
    private boolean resetAllowed(Segment seg) {
        if (seg.has(TcpHeader.RST) || rstClosedPortLimit.tryAcquire()) return true;
        stats.increment(TcpStat.RST_CLOSEDPORT_LIMITED);
        return false;
    }

    /**
     * tcp_dropwithreset: answers an unacceptable segment with a RST (RFC 9293 3.10.7.1): none to a RST or
     * to a broadcast; {@code <SEQ=SEG.ACK><CTL=RST>} if it carried an ACK, else
     * {@code <SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK>}. It goes back as the segment came: through the UDP
     * tunnel to its port, or plain (tcp_respond with the received packet).
     */
    void dropWithReset(Segment seg) { dropWithReset(seg, 0, IpOutput.DEFAULT_TTL); }

    /** As {@link #dropWithReset(Segment)} for a socket: the RST carries its IP TOS and TTL (tcp_respond with tp). */
    void dropWithReset(Segment seg, int tos, int ttl) { dropWithReset(seg, tos, ttl, false); }

    /** As {@link #dropWithReset(Segment, int, int)} for connection {@code tp}: signed if it has TCP_MD5SIG. */
    void dropWithReset(Segment seg, Tcpcb tp) { dropWithReset(seg, tp.ipTos, tp.ipTtl, tp.has(Tcpcb.TF_SIGNATURE)); }

    /** As {@link #dropWithReset(Segment, int, int)}, the RST signed (RFC 2385) if {@code sign}. */
    void dropWithReset(Segment seg, int tos, int ttl, boolean sign) {
        if (seg.has(TcpHeader.RST) || ipInput.isBroadcast(seg.dst) || (seg.dst >>> 28) == 0xe
                || ipInput.isBroadcast(seg.src) || (seg.src >>> 28) == 0xe) {
            return;
        }
        if (seg.has(TcpHeader.ACK)) {
            respond(seg.dst, seg.src, seg.dport, seg.sport, seg.ack, 0, TcpHeader.RST, 0, TcpSignature.rstOptions(sign), tos,
                    ttl, seg.port);
        } else {
            int len = seg.tlen + (seg.has(TcpHeader.SYN) ? 1 : 0) + (seg.has(TcpHeader.FIN) ? 1 : 0);
            respond(seg.dst, seg.src, seg.dport, seg.sport, 0, seg.seq + len, TcpHeader.RST | TcpHeader.ACK, 0,
                    TcpSignature.rstOptions(sign), tos, ttl, seg.port);
        }
    }

    /**
     * tcp_respond: one segment with no payload, built and sent without a connection's lock, with IP TOS
     * {@code tos} and TTL {@code ttl} (a socket's, or 0 and the default), signed if options {@code opts} hold a
     * signature, plain or through the UDP tunnel to {@code port} (0: plain).
     */
    void respond(int src, int dst, int sport, int dport, int seq, int ack, int flags, int win, byte[] opts, int tos,
                 int ttl, int port) {
        Mbuf m = segments.build(src, dst, sport, dport, seq, ack, flags, win, opts, null, 0, 0);
        if (opts != null) m = signatures.signOrFree(m, src, dst, opts);
        if (m == null) return;
        stats.increment(TcpStat.SNDTOTAL);
        stats.increment((flags & (TcpHeader.RST | TcpHeader.SYN | TcpHeader.FIN)) != 0 ? TcpStat.SNDCTRL : TcpStat.SNDACKS);
        output(m, src, dst, ttl, tos, port);
    }

    /** Hands a segment without a connection to IP: plain, or through the UDP tunnel to {@code port} when not 0. */
    IpOutput.Result output(Mbuf m, int src, int dst, int ttl, int tos, int port) {
        if (port != 0 && (m = TcpOverUdp.encapsulate(m, src, dst, settings.udpTunnelingPort, port)) == null) {
            return IpOutput.Result.NO_BUFFERS;
        }
        return ipOutput.output(m, src, dst, port != 0 ? Ipv4Header.PROTO_UDP : Ipv4Header.PROTO_TCP, ttl, tos,
                settings.pathMtuDiscovery);
    }

    /**
     * Hands a connection's segment to IP. To a peer on this host it waits in the connection's queue until the
     * lock is released ({@link #unlock}): IP would loop it straight into our own input, under our inp.
     */
    void send(Tcpcb tp, Mbuf m) { send(tp, m, 0, settings.pathMtuDiscovery); }

    /**
     * As {@link #send(Tcpcb, Mbuf)}, with {@code tos} in the IP header (its ECN field: ECT(0) for ECN data).
     * False when the segment was dropped below TCP for lack of buffer space (the interface's queue was full,
     * or no mbuf: FreeBSD's ENOBUFS from ip_output); the drop is counted where it happened. Also false, with
     * TF_TSO cleared, when a TSO segment found an interface that does not take it (EMSGSIZE). DF as {@code df}.
     */
    boolean send(Tcpcb tp, Mbuf m, int tos, boolean df) {
        tp.lock.assertOwned();
        int proto = Ipv4Header.PROTO_TCP;
        if (tp.port != 0) { // TCP over UDP (no TSO segment comes here: tcp_output does not make them for it)
            m = TcpOverUdp.encapsulate(m, tp.laddr, tp.faddr, settings.udpTunnelingPort, tp.port);
            if (m == null) return false;
            proto = Ipv4Header.PROTO_UDP;
        }
        m.pkthdr().setFlow(tp.flowId, tp.flowType); // one connection, one transmit queue: its segments stay in order
        if (tp.localPeer) {
            if (tp.outq == null) tp.outq = new ArrayList<>(4);
            tp.outq.add(new Queued(m, tp.ipTos | tos, tp.ipTtl, proto));
            return true;
        }
        boolean tso = (m.pkthdr().csumFlags() & PacketHeader.CSUM_TSO) != 0;
        IpOutput.Result r = ipOutput.output(m, tp.laddr, tp.faddr, proto, tp.ipTtl, tp.ipTos | tos, df);
        if (tso && r == IpOutput.Result.TOO_BIG) {
            tp.clear(Tcpcb.TF_TSO); // tcp_output's EMSGSIZE: the interface no longer takes TSO packets
            return false;
        }
        return r != IpOutput.Result.DROPPED && r != IpOutput.Result.NO_BUFFERS;
    }

    /** A segment waiting in a connection's queue for its lock to be released, with its IP TOS byte, TTL and protocol. */
    record Queued(Mbuf m, int tos, int ttl, int proto) {}

    /** Releases {@code tp}'s lock, then sends what waited for that (segments to this very host). */
    void unlock(Tcpcb tp) {
        tp.timer.reconcile(); // what disarming left early moves once, now
        List<Queued> q = tp.outq;
        tp.outq = null;
        int src = tp.laddr;
        int dst = tp.faddr;
        tp.lock.unlock();
        if (q == null) return;
        for (Queued e : q) {
            ipOutput.output(e.m(), src, dst, e.proto(), e.ttl(), e.tos(), settings.pathMtuDiscovery);
        }
    }

    // ---- connection life cycle ------------------------------------------------------------------------

    /** A new control block for socket {@code so}, with the host's current settings (tcp_newtcpcb). */
    Tcpcb newTcpcb(TcpSocketHooks so) {
        Tcpcb tp = new Tcpcb(this, locks.mutex(LockInventory.INP), so);
        tp.maxseg = settings.mssdflt;
        tp.peerMss = settings.mssdflt;
        tp.rtt = new RttEstimator(settings.rexmitMinNanos, settings.rexmitSlopNanos);
        tp.rxtCurNanos = settings.rexmitInitialNanos;
        tp.keepIdleNanos = settings.keepidleNanos;
        tp.keepIntvlNanos = settings.keepintvlNanos;
        tp.keepCnt = settings.keepcnt;
        if (settings.doWindowScale()) tp.flags |= Tcpcb.TF_REQ_SCALE;
        if (settings.doTimestamps()) tp.flags |= Tcpcb.TF_REQ_TSTMP;
        if (settings.sack) tp.flags |= Tcpcb.TF_SACK_PERMIT;
        tp.cc = CcAlgorithms.byName(settings.ccAlgorithm);
        tp.startNanos = scheduler.nanoTime();
        pcbs.incrementAndGet();
        return tp;
    }

    /**
     * tcp_close: the connection is gone. Stops its timers, leaves the hash, frees its queues, tells the socket.
     * Idempotent; the pcb stays a valid (dropped) object for a socket that still refers to it.
     */
    void closeLocked(Tcpcb tp) { closeLocked(tp, ECONNABORTED); }

    /**
     * tcp_close with the reason zero-copy sends still unacknowledged fail with ({@code errno}): the send
     * buffer is emptied, as soisdisconnected does.
     */
    void closeLocked(Tcpcb tp, int errno) {
        tp.lock.assertOwned();
        if (tp.dropped) return;
        tp.dropped = true;
        tp.state = TcpState.CLOSED;
        tp.tfoPendingDoneLocked();
        tp.stopAllTimersLocked();
        table.removeLocked(tp);
        if (tp.reass != null) tp.reass.drain();
        tp.reassChangedLocked();
        if (tp.scoreboard != null) tp.scoreboard.clear();
        tp.scoreboardChangedLocked();
        stats.increment(TcpStat.CLOSED);
        pcbs.decrementAndGet();
        if (tp.so != null) {
            StreamBuffer snd = tp.so.snd();
            snd.lock.lock();
            try {
                snd.flushLocked(errno);
            } finally {
                snd.lock.unlock();
            }
            tp.so.disconnectedLocked();
        }
    }

    /**
     * tcp_drop: aborts the connection with {@code errno} (0: none to report), sending a RST if a SYN was
     * received (RFC 9293 3.10.7: ABORT in a synchronized state).
     */
    void dropLocked(Tcpcb tp, int errno) {
        tp.lock.assertOwned();
        if (tp.dropped) return;
        if (tp.haveReceivedSyn()) {
            tp.state = TcpState.CLOSED;
            TcpOutput.outputLocked(tp);
            stats.increment(TcpStat.DROPS);
        } else {
            stats.increment(TcpStat.CONNDROPS);
        }
        if (errno == ETIMEDOUT && tp.softError != 0) errno = tp.softError;
        // closeLocked's disconnect wakes the waiters: none may see the error before the socket has ended
        if (errno != 0 && tp.so != null) tp.so.errorBeforeDisconnectLocked(errno);
        closeLocked(tp, errno == 0 ? ECONNABORTED : errno);
    }

    // ---- what a host does at its end ------------------------------------------------------------------

    /**
     * Drops every connection still in the table (host shutdown): timers stopped, queues freed, no RST. Then
     * closes the callout wheel and waits for a handler still running: no timer of this host runs afterwards.
     */
    public void shutdown() {
        syncache.drain();
        for (Tcpcb tp : table.snapshot()) {
            locks.enterEntryPoint();
            try {
                tp.lock.lock();
                try {
                    closeLocked(tp);
                } finally {
                    if (tp.outq != null) tp.outq.forEach(e -> e.m().freeChain()); // nothing more leaves a closing host
                    tp.outq = null;
                    tp.lock.unlock();
                }
            } finally {
                locks.leaveEntryPoint();
            }
        }
        timersLeftAtShutdown = callouts.drain(); // each closed connection stopped its own: none should be left
    }

    /**
     * tcpdrop(8) {@code -s STATE} (FreeBSD's net.inet.tcp.drop sysctl for each connection in that state): a
     * connection in TIME_WAIT is closed silently (tcp_twclose), any other is dropped as tcp_drop does, with a
     * RST once a SYN was received and ECONNABORTED for its socket. Returns how many were dropped.
     */
    public int drop(TcpState state) {
        int n = 0;
        for (Tcpcb tp : table.snapshot()) {
            locks.enterEntryPoint();
            try {
                tp.lock.lock();
                try {
                    if (tp.dropped || tp.state != state) continue;
                    if (state == TcpState.TIME_WAIT) closeLocked(tp);
                    else dropLocked(tp, ECONNABORTED);
                    n++;
                } finally {
                    unlock(tp); // sends the RST a drop queued
                }
            } finally {
                locks.leaveEntryPoint();
            }
        }
        return n;
    }

    /** The path MTU cache's purge (net.inet.tcp.hostcache.purgenow). */
    public void purgeHostCache() { ipOutput.pathMtu().clear(); }
}
