package smpnet.stack.testing;

import smpnet.locking.FreeScheduler;
import smpnet.locking.Scheduler;
import smpnet.locking.Schedulers;

/**
 * The free scheduler, except that per-CPU data follows each thread's simulated CPU ({@link #processor()}
 * is {@link #currentCpu()}) rather than the processor the system runs it on, or one fixed processor
 * ({@link #onProcessor}): for tests that check which CPU's cache or counter an operation touched, whichever
 * core the test happens to run on.
 */
public final class SimulatedCpus implements Scheduler {
    private final Scheduler free = FreeScheduler.INSTANCE;
    /** The processor every thread reports, or -1 for each thread's simulated CPU. */
    private final int processor;

    private SimulatedCpus(int processor) { this.processor = processor; }

    /** Installs it for this JVM until the returned installation is closed. */
    public static Schedulers.Installation install() { return Schedulers.use(new SimulatedCpus(-1)); }

    /** A scheduler whose every thread reports processor {@code p}, whatever its simulated CPU (not installed). */
    public static Scheduler onProcessor(int p) { return new SimulatedCpus(p); }

    @Override public long nanoTime() { return free.nanoTime(); }
    @Override public Thread startWorker(String name, int cpu, Runnable body) { return free.startWorker(name, cpu, body); }
    @Override public int currentCpu() { return free.currentCpu(); }
    @Override public int processor() { return processor >= 0 ? processor : free.currentCpu(); }
    @Override public void park(Object blocker) { free.park(blocker); }
    @Override public void parkNanos(Object blocker, long nanos) { free.parkNanos(blocker, nanos); }
    @Override public void unpark(Thread thread) { free.unpark(thread); }
    @Override public void spinWait(int iteration) { free.spinWait(iteration); }
    @Override public Cancellable schedule(long delayNanos, Runnable task) { return free.schedule(delayNanos, task); }
    @Override public boolean isRunnable(Thread thread) { return free.isRunnable(thread); }
    @Override public int spinsBeforeBlocking() { return free.spinsBeforeBlocking(); }
    @Override public long adaptiveSpinNanos() { return free.adaptiveSpinNanos(); }
}
