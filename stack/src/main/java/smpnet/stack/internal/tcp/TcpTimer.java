package smpnet.stack.internal.tcp;

import smpnet.locking.GuardedBy;

/**
 * A connection's five timers on one callout (FreeBSD 14's {@code tcp_timer.c}: {@code t_timers[TT_N]} and a
 * single {@code t_callout}): delayed ACK, retransmit, persist, keepalive (and the connection-establishment
 * timeout), and 2MSL (TIME_WAIT and the FIN_WAIT_2 limit). Each timer is a due time; the callout, on the
 * host's wheel and created with the connection's lock ({@code callout_init_mtx(&tp->t_callout, &inp->inp_lock)}),
 * is due at the earliest of them. One callout rather than five keeps a connection's timer state in one object:
 * at 100,000 connections each timer's callout was one more cold object for the request that armed or stopped it.
 *
 * <p>Arming ({@link #arm}, {@code tcp_timer_activate}) sets the timer's due time, and moves the callout when
 * that is now the earliest. Disarming ({@link #disarm}) only clears the due time: the callout, due at or
 * before every armed timer still, is moved later when the lock is released ({@link #reconcile}, called by
 * {@code Tcp.unlock}), so that a request that stops one timer and arms another moves the callout once, not
 * twice. A path that releases the lock some other way leaves the callout early: it fires, finds nothing due,
 * and moves itself. {@link #disarmAll} ({@code tcp_timer_stop}) stops the callout at once.
 *
 * <p>The handler ({@link #run}, {@code tcp_timer_enter}) runs in the entry point (Giant first in the giant
 * modes, which the wheel enters before it takes the pcb lock, as the lock order wants), then under the pcb
 * lock; it runs, in order of due time (ties in the order above, FreeBSD's), each timer due by now, clearing
 * its due time first, until none is due or the connection was dropped; then it moves the callout to the next
 * due time and leaves through {@code Tcp.unlock}, which sends what waited for the lock.
 *
 * <p>The race "timer fires while the connection is being closed" is closed twice: a timer disarmed under the
 * pcb lock has no due time, so a handler that had already fired and waited for the lock does not run it; and
 * {@link #disarmAll} stops the callout, whose generation then cancels such a handler altogether (callout_stop's
 * guarantee for lock-initialised callouts). "Armed" is FreeBSD's {@code tcp_timer_active}: set by {@link #arm},
 * cleared by {@link #disarm} and by the handler just before that timer's work.
 *
 * <p>Locking key: the due times and {@code running} are guarded by the pcb lock ({@code inp}); the callout's
 * own state is the wheel's ({@code callout} lock, a leaf, taken inside {@code inp}). Thread hand-off: the wheel's
 * softclock (the scheduler's timer thread) runs {@link #run}; its other end is {@link #arm}.
 */
final class TcpTimer extends Callout implements Runnable {
    /** The timers, in FreeBSD's order (tt_which), which breaks ties between timers due at the same time. */
    static final int DELACK = 0, REXMT = 1, PERSIST = 2, KEEP = 3, TWO_MSL = 4;
    static final int COUNT = 5;
    private static final String[] NAMES = {"delack", "rexmt", "persist", "keep", "2msl"};
    /** The due time of a timer not armed (FreeBSD's SBT_MAX). */
    static final long OFF = Long.MAX_VALUE;

    /** What a timer does when it fires (FreeBSD's tcp_timersw); tests observe the handler through it. */
    interface Work {
        void run(Tcpcb tp, int which);
    }

    /** The timers' own work: TcpTimers' handlers. */
    static final Work HANDLERS = (tp, which) -> {
        switch (which) {
            case DELACK -> TcpTimers.delack(tp);
            case REXMT -> TcpTimers.rexmt(tp);
            case PERSIST -> TcpTimers.persist(tp);
            case KEEP -> TcpTimers.keep(tp);
            default -> TcpTimers.twoMsl(tp);
        }
    };

    private final Tcpcb tp;
    @GuardedBy("inp") private Work work = HANDLERS;
    /** Each timer's due time, or {@link #OFF}. */
    @GuardedBy("inp") private long delack = OFF, rexmt = OFF, persist = OFF, keep = OFF, twoMsl = OFF;
    /** The handler is running: arming leaves the callout to the handler's own reconcile at its end. */
    @GuardedBy("inp") private boolean running;

    TcpTimer(Tcpcb tp) {
        // The handler leaves through Tcp.unlock, which sends what waited for the lock (segments to this host).
        super(tp, tp.tcp.callouts, tp.lock, true);
        this.tp = tp;
    }

