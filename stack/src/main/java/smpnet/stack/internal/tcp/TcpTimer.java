package smpnet.stack.internal.tcp;

import smpnet.locking.GuardedBy;
import smpnet.locking.Scheduler;

/**
 * One timer of a connection, a callout initialised with the connection's lock (FreeBSD's
 * {@code callout_init_mtx(&tp->t_timers[i], &inp->inp_lock)}): armed and stopped only under the pcb lock,
 * its handler runs under the pcb lock, inside the host's entry point (Giant in the giant modes, taken before
 * the pcb lock as the order wants).
 *
 * <p>The race "timer fires while the connection is being closed" is closed by a generation number: every
 * {@link #reset} and {@link #stop} bumps it under the pcb lock, and a firing compares it after taking the
 * lock. So once {@code stop()} has returned under the lock, the handler cannot run for any earlier arming,
 * even if the scheduler's task is already on its way to the lock (callout_stop's guarantee for
 * lock-initialised callouts).
 *
 * <p>Locking key: every field is guarded by the connection's {@code inp} lock. Thread hand-off: the
 * scheduler's timer thread (the callout thread) runs {@link #fire}; its other end is {@link #reset}.
 */
final class TcpTimer {
    private final Tcpcb tp;
    private final Runnable handler;
    private final String name;
    @GuardedBy("inp") private long generation;
    @GuardedBy("inp") private boolean pending;
    @GuardedBy("inp") private long dueNanos;
    @GuardedBy("inp") private Scheduler.Cancellable task;

    TcpTimer(Tcpcb tp, String name, Runnable handler) {
        this.tp = tp;
        this.name = name;
        this.handler = handler;
    }

    /** Arms (or re-arms) the timer to fire in {@code delayNanos}. */
    void reset(long delayNanos) {
        tp.lock.assertOwned();
        cancelTask();
        long g = ++generation;
        pending = true;
        Scheduler sched = tp.tcp.scheduler;
        dueNanos = sched.nanoTime() + delayNanos;
        tp.tcp.timersArmed.incrementAndGet();
        task = sched.schedule(Math.max(0, delayNanos), () -> fire(g));
    }

    /** Disarms the timer; true if it was pending. Afterwards the handler will not run for an earlier arming. */
    boolean stop() {
        tp.lock.assertOwned();
        boolean was = pending;
        generation++;
        pending = false;
        cancelTask();
        return was;
    }

    boolean pending() {
        tp.lock.assertOwned();
        return pending;
    }

    /** When the timer fires (scheduler nanos), meaningful while pending. */
    long dueNanos() {
        tp.lock.assertOwned();
        return dueNanos;
    }

    private void cancelTask() {
        if (task != null) {
            if (task.cancel()) tp.tcp.timersArmed.decrementAndGet();
            task = null;
        }
    }

    /** Runs on the callout thread: the entry point, the pcb lock, then the handler if still armed by {@code g}. */
    private void fire(long g) {
        tp.tcp.timersArmed.decrementAndGet();
        tp.tcp.locks.enterEntryPoint();
        try {
            tp.lock.lock();
            try {
                if (g != generation || !pending) return; // stopped or re-armed after this task was queued
                pending = false;
                task = null;
                handler.run();
            } finally {
                tp.lock.unlock();
            }
        } finally {
            tp.tcp.locks.leaveEntryPoint();
        }
    }

    @Override public String toString() { return name + (pending ? " pending" : " idle"); }
}
