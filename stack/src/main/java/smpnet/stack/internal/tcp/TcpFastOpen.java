package smpnet.stack.internal.tcp;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicReference;
import smpnet.locking.GuardedBy;
import smpnet.stack.internal.sysctl.Sysctl;
import smpnet.stack.internal.tcp.FastOpenCookieCache.Entry;
import smpnet.stack.stats.TcpStat;

/**
 * TCP Fast Open (RFC 7413) as FreeBSD's {@code tcp_fastopen.c} does it: the server's cookies and keys, the
 * client's cookie cache, and the {@code net.inet.tcp.fastopen.*} sysctls.
 *
 * <h2>Server</h2>
 * A cookie is the 8-byte SipHash-2-4 of the client's IPv4 address (its four bytes in network order) keyed
 * by one of the server's 16-byte keys. {@link #MAX_KEYS} keys are valid at once, newest first: a new key
 * ({@code setkey}, or the automatic one every {@code autokey} seconds) pushes the oldest out, so a client's
 * cookie stays valid one key rotation after the next. With {@code psk_enable} the client must prove it holds
 * a pre-shared key: a valid cookie is then SipHash(psk, the cookie the server issued). A listener takes
 * cookied SYNs only with the {@code TCP_FASTOPEN} option and {@code server_enable}; at most half its backlog
 * of such connections may wait in SYN-RECEIVED ({@code tfo_pending}).
 *
 * <h2>Client</h2>
 * The cookie cache maps a path {client address, server address, server port} to the server's cookie and MSS,
 * in {@code ccache_buckets} buckets of at most {@code ccache_bucket_limit} entries, the newest first (a full
 * bucket reuses its oldest entry). A SYN-ACK with a cookie of a valid length (4 to 16, even: RFC 7413 4.1.1)
 * replaces the path's cookie. A path is disabled for {@code path_disable_time} seconds, its next connections
 * made without Fast Open, when the server answers a cookie request without a valid cookie (it does not do
 * Fast Open) or does not acknowledge the data of our SYN and offers no valid new cookie (RFC 7413 4.1.3.1
 * allows caching such negative responses). Unlike FreeBSD, a SYN-ACK that acknowledges the SYN's data but
 * carries no cookie, or one of an invalid length, leaves the cached cookie in use (RFC 7413 4.1.2: the
 * server need not send the cookie again). Turning {@code client_enable} off empties the cache.
 *
 * <p>Locking: none of its own. The settings are volatile; the key set is one immutable record replaced by
 * compare-and-set; the cache ({@link FastOpenCookieCache}) replaces each bucket's immutable list by
 * compare-and-set (two connections updating one path race, and either update wins: both are the server's
 * word), and is itself replaced whole when the client side is turned off and on.
 */
public final class TcpFastOpen {
    /** TCP_FASTOPEN_COOKIE_LEN: the server's cookies. */
    public static final int COOKIE_LEN = 8;
    /** TCP_FASTOPEN_MIN_COOKIE_LEN, TCP_FASTOPEN_MAX_COOKIE_LEN: what a client accepts (RFC 7413 4.1.1). */
    public static final int MIN_COOKIE_LEN = 4;
    public static final int MAX_COOKIE_LEN = 16;
    /** TCP_FASTOPEN_KEY_LEN (SipHash's key). */
    public static final int KEY_LEN = 16;
    /** TCP_FASTOPEN_MAX_KEYS and TCP_FASTOPEN_MAX_PSKS: FreeBSD's defaults. */
    public static final int MAX_KEYS = 2;
    public static final int MAX_PSKS = 2;
    static final long SECOND = 1_000_000_000L;
    private static final long NOT_DISABLED = FastOpenCookieCache.NOT_DISABLED;

    // the sysctls (see the class comment), FreeBSD's defaults
    volatile boolean acceptAny;
    volatile long autokeySeconds = 120;
    volatile boolean clientEnable = true;
    volatile boolean serverEnable;
    volatile boolean pskEnable;
    volatile long pathDisableSeconds = 900;
    volatile int bucketLimit = 16;
    /** A boot-time tunable (a power of two; another value means the default). */
    volatile int buckets = 2048;

    private final Tcp tcp;
    @GuardedBy("this") private final SplittableRandom random;
    private final AtomicReference<Keys> keys = new AtomicReference<>(Keys.NONE);
    /** The client cookie cache; null while client_enable is off. */
    private volatile FastOpenCookieCache cache;

    /** The server's keys, newest first, each as SipHash's two key words; when the newest was made. */
    private record Keys(List<long[]> keys, List<long[]> psks, long newestAt) {
        static final Keys NONE = new Keys(List.of(), List.of(), 0);

