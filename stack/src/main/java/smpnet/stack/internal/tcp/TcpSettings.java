package smpnet.stack.internal.tcp;

import java.util.function.Consumer;
import smpnet.stack.internal.sysctl.Sysctl;

/**
 * TCP's tunables of one host, under FreeBSD 14's sysctl names and with its defaults, each a volatile field
 * the protocol reads directly (never the registry). Times FreeBSD gives in milliseconds are set in
 * milliseconds and kept here in nanoseconds.
 *
 * <p>Locking: none; each field is volatile and read once per use. A connection copies what it must keep
 * stable (its buffer sizes, keepalive times) when it is created.
 */
public final class TcpSettings {
    static final long MS = 1_000_000L;

    /** Window scaling is offered and accepted (net.inet.tcp.rfc1323 1 or 2). */
    boolean doWindowScale() {
        int v = rfc1323;
        return v == 1 || v == 2;
    }

    /** Timestamps are offered and accepted (net.inet.tcp.rfc1323 1 or 3). */
    boolean doTimestamps() {
        int v = rfc1323;
        return v == 1 || v == 3;
    }

    public volatile boolean sack = true;
    /** net.inet.tcp.rfc1323: 0 off, 1 window scaling and timestamps, 2 window scaling only, 3 timestamps only. */
    public volatile int rfc1323 = 1;
    public volatile boolean syncookies = true;
    public volatile boolean syncookiesOnly;
    public volatile boolean insecureRst;
    public volatile boolean insecureSyn;
    public volatile boolean delayedAck = true;
    public volatile long delackNanos = 40 * MS;
    /** When data is acknowledged at once and when it may wait for the delack timer (not a sysctl: a seam). */
    public volatile AckPolicy ackPolicy = AckPolicy.FREEBSD;
    public volatile int recvspace = 65536;
    public volatile int sendspace = 32768;
    public volatile boolean recvbufAuto = true;
    public volatile boolean sendbufAuto = true;
    public volatile int recvbufMax = 2 * 1024 * 1024;
    public volatile int sendbufMax = 2 * 1024 * 1024;
    public volatile int sendbufInc = 8192;
    public volatile int mssdflt = 536;
    public volatile int minmss = 216;
    /** net.inet.tcp.always_keepalive: keepalive probes on every connection, as if each had SO_KEEPALIVE (FreeBSD: 1). */
    public volatile boolean alwaysKeepalive = true;
    public volatile long keepidleNanos = 7_200_000 * MS;
    public volatile long keepintvlNanos = 75_000 * MS;
    public volatile long keepinitNanos = 75_000 * MS;
    public volatile int keepcnt = 8;
    public volatile long rexmitMinNanos = 30 * MS;
    public volatile long rexmitSlopNanos = 200 * MS;
    public volatile long rexmitInitialNanos = 1000 * MS;
    public volatile long mslNanos = 30_000 * MS;
    public volatile long finwait2Nanos = 60_000 * MS;
    public volatile int blackhole;
    public volatile boolean dropSynfin;
    public volatile boolean tolerateMissingTs = true;
    public volatile int initcwndSegments = 10;
    public volatile boolean pathMtuDiscovery = true;
    /**
     * net.inet.tcp.pmtud_blackhole_detection: lower the MSS when full segments sent with DF go unanswered
     * through retransmission timeouts ({@link TcpPmtuBlackhole}); 0 off (FreeBSD's default), 1 IPv4 and IPv6,
     * 2 IPv4 only, 3 IPv6 only (so off here: smpnet models IPv4).
     */
    public volatile int pmtudBlackholeDetect;
    /** net.inet.tcp.pmtud_blackhole_mss: the first, lowered MSS black-hole detection tries (FreeBSD: 1200). */
    public volatile int pmtudBlackholeMss = 1200;
    public volatile int synRexmitLimit = 3;
    public volatile int syncacheBucketLimit = 30;
    public volatile int syncacheBuckets = 512;
    /** net.inet.tcp.tcbhashsize: buckets of the connection hash, a boot-time tunable (rounded up to a power of two). */
    public volatile int tcbHashSize = 4096;
    /** Challenge ACKs per second (net.inet.tcp.ack_war_cnt over ack_war_timewindow, FreeBSD 14: 5 per 1000 ms). */
    public volatile int ackWarCnt = 5;
    public volatile long ackWarWindowNanos = 1000 * MS;
    public volatile String ccAlgorithm = "cubic";
    /**
     * net.inet.tcp.ecn.enable (RFC 3168): 0 off; 1 our SYNs ask for ECN and a peer's request is accepted; 2
     * (FreeBSD's default) a peer's request is accepted, our SYNs do not ask.
     */
    public volatile int ecn = 2;
    /** net.inet.tcp.ecn.maxretries: SYN retransmissions that still ask for ECN (then it is given up). */
    public volatile int ecnMaxRetries = 1;
    /**
     * net.inet.tcp.rexmit_drop_options: the third retransmission of a SYN goes without window scaling,
     * timestamps and SACK (for middleboxes that drop unknown options); FreeBSD 14's default is off.
     */
    public volatile boolean rexmitDropOptions;
    /** net.inet.tcp.icmp_may_rst: an ICMP hard error (port unreachable, prohibited) ends a connection in SYN-SENT. */
    public volatile boolean icmpMayRst = true;
    /** net.inet.tcp.tso: TCP segmentation offload is used on interfaces that offer it (FreeBSD's default 1). */
    public volatile boolean tso = true;
    /** net.inet.tcp.reass.maxqueuelen: the most separate runs of out-of-order data a connection queues. */
    public volatile int reassMaxQueueLen = 100;
    /**
     * net.inet.tcp.reass.maxsegments: the most runs of out-of-order data all connections queue together, a
     * boot-time tunable; FreeBSD's default is nmbclusters / 16, here 16384 / 16.
     */
    public volatile int reassMaxSegments = 1024;
    /** net.inet.tcp.sack.maxholes: the most separate SACKed ranges a connection's scoreboard keeps. */
    public volatile int sackMaxHoles = SackScoreboard.DEFAULT_MAX_BLOCKS;
    /** net.inet.tcp.sack.globalmaxholes: the most SACKed ranges all connections' scoreboards keep together. */
    public volatile int sackGlobalMaxHoles = 65536;
    /**
     * net.inet.tcp.udp_tunneling_port: the local UDP port of TCP over UDP (RFC 6951-style encapsulation), 0 (the
     * default) for none. Written only through the sysctl, which opens and closes the tunnel's socket.
     */
    public volatile int udpTunnelingPort;
    /** net.inet.tcp.udp_tunneling_overhead: what the MSS of a tunneled connection gives up (8 to 1024, default 8). */
    public volatile int udpTunnelingOverhead = 8;
    /** kern.ipc.maxsockbuf, owned by the host; read for the window scale and buffer limits. */
    private final Sysctl.Value maxSockBuf;

