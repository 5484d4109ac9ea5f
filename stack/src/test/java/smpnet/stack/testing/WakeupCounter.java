package smpnet.stack.testing;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import smpnet.locking.FreeScheduler;
import smpnet.locking.Scheduler;
import smpnet.locking.Schedulers;

/**
 * The free scheduler, counting the wake-ups ({@link #unpark}) each thread is given: every wake-up of smpnet
 * goes through the scheduling seam, so a test can tell how many threads a stack event woke. Every method of
 * {@link Scheduler} is forwarded, defaults included, so the stack behaves as under the free scheduler.
 */
public final class WakeupCounter implements Scheduler {
    private final Scheduler free = FreeScheduler.INSTANCE;
    private final Map<Thread, AtomicInteger> wakeups = new ConcurrentHashMap<>();

    /** Installs a new counter for this JVM until the returned installation is closed. */
    public static Schedulers.Installation install(WakeupCounter counter) { return Schedulers.use(counter); }

    /** Wake-ups given to {@code t} so far. */
    public int wakeupsOf(Thread t) {
        AtomicInteger n = wakeups.get(t);
        return n == null ? 0 : n.get();
    }

    @Override public long nanoTime() { return free.nanoTime(); }
    @Override public Thread startWorker(String name, int cpu, Runnable body) { return free.startWorker(name, cpu, body); }
    @Override public int currentCpu() { return free.currentCpu(); }
    @Override public int processor() { return free.processor(); }
    @Override public void park(Object blocker) { free.park(blocker); }
    @Override public void parkNanos(Object blocker, long nanos) { free.parkNanos(blocker, nanos); }
    @Override public void unpark(Thread thread) {
        wakeups.computeIfAbsent(thread, t -> new AtomicInteger()).incrementAndGet();
        free.unpark(thread);
    }
    @Override public void spinWait(int iteration) { free.spinWait(iteration); }
    @Override public Cancellable schedule(long delayNanos, Runnable task) { return free.schedule(delayNanos, task); }
    @Override public boolean isRunnable(Thread thread) { return free.isRunnable(thread); }
    @Override public int spinsBeforeBlocking() { return free.spinsBeforeBlocking(); }
    @Override public long adaptiveSpinNanos() { return free.adaptiveSpinNanos(); }
    @Override public long spinStallNanos() { return free.spinStallNanos(); }
    @Override public void schedulingPoint() { free.schedulingPoint(); }
}