        Keys withKey(long[] k, long now) { return new Keys(push(keys, k, MAX_KEYS), psks, now); }

        Keys withPsk(long[] k) { return new Keys(keys, push(psks, k, MAX_PSKS), newestAt); }

        private static List<long[]> push(List<long[]> l, long[] k, int max) {
            List<long[]> n = new ArrayList<>(max);
            n.add(k);
            for (int i = 0; i < l.size() && n.size() < max; i++) n.add(l.get(i));
            return List.copyOf(n);
        }
    }

    TcpFastOpen(Tcp tcp, SplittableRandom random) {
        this.tcp = tcp;
        this.random = random;
        this.cache = newCache();
    }

    /**
     * The host starts: the cache gets its boot-time size. A bucket count not a power of two becomes the
     * default, and the setting then reads what is used (tcp_fastopen_init).
     */
    void boot() {
        if (Integer.bitCount(buckets) != 1) buckets = 2048;
        cache = clientEnable ? newCache() : null;
    }

    private FastOpenCookieCache newCache() {
        int n = buckets; // before boot a client_enable toggle may meet a value boot has not checked yet
        return new FastOpenCookieCache(Integer.bitCount(n) == 1 ? n : 2048, nextLong());
    }

    private synchronized long nextLong() { return random.nextLong(); }

    // ---- server -----------------------------------------------------------------------------------------

    /** What {@link #checkCookie} found. */
    record CookieCheck(int result, byte[] latest) {
        /** Valid: a Fast Open connection. */
        boolean valid() { return result > 0; }

        /** A cookie to offer in the SYN-ACK (null when the server has no key). */
        byte[] offer() { return result >= 0 ? latest : null; }
    }

    /**
     * tcp_fastopen_check_cookie for a SYN from {@code faddr} with {@code cookie}: 1 valid, 0 invalid (the newest
     * cookie to offer is returned with it), -1 invalid with no key to make one. With {@code acceptany} every
     * cookie is valid and the offer is eight zero bytes.
     */
    CookieCheck checkCookie(int faddr, byte[] cookie) {
        if (acceptAny) return new CookieCheck(1, new byte[COOKIE_LEN]);
        Keys k = currentKeys();
        if (k.keys.isEmpty()) return new CookieCheck(-1, null);
        byte[] latest = cookieOf(k.keys.getFirst(), faddr);
        if (cookie.length != COOKIE_LEN) return new CookieCheck(0, latest);
        for (long[] key : k.keys) {
            byte[] mine = cookieOf(key, faddr);
            if (pskEnable) {
                for (long[] psk : k.psks) {
                    if (java.util.Arrays.equals(cookie, pskCookie(psk, mine))) return new CookieCheck(1, latest);
                }
            } else if (java.util.Arrays.equals(cookie, mine)) {
                return new CookieCheck(1, latest);
            }
        }
        return new CookieCheck(0, latest);
    }

    /**
     * The Fast Open half of syncache_add for a SYN to listener {@code lis}: null unless the listener has
     * TCP_FASTOPEN, the host {@code server_enable}, and the SYN a Fast Open option. Otherwise the SYN takes
     * a place among the listener's pending Fast Open connections (given back by the caller unless a
     * connection is made) and its cookie is checked, or, when half the backlog is already pending, it is
     * served as an ordinary SYN (RFC 7413 5.1) with a check result of -1.
     */
    CookieCheck synReceivedLocked(Tcpcb lis, Segment seg) {
        lis.lock.assertOwned();
        byte[] cookie = seg.opts == null ? null : seg.opts.fastOpenCookie();
        if (cookie == null || !serverEnable || !lis.has(Tcpcb.TF_FASTOPEN)) return null;
        if (cookie.length == 0) tcp.stats.increment(TcpStat.TFO_COOKIE_REQ_RCV);
        if (lis.tfoPending.getAndIncrement() > Math.max(0, lis.backlog) / 2) {
            tcp.stats.increment(TcpStat.TFO_PENDING_LIMITED);
            return new CookieCheck(-1, null);
        }
        CookieCheck c = checkCookie(seg.src, cookie);
        if (!c.valid() && cookie.length > 0) tcp.stats.increment(TcpStat.TFO_COOKIE_INVALID);
        return c;
    }

    /** The keys, with the automatic one renewed when {@code autokey} seconds have passed since the newest. */
    private Keys currentKeys() {
        Keys k = keys.get();
        long every = autokeySeconds;
        if (!serverEnable || every == 0 || k.keys.isEmpty()) return k;
        long period = every * SECOND;
        long periods = (tcp.scheduler.nanoTime() - k.newestAt) / period;
        if (periods <= 0) return k;
        // one key per period that passed; only the last MAX_KEYS of them can still be valid
        Keys n = k;
        for (long i = Math.max(0, periods - MAX_KEYS); i < periods; i++) {
            n = n.withKey(randomKey(), k.newestAt + (i + 1) * period);
        }
        keys.compareAndSet(k, n); // a racing reader renewed them first: take those
        return keys.get();
    }

