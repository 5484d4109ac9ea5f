package smpnet.stack.internal.tcp;

import java.util.random.RandomGenerator;

/**
 * SYN cookies as FreeBSD 14 makes them ({@code syncookie_generate}, {@code syncookie_lookup} in
 * tcp_syncache.c): when the SYN cache is full (or net.inet.tcp.syncookies_only is set), the SYN-ACK's ISN
 * carries what the listener must remember, so the final ACK alone can open the connection.
 *
 * <pre>
 *  ISN bits  31 ........................ 8   7 6 5   4 3 2   1   0
 *            MAC (the hash's top 24 bits)  | mss   | wscale | S | P |  XOR the hash's top 8 bits
 *    mss     index into {216, 536, 1200, 1360, 1400, 1440, 1452, 1460}: the peer's MSS rounded down
 *    wscale  index into {0, 0, 1, 2, 4, 6, 7, 8}: the peer's window shift rounded down; 0 = no WSCALE
 *    S       the peer sent SACK_PERMITTED
 *    P       which of the two secrets made the MAC (odd or even lifetime)
 * </pre>
 * The MAC is SipHash-2-4 over the peer's and our address, the peer's and our port, the peer's ISN and the
 * eight cookie bits, keyed by the secret of the 15-second lifetime the cookie was made in; the 64-bit hash
 * is folded to 32. The eight cookie bits are XORed with the hash's top byte so they do not show on the
 * wire. A cookie validates during its own lifetime and the next one: FreeBSD keeps two secrets and replaces
 * the older every 15 s. Here the secret of lifetime {@code n} is derived from the host's master secret and
 * {@code n} (a SipHash of {@code n}), so no timer rotates anything and the object is immutable and
 * thread-safe.
 */
public final class SynCookies {
    /** SYNCOOKIE_LIFETIME: how long one secret makes cookies. */
    public static final long LIFETIME_NANOS = 15_000_000_000L;
    private static final int[] MSS_TABLE = {216, 536, 1200, 1360, 1400, 1440, 1452, 1460};
    private static final int[] WSCALE_TABLE = {0, 0, 1, 2, 4, 6, 7, 8};

    private final long k0;
    private final long k1;

    /**
     * What a valid cookie restores: the peer's MSS rounded down through the table, its window shift rounded
     * down (-1 if its SYN had no WSCALE), and whether it offered SACK.
     */
    public record Decoded(int mss, int wscale, boolean sackOk) {}

    /** Cookies keyed by the master secret {@code k0 || k1}. */
    public SynCookies(long k0, long k1) {
        this.k0 = k0;
        this.k1 = k1;
    }

    /** Cookies with a master secret drawn from {@code random} (the host's, seeded in deterministic runs). */
    public SynCookies(RandomGenerator random) { this(random.nextLong(), random.nextLong()); }

    /**
     * The ISN of the SYN-ACK answering a SYN from {@code faddr:fport} with ISN {@code irs} to
     * {@code laddr:lport}, offering {@code mss} (0 or less if absent), {@code wscale} (-1 if absent) and SACK.
     */
    public int generate(int laddr, int lport, int faddr, int fport, int irs, int mss, int wscale, boolean sackOk,
                        long nowNanos) {
        long lifetime = Math.floorDiv(nowNanos, LIFETIME_NANOS);
        int odd = (int) (lifetime & 1);
        int cookie = mssIndex(mss) << 5 | (wscale < 0 ? 0 : wscaleIndex(wscale)) << 2 | (sackOk ? 2 : 0) | odd;
        int hash = mac(lifetime, laddr, lport, faddr, fport, irs, cookie);
        return (hash & ~0xff) | (cookie ^ hash >>> 24);
    }

    /**
     * Checks the ACK completing a handshake: {@code irs} is its sequence number minus 1, {@code ackedIss} its
     * acknowledgment number minus 1. Returns what the cookie restores, or null if it is not one of ours
     * (forged, or older than two lifetimes).
     */
    public Decoded validate(int laddr, int lport, int faddr, int fport, int irs, int ackedIss, long nowNanos) {
        long lifetime = Math.floorDiv(nowNanos, LIFETIME_NANOS);
        int cookie = (ackedIss ^ ackedIss >>> 24) & 0xff;
        if ((cookie & 1) != (lifetime & 1)) lifetime--; // made with the other, older secret
        int hash = mac(lifetime, laddr, lport, faddr, fport, irs, cookie);
        if ((ackedIss & ~0xff) != (hash & ~0xff)) return null;
        int ws = cookie >>> 2 & 7;
        return new Decoded(MSS_TABLE[cookie >>> 5], ws == 0 ? -1 : WSCALE_TABLE[ws], (cookie & 2) != 0);
    }

    /** The MSS a cookie carries for a peer offering {@code mss}: the table entry at or below it (216 at least). */
    public static int mssRoundedDown(int mss) { return MSS_TABLE[mssIndex(mss)]; }

    private static int mssIndex(int mss) {
        int i = MSS_TABLE.length - 1;
        while (i > 0 && MSS_TABLE[i] > mss) i--;
        return i;
    }

    /** Index 0 means "no WSCALE", so a shift of 0 maps to 1. */
    private static int wscaleIndex(int wscale) {
        int i = WSCALE_TABLE.length - 1;
        while (i > 1 && WSCALE_TABLE[i] > wscale) i--;
        return i;
    }

    private int mac(long lifetime, int laddr, int lport, int faddr, int fport, int irs, int cookie) {
        long s0 = SipHash.hash(k0, k1, lifetime, 0);
        long s1 = SipHash.hash(k0, k1, lifetime, 1);
        long addrs = (faddr & 0xffff_ffffL) | (long) laddr << 32;
        long portsIrs = (fport & 0xffff) | (lport & 0xffffL) << 16 | (long) irs << 32;
        long h = SipHash.hash(s0, s1, addrs, portsIrs, cookie, 1);
        return (int) (h ^ h >>> 32);
    }
}
