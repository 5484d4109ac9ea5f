package smpnet.stack.internal.tcp;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import smpnet.locking.ExclusiveLock;
import smpnet.locking.GuardedBy;
import smpnet.stack.internal.wire.TcpHeader;
import smpnet.stack.locks.LockInventory;
import smpnet.stack.mbuf.Mbuf;
import smpnet.stack.stats.TcpStat;

/**
 * Half-open connections of the host's listeners (FreeBSD's {@code tcp_syncache.c}): a SYN to a listener makes
 * an entry here and a SYN-ACK; the ACK that completes the handshake turns the entry into a connection with a
 * socket on the listener's queue. No socket or control block exists before that, so a SYN flood costs an
 * entry each, and none at all with SYN cookies: when a bucket is full (or with net.inet.tcp.syncookies_only)
 * the SYN-ACK's ISN is a cookie that carries what the entry would have held, and a valid cookie in the ACK
 * builds the connection without any entry. An entry is a {@link SyncacheEntry}; the connection it becomes is
 * made by {@link SyncacheSocket}, which also makes a Fast Open SYN's connection at once.
 *
 * <p>Locking key: each bucket's {@code syncache} mutex (after the listener's inp, which input holds when it
 * calls in) guards its entries and their timers' state. The SYN-ACK retransmit timer runs on the callout
 * thread: entry point, then the bucket lock; segments are sent after the bucket lock is dropped (to this very
 * host they would come straight back into input, which takes tcbinfo).
 */
final class SynCache {
    /** SYNCOOKIE_LIFETIME: a cookie is taken only within this many seconds of its bucket's last overflow. */
    static final long COOKIE_LIFETIME_SECONDS = 16;

    private static final class Bucket {
        final ExclusiveLock lock;
        @GuardedBy("syncache") final ArrayDeque<SyncacheEntry> entries = new ArrayDeque<>();
        /** sch_last_overflow: the uptime second this bucket last overflowed into cookies (never: far past). */
        @GuardedBy("syncache") long lastOverflowSecond = Long.MIN_VALUE / 2;

        Bucket(ExclusiveLock lock) { this.lock = lock; }
    }

    private final Tcp tcp;
    /** The hash table: built again by {@link #boot} if net.inet.tcp.syncache.hashsize was tuned; fixed after. */
    private Bucket[] buckets;
    private final AtomicInteger size = new AtomicInteger();
    /** The cache-wide pause after an overflow; shared by buckets under different locks. */
    private final SyncachePause pause = new SyncachePause();
    /** Makes the connection when a handshake completes. */
    private final SyncacheSocket socket;

    SynCache(Tcp tcp) {
        this.tcp = tcp;
        this.socket = new SyncacheSocket(tcp);
        this.buckets = newBuckets(tcp.settings.syncacheBuckets);
    }

    private Bucket[] newBuckets(int n) {
        Bucket[] b = new Bucket[n];
        for (int i = 0; i < n; i++) b[i] = new Bucket(tcp.locks.mutex(LockInventory.SYNCACHE));
        return b;
    }

    /**
     * The host starts (before its threads do, which then see the table): the hash table takes the size
     * net.inet.tcp.syncache.hashsize was given before boot. Nothing can be in the cache yet.
     */
    void boot() {
        if (buckets.length != tcp.settings.syncacheBuckets && size.get() == 0) {
            buckets = newBuckets(tcp.settings.syncacheBuckets);
        }
    }

    int size() { return size.get(); }

    private Bucket bucket(int laddr, int lport, int faddr, int fport) {
        int h = (laddr * 31 + faddr) * 0x9E3779B1 + (lport << 16 | fport);
        h ^= h >>> 16;
        return buckets[Math.floorMod(h * 0x85EBCA6B, buckets.length)];
    }

    private static SyncacheEntry find(Bucket b, int la, int lp, int fa, int fp) {
        for (SyncacheEntry e : b.entries) if (e.matches(la, lp, fa, fp)) return e;
        return null;
    }

    // ---- input for a listener (tcp_input's LISTEN block) -----------------------------------------------

    /** syncache_cookiesonly: SYN cookies and no cache, by net.inet.tcp.syncookies_only or during a pause. */
    private boolean cookiesOnly(long nowNanos) {
        TcpSettings set = tcp.settings;
        return set.syncookies && (set.syncookiesOnly || paused(nowNanos));
    }

    /** An overflow paused the cache and the pause has not run out. */
    private boolean paused(long nowNanos) { return pause.paused(nowNanos / 1_000_000_000L); }