    public TcpSettings(Sysctl.Value maxSockBuf) { this.maxSockBuf = maxSockBuf; }

    public long maxSockBuf() { return maxSockBuf.get(); }

    /**
     * The window scale this host asks for (FreeBSD's syncache_add/tcp_connect): the smallest shift whose
     * 65535 &lt;&lt; shift covers kern.ipc.maxsockbuf, at most 14 (RFC 7323 2.3).
     */
    public int requestedWindowScale() {
        long max = maxSockBuf();
        int s = 0;
        while (s < 14 && (65535L << s) < max) s++;
        return s;
    }

    /** Registers every setting in {@code s}; {@code ccCheck} refuses an unknown algorithm name. */
    public void register(Sysctl s, Consumer<String> ccCheck, Runnable purgeHostCache) {
        flag(s, "net.inet.tcp.sack.enable", "SACK (RFC 2018) offered and used", () -> sack, v -> sack = v);
        s.add("net.inet.tcp.rfc1323", "RFC 7323 (1: window scaling and timestamps, 2: scaling only, 3: timestamps only)",
                0, 3, () -> rfc1323, v -> rfc1323 = (int) v);
        flag(s, "net.inet.tcp.syncookies", "SYN cookies when the SYN cache overflows", () -> syncookies, v -> syncookies = v);
        flag(s, "net.inet.tcp.syncookies_only", "SYN cookies only: no SYN cache entries", () -> syncookiesOnly,
                v -> syncookiesOnly = v);
        flag(s, "net.inet.tcp.insecure_rst", "accept any in-window RST (no RFC 5961 challenge ACK)", () -> insecureRst,
                v -> insecureRst = v);
        flag(s, "net.inet.tcp.insecure_syn", "accept an in-window SYN as a reset (no RFC 5961 challenge ACK)",
                () -> insecureSyn, v -> insecureSyn = v);
        flag(s, "net.inet.tcp.delayed_ack", "delay ACKs", () -> delayedAck, v -> delayedAck = v);
        millis(s, "net.inet.tcp.delacktime", "delayed ACK time (ms)", 1, () -> delackNanos, v -> delackNanos = v);
        s.add("net.inet.tcp.recvspace", "initial receive buffer", 1, Integer.MAX_VALUE, () -> recvspace,
                v -> recvspace = (int) v);
        s.add("net.inet.tcp.sendspace", "initial send buffer", 1, Integer.MAX_VALUE, () -> sendspace,
                v -> sendspace = (int) v);
        flag(s, "net.inet.tcp.recvbuf_auto", "grow the receive buffer automatically", () -> recvbufAuto,
                v -> recvbufAuto = v);
        flag(s, "net.inet.tcp.sendbuf_auto", "grow the send buffer automatically", () -> sendbufAuto,
                v -> sendbufAuto = v);
        s.add("net.inet.tcp.recvbuf_max", "most the receive buffer grows to", 1, Integer.MAX_VALUE, () -> recvbufMax,
                v -> recvbufMax = (int) v);
        s.add("net.inet.tcp.sendbuf_max", "most the send buffer grows to", 1, Integer.MAX_VALUE, () -> sendbufMax,
                v -> sendbufMax = (int) v);
        s.add("net.inet.tcp.sendbuf_inc", "send buffer growth step", 1, Integer.MAX_VALUE, () -> sendbufInc,
                v -> sendbufInc = (int) v);
        s.add("net.inet.tcp.mssdflt", "MSS when the peer sends none", 88, 65495, () -> mssdflt, v -> mssdflt = (int) v);
        s.add("net.inet.tcp.minmss", "smallest MSS accepted", 88, 65495, () -> minmss, v -> minmss = (int) v);
        flag(s, "net.inet.tcp.always_keepalive", "keepalive probes on every connection, as if each had SO_KEEPALIVE",
                () -> alwaysKeepalive, v -> alwaysKeepalive = v);
        millis(s, "net.inet.tcp.keepidle", "idle time before keepalive probes (ms)", 1, () -> keepidleNanos,
                v -> keepidleNanos = v);
        millis(s, "net.inet.tcp.keepintvl", "time between keepalive probes (ms)", 1, () -> keepintvlNanos,
                v -> keepintvlNanos = v);
        millis(s, "net.inet.tcp.keepinit", "connection establishment timeout (ms)", 1, () -> keepinitNanos,
                v -> keepinitNanos = v);
        s.add("net.inet.tcp.keepcnt", "unanswered keepalive probes before a drop", 1, Integer.MAX_VALUE,
                () -> keepcnt, v -> keepcnt = (int) v);
        millis(s, "net.inet.tcp.rexmit_min", "smallest retransmission timeout (ms)", 1, () -> rexmitMinNanos,
                v -> rexmitMinNanos = v);
        millis(s, "net.inet.tcp.rexmit_slop", "added to the retransmission timeout (ms)", 0, () -> rexmitSlopNanos,
                v -> rexmitSlopNanos = v);
        millis(s, "net.inet.tcp.rexmit_initial", "retransmission timeout before an RTT sample (ms)", 1,
                () -> rexmitInitialNanos, v -> rexmitInitialNanos = v);
        millis(s, "net.inet.tcp.msl", "maximum segment lifetime (ms); TIME_WAIT lasts twice this", 1,
                () -> mslNanos, v -> mslNanos = v);
        millis(s, "net.inet.tcp.finwait2_timeout", "FIN_WAIT_2 time after the socket closed (ms)", 1,
                () -> finwait2Nanos, v -> finwait2Nanos = v);
        s.add("net.inet.tcp.blackhole", "no RST for segments to closed ports (1: SYN only, 2: all)", 0, 2,
                () -> blackhole, v -> blackhole = (int) v);
        flag(s, "net.inet.tcp.rexmit_drop_options", "drop SYN options at the third SYN retransmission",
                () -> rexmitDropOptions, v -> rexmitDropOptions = v);
        flag(s, "net.inet.tcp.icmp_may_rst", "an ICMP hard error ends a connection in SYN-SENT", () -> icmpMayRst,
                v -> icmpMayRst = v);
        flag(s, "net.inet.tcp.tso", "TCP segmentation offload on interfaces that offer it", () -> tso, v -> tso = v);
        flag(s, "net.inet.tcp.drop_synfin", "drop SYN+FIN segments", () -> dropSynfin, v -> dropSynfin = v);
        flag(s, "net.inet.tcp.tolerate_missing_ts", "accept segments without the negotiated timestamp",
                () -> tolerateMissingTs, v -> tolerateMissingTs = v);
        s.add("net.inet.tcp.initcwnd_segments", "initial congestion window in segments", 1, 1000,
                () -> initcwndSegments, v -> initcwndSegments = (int) v);
        flag(s, "net.inet.tcp.path_mtu_discovery", "send with DF and learn the path MTU", () -> pathMtuDiscovery,
                v -> pathMtuDiscovery = v);
        s.add("net.inet.tcp.pmtud_blackhole_detection",
                "lower the MSS when full DF segments time out (0: off, 1: on, 2: IPv4 only, 3: IPv6 only)", 0, 3,
                () -> pmtudBlackholeDetect, v -> pmtudBlackholeDetect = (int) v);
        s.add("net.inet.tcp.pmtud_blackhole_mss", "the MSS black-hole detection tries first", 88, 65495,
                () -> pmtudBlackholeMss, v -> pmtudBlackholeMss = (int) v);
        s.add("net.inet.tcp.syncache.rexmtlimit", "SYN-ACK retransmissions", 0, 100, () -> synRexmitLimit,
                v -> synRexmitLimit = (int) v);
        s.addTunable("net.inet.tcp.syncache.bucketlimit", "entries per SYN cache bucket (boot-time)", 1, 65536,
                () -> syncacheBucketLimit, v -> syncacheBucketLimit = (int) v);
        s.addTunable("net.inet.tcp.syncache.hashsize", "SYN cache buckets (boot-time)", 1, 65536,
                () -> syncacheBuckets, v -> syncacheBuckets = (int) v);
        s.addTunable("net.inet.tcp.tcbhashsize", "connection hash buckets, rounded up to a power of two (boot-time)", 1, 65536,
                () -> tcbHashSize, v -> tcbHashSize = (int) v);
        // either 0: no limit, as FreeBSD's ctf_ack_war_checks and tcp_send_challenge_ack read them
        s.add("net.inet.tcp.ack_war_cnt", "ACKs per window answering out-of-step segments", 0, Integer.MAX_VALUE,
                () -> ackWarCnt, v -> ackWarCnt = (int) v);
        millis(s, "net.inet.tcp.ack_war_timewindow", "window of net.inet.tcp.ack_war_cnt (ms)", 0,
                () -> ackWarWindowNanos, v -> ackWarWindowNanos = v);
        s.add("net.inet.tcp.reass.maxqueuelen", "most out-of-order runs queued per connection", 1, Integer.MAX_VALUE,
                () -> reassMaxQueueLen, v -> reassMaxQueueLen = (int) v);
        s.addTunable("net.inet.tcp.reass.maxsegments", "most out-of-order runs queued by all connections (boot-time)",
                1, Integer.MAX_VALUE, () -> reassMaxSegments, v -> reassMaxSegments = (int) v);
        s.add("net.inet.tcp.sack.maxholes", "most SACK scoreboard ranges per connection (new connections)", 1, 65536,
                () -> sackMaxHoles, v -> sackMaxHoles = (int) v);
        s.add("net.inet.tcp.sack.globalmaxholes", "most SACK scoreboard ranges of all connections together", 1,
                Integer.MAX_VALUE, () -> sackGlobalMaxHoles, v -> sackGlobalMaxHoles = (int) v);
        s.add("net.inet.tcp.ecn.enable", "ECN (RFC 3168; 0: off, 1: requested and accepted, 2: accepted only)", 0, 2,
                () -> ecn, v -> ecn = (int) v);
        s.add("net.inet.tcp.ecn.maxretries", "SYN retransmissions still asking for ECN", 0, Integer.MAX_VALUE,
                () -> ecnMaxRetries, v -> ecnMaxRetries = (int) v);
        s.add("net.inet.tcp.hostcache.purgenow", "write 1 to forget every learned path MTU", 0, 1, () -> 0,
                v -> { if (v == 1) purgeHostCache.run(); });
        s.addString("net.inet.tcp.cc.algorithm", "congestion control of new connections", () -> ccAlgorithm, v -> {
            ccCheck.accept(v);
            ccAlgorithm = v;
        });
    }

    private interface BoolSetter { void set(boolean v); }

    private interface BoolGetter { boolean get(); }

    private static void flag(Sysctl s, String name, String what, BoolGetter get, BoolSetter set) {
        s.add(name, what, 0, 1, () -> get.get() ? 1 : 0, v -> set.set(v != 0));
    }

    private static void millis(Sysctl s, String name, String what, long min, java.util.function.LongSupplier nanos,
                               java.util.function.LongConsumer set) {
        s.add(name, what, min, Integer.MAX_VALUE, () -> nanos.getAsLong() / MS, v -> set.accept(v * MS));
    }
}
