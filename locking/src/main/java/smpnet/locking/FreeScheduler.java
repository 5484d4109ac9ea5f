package smpnet.locking;

import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The free-running scheduler: real platform threads, LockSupport parking, System.nanoTime(), and a timer
 * thread ("callout") for {@link #schedule}.
 */
public final class FreeScheduler implements Scheduler {
    public static final FreeScheduler INSTANCE = new FreeScheduler();

    private static final ThreadLocal<Integer> CPU = new ThreadLocal<>();
    private final ScheduledThreadPoolExecutor timers;

    private FreeScheduler() {
        timers = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "callout");
            t.setDaemon(true);
            return t;
        });
        timers.setRemoveOnCancelPolicy(true);
    }

    @Override public long nanoTime() { return System.nanoTime(); }

    @Override
    public Thread startWorker(String name, int cpu, Runnable body) {
        Thread t = new Thread(() -> {
            CPU.set(cpu);
            body.run();
        }, name);
        t.setDaemon(true);
        t.start();
        return t;
    }

    @Override
    public int currentCpu() {
        Integer c = CPU.get();
        if (c != null) return c;
        long id = Thread.currentThread().threadId();
        return (int) ((id * 0x9E3779B97F4A7C15L) >>> 33);
    }

    @Override public void park(Object blocker) { LockSupport.park(blocker); }
    @Override public void parkNanos(Object blocker, long nanos) { LockSupport.parkNanos(blocker, nanos); }
    @Override public void unpark(Thread thread) { LockSupport.unpark(thread); }

    /** About as long as a park/unpark round trip costs on a loaded machine, no longer. */
    @Override
    public int spinsBeforeBlocking() { return 100; }

    @Override
    public void spinWait(int iteration) {
        if (iteration < 64) Thread.onSpinWait(); else Thread.yield();
    }

    @Override
    public Cancellable schedule(long delayNanos, Runnable task) {
        ScheduledFuture<?> f = timers.schedule(task, delayNanos, TimeUnit.NANOSECONDS);
        return () -> f.cancel(false);
    }
}
