package smpnet.stack.internal.tcp;

import smpnet.locking.ExclusiveLock;
import smpnet.locking.Scheduler;

/** One host's callout wheel (FreeBSD's callout(9)). */
public final class CalloutWheel {
    public static final long DEFAULT_TICK_NANOS = 1_000_000L;
    public static final int DEFAULT_BUCKETS = 512;

    public CalloutWheel(Scheduler scheduler, ExclusiveLock wheelLock) { this(scheduler, wheelLock, DEFAULT_TICK_NANOS, DEFAULT_BUCKETS); }

    public CalloutWheel(Scheduler scheduler, ExclusiveLock wheelLock, long tickNanos, int buckets) {
        throw new UnsupportedOperationException();
    }

    public Scheduler scheduler() { throw new UnsupportedOperationException(); }

    public long nanoTime() { throw new UnsupportedOperationException(); }

    public long tickNanos() { throw new UnsupportedOperationException(); }

    public int pendingCount() { throw new UnsupportedOperationException(); }

    public void softclock() { throw new UnsupportedOperationException(); }

    public int drain() { throw new UnsupportedOperationException(); }
}