    /**
     * syncache_pause: a bucket overflowed. With cookies the cache pauses for 16 s, twice as long (up to 2^6
     * times) when an attack is renewed within the last pause's length after it ended; counted once per pause
     * (once per overflow without cookies).
     */
    private void pauseLocked(long nowNanos) {
        if (!tcp.settings.syncookies) {
            tcp.stats.increment(TcpStat.SC_BUCKETOVERFLOW);
            return;
        }
        if (pause.overflow(nowNanos / 1_000_000_000L)) tcp.stats.increment(TcpStat.SC_BUCKETOVERFLOW);
    }

    /** A segment for listener {@code lis} with no connection of its own; runs under the listener's inp. */
    void listenInputLocked(Tcpcb lis, Segment seg) {
        lis.lock.assertOwned();
        int f = seg.flags;
        if ((f & (TcpHeader.RST | TcpHeader.ACK | TcpHeader.SYN)) == TcpHeader.ACK) {
            expandLocked(lis, seg);
            return;
        }
        if ((f & TcpHeader.RST) != 0) {
            checkRst(lis, seg);
            return;
        }
        if ((f & TcpHeader.SYN) == 0) {
            tcp.stats.increment(TcpStat.BADSYN);
            return;
        }
        if ((f & TcpHeader.ACK) != 0) { // a SYN-ACK to a listener belongs to no connection: ignored, no RST
            tcp.stats.increment(TcpStat.BADSYN); // (FreeBSD's tcp_input: "SYN|ACK invalid, segment ignored")
            return;
        }
        if (tcp.ipInput.isBroadcast(seg.dst) || (seg.dst >>> 28) == 0xe || tcp.ipInput.isBroadcast(seg.src)
                || (seg.src >>> 28) >= 0xe || seg.src == seg.dst && seg.sport == seg.dport) {
            tcp.stats.increment(TcpStat.BADSYN);
            return;
        }
        addLocked(lis, seg);
    }

    /** syncache_add: a SYN for a listener. */
    private void addLocked(Tcpcb lis, Segment seg) {
        // a listener with TCP_MD5SIG takes a SYN signed right only (syncache_add; counted by verify)
        if (lis.has(Tcpcb.TF_SIGNATURE) && !tcp.signatures.verify(seg)) {
            return;
        }
        TcpSettings set = tcp.settings;
        long now = tcp.scheduler.nanoTime();
        boolean noOpt = lis.has(Tcpcb.TF_NOOPT);
        Bucket b = bucket(seg.dst, seg.dport, seg.src, seg.sport);
        List<Mbuf> out = new ArrayList<>(1);
        TcpFastOpen.CookieCheck tfo = tcp.fastOpen.synReceivedLocked(lis, seg); // null: not a Fast Open SYN
        SyncacheEntry fast = null;
        b.lock.lock();
        try {
            boolean cookieOnly = cookiesOnly(now); // the cache is not even looked at (syncache_cookiesonly)
            SyncacheEntry dup = cookieOnly ? null : find(b, seg.dst, seg.dport, seg.src, seg.sport);
            if (dup != null) { // the peer's SYN again: our SYN-ACK was lost; answer at once
                if (tfo != null) lis.tfoPending.decrementAndGet();
                tcp.stats.increment(TcpStat.SC_DUPSYN);
                Mbuf m = synAck(dup, now);
                if (m != null) out.add(m);
                return;
            }
            boolean wsOn = set.doWindowScale();
            boolean tsOn = set.doTimestamps();
            SyncacheEntry probe = new SyncacheEntry(lis, seg, 0, 0, noOpt, set.sack, wsOn, tsOn);
            int mssOffer = probe.peerMss < 0 ? set.mssdflt : probe.peerMss;
            int iss = set.syncookies
                    ? tcp.cookies.generate(seg.dst, seg.dport, seg.src, seg.sport, seg.seq, mssOffer,
                            probe.peerWscale, probe.sackOk, now)
                    : tcp.isnGen.isn(seg.dst, seg.dport, seg.src, seg.sport, now);
            SyncacheEntry e = new SyncacheEntry(lis, seg, iss, probe.ts ? tcp.nextTsOffset() : 0, noOpt, set.sack, wsOn,
                    tsOn);
            if (tfo != null && tfo.valid()) { // a valid cookie: the connection at once, no cache entry
                fast = e;
                return;
            }
            if (tfo != null) {
                lis.tfoPending.decrementAndGet(); // served as an ordinary SYN: it holds no place
                e.tfoOffer = tfo.offer();
            }
            if (!cookieOnly && b.entries.size() >= set.syncacheBucketLimit) {
                // syncache_insert: the oldest entry makes room, the overflow is recorded, and with cookies the
                // cache pauses (syncache_pause): cookies alone for a while
                pauseLocked(now);
                b.lastOverflowSecond = now / 1_000_000_000L;
                SyncacheEntry oldest = b.entries.pollFirst();
                if (oldest != null) dropEntryLocked(oldest);
            }
            if (cookieOnly) {
                tcp.stats.increment(TcpStat.SC_SENDCOOKIE);
                Mbuf m = synAck(e, now);
                if (m != null) out.add(m);
                return;
            }
            b.entries.addLast(e);
            size.incrementAndGet();
            tcp.stats.increment(TcpStat.SC_ADDED);
            if (set.syncookies) tcp.stats.increment(TcpStat.SC_SENDCOOKIE);
            Mbuf m = synAck(e, now);
            if (m != null) out.add(m);
            armLocked(b, e);
        } finally {
            b.lock.unlock();
            sendAll(out, seg.dst, seg.src, lis.ipTos, lis.ipTtl, seg.port);
            if (fast != null) socket.fastOpenLocked(lis, seg, fast, tfo);
        }
    }

