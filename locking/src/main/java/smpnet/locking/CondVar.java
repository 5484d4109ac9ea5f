package smpnet.locking;

import java.util.concurrent.TimeUnit;

/**
 * A condition variable (condvar(9)) used with a Mutex, an SxLock held exclusive, or Giant (which a wait
 * drops completely). PLACEHOLDER implementation, to be replaced.
 */
public final class CondVar {
    private final String name;
    private final Object monitor = new Object();
    private long generation;

    public CondVar(String name) { this.name = name; }

    public String name() { return name; }

    /** Releases {@code lock}, waits for a signal, retakes it. */
    public void await(ExclusiveLock lock) { awaitNanos(lock, Long.MAX_VALUE); }

    /** As {@link #await}; returns false on timeout. */
    public boolean awaitNanos(ExclusiveLock lock, long nanos) {
        long gen;
        synchronized (monitor) { gen = generation; }
        int depth = lock instanceof Giant g ? g.releaseAll() : release(lock);
        boolean signalled = true;
        try {
            synchronized (monitor) {
                long deadline = nanos == Long.MAX_VALUE ? Long.MAX_VALUE : System.nanoTime() + nanos;
                while (generation == gen) {
                    long left = deadline == Long.MAX_VALUE ? 0 : deadline - System.nanoTime();
                    if (deadline != Long.MAX_VALUE && left <= 0) { signalled = false; break; }
                    monitor.wait(deadline == Long.MAX_VALUE ? 0 : TimeUnit.NANOSECONDS.toMillis(left) + 1);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            if (lock instanceof Giant g) g.reacquire(depth); else lock.lock();
        }
        return signalled;
    }

    private static int release(ExclusiveLock lock) { lock.unlock(); return 1; }

    public void signal() { synchronized (monitor) { generation++; monitor.notify(); } }

    public void broadcast() { synchronized (monitor) { generation++; monitor.notifyAll(); } }
}
