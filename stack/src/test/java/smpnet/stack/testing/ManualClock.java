package smpnet.stack.testing;

import java.util.ArrayList;
import java.util.List;
import smpnet.locking.FreeScheduler;
import smpnet.locking.Scheduler;

/**
 * A scheduler for protocol tests whose clock and timers move only when the test says so: threads, parking
 * and CPUs are the free scheduler's, but {@link #nanoTime()} is virtual and timers fire in
 * {@link #advance}, in the calling thread. Give it to a host with {@code StackConfig.withScheduler}.
 */
public final class ManualClock implements Scheduler {
    private final Scheduler threads = FreeScheduler.INSTANCE;
    private long now;
    private final List<Timer> timers = new ArrayList<>();

    private final class Timer implements Cancellable {
        final long due;
        final Runnable task;
        boolean done;

        Timer(long due, Runnable task) {
            this.due = due;
            this.task = task;
        }

        @Override
        public boolean cancel() {
            synchronized (ManualClock.this) {
                if (done) return false;
                done = true;
                timers.remove(this);
                return true;
            }
        }
    }

    /** A clock reading 1 s. */
    public ManualClock() { this(1_000_000_000L); }

    /** A clock reading {@code startNanos} (negative too, as System.nanoTime may be). */
    public ManualClock(long startNanos) { this.now = startNanos; }

    @Override public synchronized long nanoTime() { return now; }

    /** Moves the clock forward by {@code nanos}, running every timer that falls due, in due order. */
    public void advance(long nanos) {
        long target;
        synchronized (this) {
            target = now + nanos;
        }
        while (true) {
            Timer next = null;
            synchronized (this) {
                for (Timer t : timers) if (t.due <= target && (next == null || t.due < next.due)) next = t;
                if (next == null) {
                    now = target;
                    return;
                }
                timers.remove(next);
                next.done = true;
                now = Math.max(now, next.due);
            }
            next.task.run();
        }
    }

    /** Timers armed and not yet run or cancelled. */
    public synchronized int pendingTimers() { return timers.size(); }

    @Override
    public synchronized Cancellable schedule(long delayNanos, Runnable task) {
        Timer t = new Timer(now + delayNanos, task);
        timers.add(t);
        return t;
    }

    @Override public Thread startWorker(String name, int cpu, Runnable body) { return threads.startWorker(name, cpu, body); }

    @Override public int currentCpu() { return threads.currentCpu(); }

    @Override public void park(Object blocker) { threads.park(blocker); }

    @Override public void parkNanos(Object blocker, long nanos) { threads.parkNanos(blocker, nanos); }

    @Override public void unpark(Thread thread) { threads.unpark(thread); }

    @Override public void spinWait(int iteration) { threads.spinWait(iteration); }
}
