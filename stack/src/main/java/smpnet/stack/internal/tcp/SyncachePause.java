package smpnet.stack.internal.tcp;

import java.util.concurrent.atomic.AtomicReference;

/**
 * The SYN cache's pause (FreeBSD's {@code syncache_pause}): when a bucket overflows with SYN cookies on, the
 * whole cache is bypassed for 16 s (SYNs get cookies, ACKs are checked as cookies), twice as long, up to 2^6
 * times, when the attack is renewed within the last pause's length after that pause ended.
 *
 * <p>Locking key: every bucket of the cache may overflow, each under its own {@code syncache} lock, so the
 * pause is one immutable record replaced by compare-and-set (FreeBSD takes {@code pause_mtx} instead). An
 * overflow that loses the race retries against the record that won: exactly one overflow starts each pause,
 * and the backoff grows once per pause.
 */
final class SyncachePause {
    /** TCP_SYNCACHE_PAUSE_TIME: seconds of the first pause. */
    static final long PAUSE_SECONDS = 16;
    /** TCP_SYNCACHE_MAX_BACKOFF: the pause doubles at most this many times. */
    static final int MAX_BACKOFF = 6;

    /** A pause: the cache is bypassed until the uptime second {@code until}; {@code backoff} doublings so far. */
    record State(long until, int backoff) {}

    /** Never paused: a pause that ended in the far past. */
    static final State NEVER = new State(Long.MIN_VALUE / 2, 0);

    private final AtomicReference<State> state = new AtomicReference<>(NEVER);

    /** The cache is paused at uptime second {@code now}. */
    boolean paused(long now) { return now < state.get().until(); }

    /** The current (or last) pause. */
    State state() { return state.get(); }

    /**
     * A bucket overflowed at uptime second {@code now}: pauses the cache unless it is paused already. True if
     * this call started the pause (the one overflow that is counted).
     */
    boolean overflow(long now) {
        while (true) {
            State p = state.get();
            if (now < p.until()) return false; // already paused
            if (state.compareAndSet(p, next(p, now))) return true;
        }
    }

    /** The pause that follows {@code p} at {@code now}: doubled if the attack is renewed within p's length. */
    static State next(State p, long now) {
        long delta = PAUSE_SECONDS << p.backoff();
        if (p.until() + delta - now > 0) {
            return p.backoff() < MAX_BACKOFF ? new State(now + (delta << 1), p.backoff() + 1)
                    : new State(now + delta, p.backoff());
        }
        return new State(now + PAUSE_SECONDS, 0);
    }
}