    /** Sends segments of one half-open connection with its listener's IP TOS and TTL. */
    private void sendAll(List<Mbuf> out, int src, int dst, int tos, int ttl, int port) {
        for (Mbuf m : out) tcp.output(m, src, dst, ttl, tos, port);
    }

    /** The SYN-ACK of {@code e} (syncache_respond): our options answer the peer's, none with TCP_NOOPT. */
    private Mbuf synAck(SyncacheEntry e, long now) {
        int which = 0;
        int mss = 0;
        int tsVal = 0;
        int wscale = 0;
        if (!e.noOpt) {
            which |= TcpOptions.MSS;
            mss = Math.max(TcpMss.mssOption(tcp, e.faddr), tcp.settings.minmss) // syncache_respond's floor
                    - TcpMss.overhead(tcp, e.port);
            if (e.peerWscale >= 0) {
                which |= TcpOptions.WSCALE;
                wscale = tcp.settings.requestedWindowScale();
            }
            if (e.sackOk) which |= TcpOptions.SACK_PERMITTED;
            if (e.ts) {
                which |= TcpOptions.TIMESTAMP;
                tsVal = (int) (now / 1_000_000L) + e.tsOffset;
            }
            if (e.signature) which |= TcpOptions.SIGNATURE;
        }
        byte[] cookie = e.noOpt ? null : e.tfoOffer;
        if (cookie != null) {
            which |= TcpOptions.FAST_OPEN;
            e.tfoOffer = null; // the first SYN-ACK only
            tcp.stats.increment(TcpStat.TFO_COOKIE_SENT);
        }
        byte[] opts = which == 0 ? null : TcpOptions.build(which, mss, wscale, tsVal, e.tsRecent, null, 0, cookie);
        int win = Math.min(tcp.settings.recvspace, Tcp.TCP_MAXWIN);
        int flags = TcpHeader.SYN | TcpHeader.ACK | (e.ecn ? TcpHeader.ECE : 0); // tcp_ecn_syncache_respond
        Mbuf m = tcp.segments.build(e.laddr, e.faddr, e.lport, e.fport, e.iss, e.irs + 1, flags, win, opts, null, 0, 0);
        if ((which & TcpOptions.SIGNATURE) != 0) m = tcp.signatures.signOrFree(m, e.laddr, e.faddr, opts);
        tcp.stats.increment(TcpStat.SNDTOTAL);
        tcp.stats.increment(TcpStat.SNDCTRL);
        return m;
    }

    /**
     * Arms the SYN-ACK retransmit timer (syncache_timeout): rexmit_initial (1 s) before the first
     * retransmission, then rexmit_initial * tcp_backoff[rxmits] plus rexmit_slop within [rexmit_min, 64 s]
     * (TCPT_RANGESET): 1, 2.2, 4.2, 8.2 s.
     */
    private void armLocked(Bucket b, SyncacheEntry e) {
        b.lock.assertOwned();
        TcpSettings set = tcp.settings;
        long delay = set.rexmitInitialNanos;
        if (e.rxmits > 0) {
            delay = delay * RttEstimator.backoff(Math.min(e.rxmits, RttEstimator.MAX_RXT_SHIFT)) + set.rexmitSlopNanos;
            delay = Math.min(Math.max(delay, set.rexmitMinNanos), RttEstimator.MAX_RTO_NANOS);
        }
        if (e.timer == null) e.timer = new Callout(tcp.callouts, b.lock, true); // the handler sends unlocked
        e.timer.reset(Math.max(1, delay), () -> timer(b, e));
    }

