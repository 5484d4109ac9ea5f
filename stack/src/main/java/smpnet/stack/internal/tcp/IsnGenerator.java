package smpnet.stack.internal.tcp;

import java.util.random.RandomGenerator;

/** Initial sequence numbers per RFC 6528. */
public final class IsnGenerator {
    public IsnGenerator(long k0, long k1) { throw new UnsupportedOperationException(); }

    public IsnGenerator(RandomGenerator random) { this(random.nextLong(), random.nextLong()); }

    public int isn(int laddr, int lport, int faddr, int fport, long nowNanos) { throw new UnsupportedOperationException(); }
}
