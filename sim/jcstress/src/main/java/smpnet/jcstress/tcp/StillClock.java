package smpnet.jcstress.tcp;

import smpnet.locking.FreeScheduler;
import smpnet.locking.Scheduler;

/**
 * A clock standing at 0 whose timers never fire: in these tests the softclock actor is the only one to run
 * callouts. Threads, parking and spinning are the free scheduler's.
 */
public final class StillClock implements Scheduler {
    public static final Scheduler INSTANCE = new StillClock();

    private final Scheduler threads = FreeScheduler.INSTANCE;

    private StillClock() {}

    @Override public long nanoTime() { return 0; }

    @Override public Thread startWorker(String name, int cpu, Runnable body) { return threads.startWorker(name, cpu, body); }

    @Override public int currentCpu() { return 0; }

    @Override public void park(Object blocker) { threads.park(blocker); }

    @Override public void parkNanos(Object blocker, long nanos) { threads.parkNanos(blocker, nanos); }

    @Override public void unpark(Thread thread) { threads.unpark(thread); }

    @Override public void spinWait(int iteration) { threads.spinWait(iteration); }

    @Override public Cancellable schedule(long delayNanos, Runnable task) { return () -> true; }
}
