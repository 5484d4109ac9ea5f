package smpnet.stack.internal.tcp;

import smpnet.locking.ExclusiveLock;

/** One timer (FreeBSD's struct callout, initialised with callout_init_mtx). */
public final class Callout {
    public Callout(CalloutWheel wheel, ExclusiveLock lock) { throw new UnsupportedOperationException(); }

    public ExclusiveLock lock() { throw new UnsupportedOperationException(); }

    public boolean reset(long delayNanos, Runnable fn) { throw new UnsupportedOperationException(); }

    public boolean stop() { throw new UnsupportedOperationException(); }

    public boolean drain() { throw new UnsupportedOperationException(); }

    public boolean pending() { throw new UnsupportedOperationException(); }

    public boolean active() { throw new UnsupportedOperationException(); }

    public void deactivate() { throw new UnsupportedOperationException(); }

    public long dueNanos() { throw new UnsupportedOperationException(); }
}