    /** SipHash-2-4 of the address's four bytes in network order, as 8 bytes in the hash's (little-endian) order. */
    static byte[] cookieOf(long[] key, int faddr) {
        byte[] msg = {(byte) (faddr >>> 24), (byte) (faddr >>> 16), (byte) (faddr >>> 8), (byte) faddr};
        return littleEndian(SipHash.hash(key[0], key[1], msg, 0, msg.length));
    }

    private static byte[] pskCookie(long[] psk, byte[] cookie) {
        return littleEndian(SipHash.hash(psk[0], psk[1], cookie, 0, cookie.length));
    }

    private static byte[] littleEndian(long v) {
        byte[] b = new byte[8];
        for (int i = 0; i < 8; i++) b[i] = (byte) (v >>> (8 * i));
        return b;
    }

    private long[] randomKey() { return new long[] {nextLong(), nextLong()}; }

    private static long[] keyOf(String hex) {
        byte[] b;
        try {
            b = HexFormat.of().parseHex(hex);
        } catch (IllegalArgumentException notHex) {
            throw new IllegalArgumentException("a key is " + KEY_LEN + " bytes in hex: " + hex);
        }
        if (b.length != KEY_LEN) throw new IllegalArgumentException("a key is " + KEY_LEN + " bytes in hex: " + hex);
        long k0 = 0;
        long k1 = 0;
        for (int i = 7; i >= 0; i--) {
            k0 = k0 << 8 | (b[i] & 0xff);
            k1 = k1 << 8 | (b[8 + i] & 0xff);
        }
        return new long[] {k0, k1};
    }

    int numKeys() { return keys.get().keys.size(); }

    int numPsks() { return keys.get().psks.size(); }

    private void setServerEnable(boolean on) {
        if (serverEnable && !on) {
            keys.set(Keys.NONE); // enabled -> disabled: every key and pre-shared key goes
        } else if (!serverEnable && on && autokeySeconds != 0 && keys.get().keys.isEmpty()) {
            keys.set(Keys.NONE.withKey(randomKey(), tcp.scheduler.nanoTime()));
        }
        serverEnable = on;
    }

    private void setKey(long[] key) { keys.updateAndGet(k -> k.withKey(key, tcp.scheduler.nanoTime())); }

    private void setPskEnable(boolean on) {
        if (pskEnable && !on) keys.updateAndGet(k -> new Keys(k.keys, List.of(), k.newestAt));
        pskEnable = on;
    }

    // ---- client -----------------------------------------------------------------------------------------

    /**
     * tcp_fastopen_connect, for a connection with TCP_FASTOPEN about to send its SYN: the cached cookie and
     * the server's MSS when the path has them (the SYN may then carry up to one segment of data), a cookie
     * request when it has none, no Fast Open at all when the path is disabled.
     */
    void connectLocked(Tcpcb tp) {
        tp.lock.assertOwned();
        Entry e = lookup(tp);
        tp.tfoClientCookie = new byte[0];
        if (e != null && !e.disabled() && e.cookie().length > 0) {
            tp.tfoClientCookie = e.cookie().clone();
            TcpMss.setMssLocked(tp, e.serverMss() > 0 ? e.serverMss() : -1);
            tp.sndWnd = tp.maxseg;
            return;
        }
        if (e != null && e.disabled()) {
            if (tcp.scheduler.nanoTime() - e.disabledAt() > pathDisableSeconds * SECOND) {
                store(tp, new Entry(e.laddr(), e.faddr(), e.fport(), 0, new byte[0], NOT_DISABLED)); // ask again
            } else {
                tp.clear(Tcpcb.TF_FASTOPEN); // the path is disabled: an ordinary SYN
                tp.tfoClientCookie = null;
                tcp.stats.increment(TcpStat.TFO_BLACKHOLE);
            }
        }
        TcpMss.setMssLocked(tp, -1);
    }

    /**
     * The SYN-ACK of a Fast Open connection arrived (tcp_input's SYN-SENT block): a cookie of a valid length
     * is cached with the server's MSS (or the default one); otherwise the path is disabled unless the SYN's
     * data was all acknowledged (see the class comment).
     */
    void synAckReceivedLocked(Tcpcb tp, TcpOptions.Parsed to, boolean synDataAcked) {
        tp.lock.assertOwned();
        byte[] cookie = to == null ? null : to.fastOpenCookie();
        if (cookie != null && validLength(cookie.length)) {
            tcp.stats.increment(TcpStat.TFO_COOKIE_RCV);
            int mss = to.mss() >= 0 ? to.mss() : Tcp.TCP_MSS;
            store(tp, new Entry(tp.laddr, tp.faddr, tp.fport, mss, cookie.clone(), NOT_DISABLED));
        } else if (!synDataAcked) {
            if (cookie != null) tcp.stats.increment(TcpStat.TFO_COOKIE_WRONG);
            disablePathLocked(tp);
        }
    }

