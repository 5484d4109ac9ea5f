package smpnet.stack.internal.tcp;

import smpnet.locking.GuardedBy;
import smpnet.stack.internal.wire.TcpHeader;

/**
 * One half-open connection of the SYN cache (FreeBSD's {@code struct syncache}): what the SYN said and what
 * the SYN-ACK answered, enough to build the connection when the handshake completes
 * ({@link SyncacheSocket}). An entry is made from a SYN, or, with SYN cookies, rebuilt from a valid cookie
 * in the ACK ({@link #fromCookie}).
 *
 * <p>Locking key: the final fields are written once, before the entry is published in its bucket; the
 * retransmit state ({@code rxmits}, {@code tfoOffer}, {@code timer}) is guarded by the bucket's
 * {@code syncache} mutex. An entry pulled out of its bucket belongs to the one thread that pulled it.
 */
final class SyncacheEntry {
    final Tcpcb listener;
    final int laddr;
    final int lport;
    final int faddr;
    final int fport;
    final int irs;
    final int iss;
    final int peerMss;
    /** The peer's window scale, -1 if it sent none. */
    final int peerWscale;
    final boolean sackOk;
    final boolean ts;
    final int tsRecent;
    final int tsOffset;
    final int peerWin;
    final boolean noOpt;
    /** The remote UDP port the SYN came through the UDP tunnel from (TCP over UDP), 0 for a plain SYN. */
    final int port;
    /** The SYN asked for ECN and this host accepts it (SCF_ECN): the SYN-ACK carries ECE. */
    final boolean ecn;
    /** The listener's IP_TOS and IP_TTL when the SYN came (sc_ip_tos, sc_ip_ttl): the SYN-ACK's and the connection's. */
    final int ipTos;
    final int ipTtl;
    /** The listener has TCP_MD5SIG (SCF_SIGNATURE): the SYN-ACK is signed, the ACK must be, so is the connection. */
    final boolean signature;
    @GuardedBy("syncache") int rxmits;
    /** The Fast Open cookie the first SYN-ACK offers (sc_tfo_cookie), null for none. */
    @GuardedBy("syncache") byte[] tfoOffer;
    /** The SYN-ACK retransmit timer, a callout with the bucket's lock; made when first armed. */
    @GuardedBy("syncache") Callout timer;

    SyncacheEntry(Tcpcb listener, Segment seg, int iss, int tsOffset, boolean noOpt, boolean sackOn, boolean wsOn,
                  boolean tsOn) {
        this.listener = listener;
        this.laddr = seg.dst;
        this.lport = seg.dport;
        this.faddr = seg.src;
        this.fport = seg.sport;
        this.irs = seg.seq;
        this.iss = iss;
        TcpOptions.Parsed o = seg.opts;
        this.peerMss = o == null ? -1 : o.mss();
        this.peerWscale = noOpt || !wsOn || o == null ? -1 : o.wscale();
        this.sackOk = !noOpt && sackOn && o != null && o.sackPermitted();
        this.ts = !noOpt && tsOn && o != null && o.hasTimestamp();
        this.tsRecent = ts ? o.tsVal() : 0;
        this.tsOffset = tsOffset;
        this.peerWin = seg.win;
        this.noOpt = noOpt;
        this.port = seg.port;
        this.ecn = TcpEcn.synRequests(listener.tcp.settings, seg.flags);
        this.ipTos = listener.ipTos; // every entry is made under the listener's inp
        this.ipTtl = listener.ipTtl;
        this.signature = listener.has(Tcpcb.TF_SIGNATURE);
    }

    /**
     * The entry a valid cookie stands for (syncookie_lookup), for the ACK {@code seg} to listener {@code lis}
     * (its inp held): MSS, window scale and SACK from the cookie, the timestamps from the ACK.
     */
    static SyncacheEntry fromCookie(Tcp tcp, Tcpcb lis, Segment seg, SynCookies.Decoded c) {
        int irs = seg.seq - 1;
        int iss = seg.ack - 1;
        TcpOptions.Parsed o = seg.opts;
        boolean ts = tcp.settings.doTimestamps() && o != null && o.hasTimestamp() && !lis.has(Tcpcb.TF_NOOPT);
        TcpOptions.Parsed synOpts = new TcpOptions.Parsed(c.mss(), c.wscale(), c.sackOk(), ts,
                ts ? o.tsVal() : 0, ts ? o.tsEcr() : 0, new int[0], false);
        Segment syn = new Segment(seg.src, seg.dst, seg.sport, seg.dport, irs, 0, TcpHeader.SYN, seg.win, synOpts,
                null, 0, 0);
        syn.port = seg.port; // a cookie keeps no port: the ACK's is taken
        return new SyncacheEntry(lis, syn, iss, ts ? o.tsEcr() - (int) (tcp.scheduler.nanoTime() / 1_000_000L) : 0,
                lis.has(Tcpcb.TF_NOOPT), tcp.settings.sack, tcp.settings.doWindowScale(), tcp.settings.doTimestamps());
    }

    boolean matches(int la, int lp, int fa, int fp) { return lport == lp && fport == fp && laddr == la && faddr == fa; }
}