    /**
     * syncache_timer: retransmit the SYN-ACK, or give up after net.inet.tcp.syncache.rexmtlimit. Runs on the
     * softclock in the entry point with the bucket's lock held (a timer stopped under it does not get here);
     * releases that lock before the SYN-ACK goes out.
     */
    private void timer(Bucket b, SyncacheEntry e) {
        List<Mbuf> out = new ArrayList<>(1);
        try {
            b.lock.assertOwned();
            if (!b.entries.contains(e)) return;
            if (paused(tcp.scheduler.nanoTime())) {
                b.entries.remove(e); // paused: the cache is emptied as its timers run (syncache_timer)
                size.decrementAndGet();
                return;
            }
            if (e.rxmits >= tcp.settings.synRexmitLimit) {
                b.entries.remove(e);
                size.decrementAndGet();
                tcp.stats.increment(TcpStat.SC_STALE);
                return;
            }
            e.rxmits++;
            tcp.stats.increment(TcpStat.SC_RETRANSMITTED);
            Mbuf m = synAck(e, tcp.scheduler.nanoTime());
            if (m != null) out.add(m);
            armLocked(b, e);
        } finally {
            b.lock.unlock();
            sendAll(out, e.laddr, e.faddr, e.ipTos, e.ipTtl, e.port);
        }
    }

    private void dropEntryLocked(SyncacheEntry e) {
        if (e.timer != null) e.timer.stop();
        size.decrementAndGet();
    }

    /**
     * syncache_chkrst: a RST for a half-open connection of listener {@code lis} (its inp held). At IRS+1 it
     * removes the entry; elsewhere in the window it draws a challenge ACK (RFC 5961 3.2); outside, it is ignored.
     */
    private void checkRst(Tcpcb lis, Segment seg) {
        if (cookiesOnly(tcp.scheduler.nanoTime())) return; // no cache to look in (syncache_chkrst)
        Bucket b = bucket(seg.dst, seg.dport, seg.src, seg.sport);
        List<Mbuf> out = new ArrayList<>(1);
        b.lock.lock();
        try {
            SyncacheEntry e = find(b, seg.dst, seg.dport, seg.src, seg.sport);
            if (e == null) return;
            int rcvNxt = e.irs + 1;
            int wnd = Math.min(tcp.settings.recvspace, Tcp.TCP_MAXWIN);
            if (seg.seq == rcvNxt || (tcp.settings.insecureRst && TcpSeq.ge(seg.seq, rcvNxt)
                    && TcpSeq.lt(seg.seq, rcvNxt + wnd))) {
                b.entries.remove(e);
                dropEntryLocked(e);
                tcp.stats.increment(TcpStat.SC_RESET);
            } else if (TcpSeq.ge(seg.seq, rcvNxt) && TcpSeq.lt(seg.seq, rcvNxt + wnd)) {
                tcp.stats.increment(TcpStat.BADRST);
                tcp.stats.increment(TcpStat.CHALLENGEACK);
                int which = (e.ts ? TcpOptions.TIMESTAMP : 0) | (e.signature && !e.noOpt ? TcpOptions.SIGNATURE : 0);
                byte[] opts = which == 0 ? null : TcpOptions.build(which, 0, 0,
                        (int) (tcp.scheduler.nanoTime() / 1_000_000L) + e.tsOffset, e.tsRecent, null, 0);
                Mbuf m = tcp.segments.build(e.laddr, e.faddr, e.lport, e.fport, e.iss + 1, rcvNxt, TcpHeader.ACK, wnd,
                        opts, null, 0, 0);
                if (e.signature) m = tcp.signatures.signOrFree(m, e.laddr, e.faddr, opts);
                tcp.stats.increment(TcpStat.SNDTOTAL);
                tcp.stats.increment(TcpStat.SNDACKS);
                if (m != null) out.add(m);
            }
        } finally {
            b.lock.unlock();
            sendAll(out, seg.dst, seg.src, lis.ipTos, lis.ipTtl, seg.port);
        }
    }

