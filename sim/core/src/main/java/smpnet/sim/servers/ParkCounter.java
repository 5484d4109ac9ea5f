package smpnet.sim.servers;

import java.util.concurrent.atomic.LongAdder;
import smpnet.locking.FreeScheduler;
import smpnet.locking.Scheduler;

/**
 * The free-running scheduler, counting the parks (blocking waits: a thread gives up its CPU until woken or
 * timed out) of the threads marked as the server's, and the wake-ups they give other threads. Every wait of smpnet goes through the scheduling seam,
 * so this counts each time a server thread blocked in a socket call or a lock, for platform and virtual
 * threads alike; the operating system's count of context switches cannot see a virtual thread's.
 *
 * <p>Every method of {@link Scheduler} is forwarded, defaults included: a default left in place would change
 * how the measured stack behaves (the stall budget of adaptive spinning, say, would become "none", and a
 * spinner would spin for the whole ceiling on a preempted owner). {@code ParkCounterTest} checks it.
 */
final class ParkCounter implements Scheduler {
    /**
     * The calling thread's tally if it is one of the server's (its accept loop, pool, event loop or connection
     * threads), else null.
     */
    private static final ThreadLocal<SchedulerCpu> SERVER = new ThreadLocal<>();

    private final Scheduler free = FreeScheduler.INSTANCE;
    private final LongAdder parks = new LongAdder();
    private final LongAdder unparks = new LongAdder();

    /** Counts the calling thread's parks from now on. */
    static void markServerThread() {
        if (SERVER.get() == null) SERVER.set(new SchedulerCpu(false));
    }

    /**
     * Counts the calling thread's parks from now on, and measures its CPU time in the seam's parks and wake-ups
     * ({@link SchedulerCpu}); the tally is the calling thread's to read.
     */
    static SchedulerCpu measureServerThread() {
        SchedulerCpu t = new SchedulerCpu(true);
        SERVER.set(t);
        return t;
    }

    /** Parks of server threads so far. */
    long parks() { return parks.sum(); }

    /** Threads woken by server threads so far (a wake-up of a thread that was not parked counts too). */
    long unparks() { return unparks.sum(); }

    /**
     * Counts a park of a server thread; the CPU clock before it where its tally samples this one, else -1 (and
     * for a thread not the server's).
     */
    private long beforePark() {
        SchedulerCpu t = SERVER.get();
        if (t == null) return -1;
        parks.increment();
        return t.sampleWait();
    }

    /** Ends a park that {@link #beforePark} sampled at {@code t0}. */
    private static void afterPark(long t0) {
        if (t0 >= 0) SERVER.get().endWait(t0);
    }

    @Override public long nanoTime() { return free.nanoTime(); }
    @Override public Thread startWorker(String name, int cpu, Runnable body) { return free.startWorker(name, cpu, body); }
    @Override public int currentCpu() { return free.currentCpu(); }
    @Override public int processor() { return free.processor(); }
    @Override public void park(Object blocker) {
        long t0 = beforePark();
        free.park(blocker);
        afterPark(t0);
    }
    @Override public void parkNanos(Object blocker, long nanos) {
        long t0 = beforePark();
        free.parkNanos(blocker, nanos);
        afterPark(t0);
    }
    @Override public void unpark(Thread thread) {
        SchedulerCpu t = SERVER.get();
        if (t == null) {
            free.unpark(thread);
            return;
        }
        unparks.increment();
        long t0 = t.sampleWake();
        free.unpark(thread);
        t.endWake(t0);
    }
    @Override public void spinWait(int iteration) { free.spinWait(iteration); }
    @Override public Cancellable schedule(long delayNanos, Runnable task) { return free.schedule(delayNanos, task); }
    @Override public int spinsBeforeBlocking() { return free.spinsBeforeBlocking(); }
    @Override public long adaptiveSpinNanos() { return free.adaptiveSpinNanos(); }
    @Override public long spinStallNanos() { return free.spinStallNanos(); }
    @Override public boolean isRunnable(Thread thread) { return free.isRunnable(thread); }
    @Override public void schedulingPoint() { free.schedulingPoint(); }
}
