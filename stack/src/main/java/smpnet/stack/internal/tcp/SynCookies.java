package smpnet.stack.internal.tcp;

import java.util.random.RandomGenerator;

/** SYN cookies as FreeBSD 14 makes them. */
public final class SynCookies {
    public static final long LIFETIME_NANOS = 15_000_000_000L;

    public record Decoded(int mss, int wscale, boolean sackOk) {}

    public SynCookies(long k0, long k1) { throw new UnsupportedOperationException(); }

    public SynCookies(RandomGenerator random) { this(random.nextLong(), random.nextLong()); }

    public int generate(int laddr, int lport, int faddr, int fport, int irs, int mss, int wscale, boolean sackOk,
                        long nowNanos) {
        throw new UnsupportedOperationException();
    }

    public Decoded validate(int laddr, int lport, int faddr, int fport, int irs, int ackedIss, long nowNanos) {
        throw new UnsupportedOperationException();
    }

    public static int mssRoundedDown(int mss) { throw new UnsupportedOperationException(); }
}