    /** An ICMP unreachable about a SYN-ACK (syncache_unreach): the entry goes if the quoted ISS is ours. */
    void unreach(int laddr, int lport, int faddr, int fport, int quotedSeq, int port) {
        if (cookiesOnly(tcp.scheduler.nanoTime())) return; // no cache to look in (syncache_unreach)
        Bucket b = bucket(laddr, lport, faddr, fport);
        tcp.locks.enterEntryPoint();
        try {
            b.lock.lock();
            try {
                SyncacheEntry e = find(b, laddr, lport, faddr, fport);
                if (e == null || quotedSeq != e.iss || e.port != port) return;
                b.entries.remove(e);
                dropEntryLocked(e);
                tcp.stats.increment(TcpStat.SC_UNREACH);
            } finally {
                b.lock.unlock();
            }
        } finally {
            tcp.locks.leaveEntryPoint();
        }
    }

    /**
     * syncache_expand: the ACK of a SYN-ACK. A matching entry (or a valid cookie) becomes a connection on the
     * listener's queue; an ACK that matches neither is answered by {@code <SEQ=SEG.ACK><CTL=RST>}.
     */
    private void expandLocked(Tcpcb lis, Segment seg) {
        Bucket b = bucket(seg.dst, seg.dport, seg.src, seg.sport);
        SyncacheEntry e;
        long now = tcp.scheduler.nanoTime();
        boolean cookieAllowed;
        boolean cookieOnly = cookiesOnly(now);
        boolean otherPort = false;
        b.lock.lock();
        try {
            e = cookieOnly ? null : find(b, seg.dst, seg.dport, seg.src, seg.sport);
            otherPort = e != null && e.port != seg.port;
            if (e != null && !otherPort && e.signature
                    && !tcp.signatures.verify(seg)) {
                return; // syncache_expand: not signed right, dropped without a RST; the entry stays
            }
            if (otherPort) {
                e = null; // by another encapsulation (UDP port) than the SYN: the entry stays, the ACK is refused
            } else if (e != null) {
                b.entries.remove(e); // pulled out: the bucket is free for others while the connection is made
                dropEntryLocked(e);
            }
            // A cookie is looked at only with syncookies_only or a recent overflow of this bucket: an ACK
            // for an entry that was dropped (or never existed) is not taken as a cookie (syncache_expand).
            cookieAllowed = cookieOnly || (tcp.settings.syncookies
                    && b.lastOverflowSecond >= now / 1_000_000_000L - COOKIE_LIFETIME_SECONDS);
        } finally {
            b.lock.unlock();
        }
        if (otherPort) {
            tcp.dropWithReset(seg);
            return;
        }
        if (e == null) {
            SynCookies.Decoded c = cookieAllowed
                    ? tcp.cookies.validate(seg.dst, seg.dport, seg.src, seg.sport, seg.seq - 1, seg.ack - 1, now) : null;
            if (c == null) {
                tcp.stats.increment(TcpStat.SC_BADACK);
                tcp.dropWithReset(seg);
                return;
            }
            // syncache_expand: a signature in the ACK of a cookie is checked; a wrong one drops it, no RST
            if (TcpSignature.find(seg.m, seg.th) >= 0
                    && !tcp.signatures.verify(seg)) {
                tcp.stats.increment(TcpStat.SIG_ERR_SIGOPT);
                return;
            }
            tcp.stats.increment(TcpStat.SC_RECVCOOKIE);
            e = SyncacheEntry.fromCookie(tcp, lis, seg, c);
        }
        if (seg.ack != e.iss + 1 || TcpSeq.le(seg.seq, e.irs)
                || TcpSeq.gt(seg.seq, e.irs + Math.min(tcp.settings.recvspace, Tcp.TCP_MAXWIN))) {
            tcp.stats.increment(TcpStat.SC_BADACK);
            tcp.dropWithReset(seg);
            return;
        }
        socket.expandLocked(lis, seg, e);
    }

    /** Forgets every entry (host shutdown, or a listener closing with entries of its own: see {@link #dropFor}). */
    void drain() {
        for (Bucket b : buckets) {
            tcp.locks.enterEntryPoint();
            try {
                b.lock.lock();
                try {
                    for (SyncacheEntry e : b.entries) dropEntryLocked(e);
                    b.entries.clear();
                } finally {
                    b.lock.unlock();
                }
            } finally {
                tcp.locks.leaveEntryPoint();
            }
        }
    }

    /** Removes the entries of a listener that is closing (no lock of the listener held). */
    void dropFor(Tcpcb lis) {
        for (Bucket b : buckets) {
            b.lock.lock();
            try {
                for (Iterator<SyncacheEntry> it = b.entries.iterator(); it.hasNext(); ) {
                    SyncacheEntry e = it.next();
                    if (e.listener == lis) {
                        it.remove();
                        dropEntryLocked(e);
                    }
                }
            } finally {
                b.lock.unlock();
            }
        }
    }
}
