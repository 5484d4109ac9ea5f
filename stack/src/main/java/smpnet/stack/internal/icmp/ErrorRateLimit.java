package smpnet.stack.internal.icmp;

import java.util.concurrent.atomic.AtomicLong;
import smpnet.locking.Scheduler;

/**
 * The rate limit on ICMP errors a host sends (RFC 1812 4.3.2.8; FreeBSD's net.inet.icmp.icmplim, 200 a
 * second), and on the RSTs TCP sends to closed ports (FreeBSD's badport_bandlim, which limits each kind of
 * response by icmplim on its own): a flood of bad packets must not become a flood of replies. A GCRA token
 * bucket over the host's clock; lock-free, because replies are sent from every netisr worker at once.
 */
public final class ErrorRateLimit {
    private final Scheduler clock;
    private final long interval;
    private final long tolerance;
    /** Theoretical arrival time of the next conforming error (GCRA): the only state, advanced by CAS. */
    private final AtomicLong tat = new AtomicLong(Long.MIN_VALUE);

    /** Default icmplim: replies of one kind per second (and burst) a host sends at most. */
    public static final int ICMPLIM = 200;

    public ErrorRateLimit(Scheduler clock, int perSecond, int burst) {
        this.clock = clock;
        this.interval = 1_000_000_000L / perSecond;
        this.tolerance = interval * (burst - 1);
    }

    /** True if one more error may be sent now (and counts it). */
    public boolean tryAcquire() {
        long now = clock.nanoTime();
        while (true) {
            long t = tat.get();
            long start = t == Long.MIN_VALUE || t < now ? now : t;
            if (start - now > tolerance) return false;
            if (tat.compareAndSet(t, start + interval)) return true;
        }
    }
}
