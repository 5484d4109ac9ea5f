package smpnet.jcstress.locking;

import smpnet.locking.ExclusiveLock;
import smpnet.locking.GuardedBy;
import smpnet.locking.Schedulers;

/**
 * Mutual exclusion under adaptive spinning. Each actor increments one counter {@link #ROUNDS} times, with a
 * gap between its read and its write long enough that the other actor usually arrives while the lock is
 * held. One actor stays running in the gap (a busy wait): its contender spins on a running owner and barges
 * in at the release. The other parks in the gap: its contender must stop spinning when it sees the owner
 * blocked, queue, and be woken, while the owner may wake and release at any moment of that. Both kinds of
 * hold alternate with both kinds of wait, so a spinner that takes the lock while it is held, or a waiter
 * that queues after the release it needed, shows up as a lost increment.
 */
final class AdaptiveSpinFixtures {
    static final int ROUNDS = 3;
    /** Spins in a running owner's gap: a few microseconds, longer than one spinner's check interval. */
    static final int BUSY_SPINS = 200;
    /** A blocked owner's nap; the park takes longer in practice (timer slack), which is fine. */
    static final long NAP_NANOS = 1_000;

    private AdaptiveSpinFixtures() {}

    /** The shared counter and its lock. */
    abstract static class SlowCounter {
        final ExclusiveLock lock;
        @GuardedBy("lock")
        int n;

        SlowCounter(ExclusiveLock lock) { this.lock = lock; }

        /** Increments with the owner running between its read and its write. */
        void incrementRunning() {
            lock.lock();
            try {
                int seen = n;
                for (int i = 0; i < BUSY_SPINS; i++) Thread.onSpinWait();
                n = seen + 1;
            } finally {
                lock.unlock();
            }
        }

        /** Increments with the owner parked between its read and its write. */
        void incrementBlocked() {
            lock.lock();
            try {
                int seen = n;
                Schedulers.current().parkNanos(this, NAP_NANOS);
                n = seen + 1;
            } finally {
                lock.unlock();
            }
        }

        /**
         * Alternates the two kinds of hold, starting with a running one ({@code runningFirst}) or not;
         * {@code nested}: each round takes the lock once more around the increment (for a recursive lock).
         */
        void incrementAlternating(boolean runningFirst, boolean nested) {
            for (int i = 0; i < ROUNDS; i++) {
                if (nested) lock.lock();
                try {
                    if ((i % 2 == 0) == runningFirst) incrementRunning(); else incrementBlocked();
                } finally {
                    if (nested) lock.unlock();
                }
            }
        }
    }
}
