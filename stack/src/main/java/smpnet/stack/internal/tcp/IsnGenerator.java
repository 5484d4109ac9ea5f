package smpnet.stack.internal.tcp;

import java.util.random.RandomGenerator;

/**
 * Initial sequence numbers per RFC 6528: ISN = M + F(localip, localport, remoteip, remoteport, secretkey),
 * with M a clock ticking every 4 microseconds and F SipHash-2-4 keyed by a 128-bit secret chosen once per
 * host. An off-path attacker cannot predict another connection's ISN, yet a new incarnation of the same
 * four-tuple starts above the old one's (the clock moves on), as RFC 9293 3.4.1 wants. The clock is the
 * caller's {@code nowNanos}, the scheduler's, so deterministic runs give the same ISNs from the same seed.
 *
 * <p>Immutable and thread-safe.
 */
public final class IsnGenerator {
    /** RFC 6528's clock: one tick each 4 microseconds. */
    public static final long TICK_NANOS = 4_000;

    private final long k0;
    private final long k1;

    /** A generator keyed by the secret {@code k0 || k1}. */
    public IsnGenerator(long k0, long k1) {
        this.k0 = k0;
        this.k1 = k1;
    }

    /** A generator with a secret drawn from {@code random} (the host's, seeded in deterministic runs). */
    public IsnGenerator(RandomGenerator random) { this(random.nextLong(), random.nextLong()); }

    /** The ISN of a connection from {@code laddr:lport} to {@code faddr:fport} opened at {@code nowNanos}. */
    public int isn(int laddr, int lport, int faddr, int fport, long nowNanos) {
        long addrs = (laddr & 0xffff_ffffL) | (long) faddr << 32;
        long ports = (lport & 0xffff) | (fport & 0xffffL) << 16;
        long f = SipHash.hash(k0, k1, addrs, ports);
        return (int) (f ^ f >>> 32) + (int) (nowNanos / TICK_NANOS);
    }
}