    /** Replaces the timers' work (tests watch the handler with it); the caller holds the pcb lock. */
    void work(Work w) {
        tp.lock.assertOwned();
        this.work = w;
    }

    /** The scheduler's nanosecond at which timer {@code which} fires, or {@link #OFF}. */
    long due(int which) {
        tp.lock.assertOwned();
        return get(which);
    }

    /** Armed and its work not yet started (tcp_timer_active). */
    boolean armed(int which) {
        tp.lock.assertOwned();
        return get(which) != OFF;
    }

    /** Arms (or re-arms) timer {@code which} to fire in {@code delayNanos} (tcp_timer_activate). */
    void arm(int which, long delayNanos) {
        tp.lock.assertOwned();
        long now = tp.tcp.scheduler.nanoTime();
        long at = now + Math.min(Math.max(0, delayNanos), Long.MAX_VALUE / 2 - Math.max(0, now)); // no overflow
        set(which, at);
        // The callout is due at or before every other armed timer (or is running them now): it moves only if this
        // one comes sooner, or if nothing kept it on the wheel.
        if (!running && (!active() || at < dueNanos())) resetAt(at, this);
    }

    /** Disarms timer {@code which}; true if it was armed. Its work will not run for an earlier arming. */
    boolean disarm(int which) {
        tp.lock.assertOwned();
        boolean was = get(which) != OFF;
        set(which, OFF);
        return was;
    }

    /** Disarms every timer and stops the callout (tcp_timer_stop, called by tcp_discardcb). */
    void disarmAll() {
        tp.lock.assertOwned();
        delack = rexmt = persist = keep = twoMsl = OFF;
        if (active()) stop();
    }

    /**
     * Moves the callout to the earliest armed timer, or stops it when none is armed: what disarming left early.
     * Called with the pcb lock held, just before it is released; does nothing while the handler runs (it calls
     * this itself at its end).
     */
    void reconcile() {
        if (running) return;
        long next = earliest();
        if (next == OFF) {
            if (active()) stop();
        } else if (!active() || dueNanos() != next) {
            resetAt(next, this);
        }
    }

    /** Timers armed now (read without the lock, for a resource count; possibly stale). */
    int armedCountUnlocked() {
        return (delack != OFF ? 1 : 0) + (rexmt != OFF ? 1 : 0) + (persist != OFF ? 1 : 0) + (keep != OFF ? 1 : 0)
                + (twoMsl != OFF ? 1 : 0);
    }

    /** Loads the timers' object (a cache hint, see {@link Tcpcb#touch}). */
    long touch() { return rexmt + delack; }

    /** The callout's handler: entered with the entry point and the pcb lock held; leaves the lock released. */
    @Override
    public void run() {
        try {
            tp.lock.assertOwned();
            running = true;
            long now = tp.tcp.scheduler.nanoTime();
            while (!tp.dropped) {
                int which = firstDue(now);
                if (which < 0) break;
                set(which, OFF); // tcp_timer_enter clears it before the work, which may arm it again
                work.run(tp, which);
            }
        } finally {
            running = false;
            tp.tcp.unlock(tp); // reconciles: the callout goes to the next due time, or stops
        }
    }

    /** The armed timer due first, if due by {@code now}; ties go to the lower index; -1 if none is due. */
    private int firstDue(long now) {
        int which = -1;
        long best = now;
        for (int i = 0; i < COUNT; i++) {
            long d = get(i);
            if (d <= best && (which < 0 || d < best)) {
                which = i;
                best = d;
            }
        }
        return which;
    }

    private long earliest() {
        return Math.min(Math.min(Math.min(delack, rexmt), Math.min(persist, keep)), twoMsl);
    }

    private long get(int which) {
        return switch (which) {
            case DELACK -> delack;
            case REXMT -> rexmt;
            case PERSIST -> persist;
            case KEEP -> keep;
            case TWO_MSL -> twoMsl;
            default -> throw new IllegalArgumentException("no TCP timer " + which);
        };
    }

    private void set(int which, long at) {
        switch (which) {
            case DELACK -> delack = at;
            case REXMT -> rexmt = at;
            case PERSIST -> persist = at;
            case KEEP -> keep = at;
            case TWO_MSL -> twoMsl = at;
            default -> throw new IllegalArgumentException("no TCP timer " + which);
        }
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder("timers");
        for (int i = 0; i < COUNT; i++) {
            long d = get(i);
            if (d != OFF) b.append(' ').append(NAMES[i]).append('@').append(d);
        }
        return b.toString();
    }
}