    /** tcp_fastopen_disable_path: the path's cookie is forgotten and it goes without Fast Open for a while. */
    void disablePathLocked(Tcpcb tp) {
        tp.lock.assertOwned();
        Entry e = lookup(tp);
        long now = tcp.scheduler.nanoTime();
        long since = e != null && e.disabled() ? e.disabledAt() : now;
        store(tp, new Entry(tp.laddr, tp.faddr, tp.fport, 0, new byte[0], since));
        tp.clear(Tcpcb.TF_FASTOPEN);
    }

    static boolean validLength(int n) { return n >= MIN_COOKIE_LEN && n <= MAX_COOKIE_LEN && (n & 1) == 0; }

    private Entry lookup(Tcpcb tp) {
        FastOpenCookieCache c = cache;
        return c == null ? null : c.lookup(tp.laddr, tp.faddr, tp.fport);
    }

    private void store(Tcpcb tp, Entry e) {
        FastOpenCookieCache c = cache;
        if (c != null) c.store(e, bucketLimit);
    }

    /** Entries in the client cookie cache (all buckets). */
    int cachedPaths() {
        FastOpenCookieCache c = cache;
        return c == null ? 0 : c.size();
    }

    private void setClientEnable(boolean on) {
        if (clientEnable && !on) cache = null; // enabled -> disabled: the cache is emptied
        else if (!clientEnable && on) cache = newCache();
        clientEnable = on;
    }

    private void setBucketLimit(int limit) {
        FastOpenCookieCache c = cache;
        if (c != null && limit < bucketLimit) c.trim(limit);
        bucketLimit = limit;
    }

    // ---- sysctls ----------------------------------------------------------------------------------------

    /** Registers {@code net.inet.tcp.fastopen.*} in {@code s}. */
    void register(Sysctl s) {
        String p = "net.inet.tcp.fastopen.";
        s.add(p + "acceptany", "accept any non-empty cookie", 0, 1, () -> acceptAny ? 1 : 0, v -> acceptAny = v != 0);
        s.add(p + "autokey", "seconds between automatic new keys; 0: none", 0, Integer.MAX_VALUE / 1000,
                () -> autokeySeconds, v -> autokeySeconds = v);
        s.add(p + "ccache_bucket_limit", "entries per client cookie cache bucket", 1, Integer.MAX_VALUE,
                () -> bucketLimit, v -> setBucketLimit((int) v));
        s.addTunable(p + "ccache_buckets", "client cookie cache buckets, a power of two (boot-time)", 1, 1 << 20,
                () -> buckets, v -> buckets = (int) v);
        s.add(p + "client_enable", "Fast Open for connections we open; 0 empties the cookie cache", 0, 1,
                () -> clientEnable ? 1 : 0, v -> setClientEnable(v != 0));
        s.addReadOnly(p + "keylen", "key length in bytes", () -> KEY_LEN);
        s.addReadOnly(p + "maxkeys", "keys valid at once", () -> MAX_KEYS);
        s.addReadOnly(p + "maxpsks", "pre-shared keys valid at once", () -> MAX_PSKS);
        s.addReadOnly(p + "numkeys", "keys installed", this::numKeys);
        s.addReadOnly(p + "numpsks", "pre-shared keys installed", this::numPsks);
        s.add(p + "path_disable_time", "seconds a failure disables Fast Open on a path", 0, Integer.MAX_VALUE,
                () -> pathDisableSeconds, v -> pathDisableSeconds = v);
        s.add(p + "psk_enable", "cookies must be made with a pre-shared key", 0, 1, () -> pskEnable ? 1 : 0,
                v -> setPskEnable(v != 0));
        s.add(p + "server_enable", "Fast Open for listeners with TCP_FASTOPEN; 0 removes every key", 0, 1,
                () -> serverEnable ? 1 : 0, v -> setServerEnable(v != 0));
        s.addString(p + "setkey", "write a new key (32 hex digits); write-only", () -> "write-only", v -> setKey(keyOf(v)));
        s.addString(p + "setpsk", "write a new pre-shared key (32 hex digits); write-only",
                () -> "write-only",
                v -> keys.updateAndGet(k -> k.withPsk(keyOf(v))));
    }
}
