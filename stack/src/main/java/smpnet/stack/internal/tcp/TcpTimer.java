package smpnet.stack.internal.tcp;

/**
 * One timer of a connection: a {@link Callout} on the host's wheel created with the connection's lock
 * (FreeBSD's {@code callout_init_mtx(&tp->t_timers[i], &inp->inp_lock)}). It is armed and stopped only under
 * the pcb lock; its handler runs in the entry point (Giant first in the giant modes, which the wheel enters
 * before it takes the pcb lock, as the lock order wants), then under the pcb lock.
 *
 * <p>The race "timer fires while the connection is being closed" is the callout's to close: once
 * {@link #stop} has returned under the pcb lock, the handler does not run for any earlier arming, even if
 * the softclock had already taken it off the wheel and was waiting for the lock (callout_stop's guarantee
 * for lock-initialised callouts). "Pending" here is callout(9)'s <em>active</em>, as FreeBSD's
 * {@code tcp_timer_active}: set by {@link #reset}, cleared by {@link #stop} and by the handler's first step
 * ({@code callout_deactivate}), so a timer that fired and waits for the lock still counts as armed.
 *
 * <p>Locking key: the callout's state is the wheel's ({@code callout} lock, a leaf, taken inside
 * {@code inp}); what this class adds is final. Thread hand-off: the wheel's softclock (the scheduler's
 * timer thread) runs {@link #run}; its other end is {@link #reset}.
 */
final class TcpTimer implements Runnable {
    private final Tcpcb tp;
    private final Runnable handler;
    private final String name;
    private final Callout callout;

    TcpTimer(Tcpcb tp, String name, Runnable handler) {
        this.tp = tp;
        this.name = name;
        this.handler = handler;
        // The handler leaves through Tcp.unlock, which sends what waited for the lock (segments to this host).
        this.callout = new Callout(tp.tcp.callouts, tp.lock, true);
    }

    /** Loads the timer's callout (a cache hint, see {@link Tcpcb#touch}). */
    long touch() { return callout.dueNanos(); }

    /** Arms (or re-arms) the timer to fire in {@code delayNanos}. */
    void reset(long delayNanos) {
        tp.lock.assertOwned();
        callout.reset(delayNanos, this);
    }

    /** Disarms the timer; true if it was armed. Afterwards the handler will not run for an earlier arming. */
    boolean stop() {
        tp.lock.assertOwned();
        boolean was = callout.active();
        callout.stop();
        return was;
    }

    /** Armed and its handler not yet started (tcp_timer_active). */
    boolean pending() {
        tp.lock.assertOwned();
        return callout.active();
    }

    /** When the timer fires (scheduler nanos), meaningful while pending. */
    long dueNanos() {
        tp.lock.assertOwned();
        return callout.dueNanos();
    }

    /** The callout's handler: entered with the entry point and the pcb lock held; leaves the lock released. */
    @Override
    public void run() {
        try {
            tp.lock.assertOwned();
            callout.deactivate();
            handler.run();
        } finally {
            tp.tcp.unlock(tp);
        }
    }

    @Override public String toString() { return name + (callout.active() ? " pending" : " idle"); }
}
