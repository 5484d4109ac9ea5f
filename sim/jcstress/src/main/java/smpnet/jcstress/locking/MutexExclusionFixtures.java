package smpnet.jcstress.locking;

import smpnet.locking.ExclusiveLock;
import smpnet.locking.GuardedBy;

/**
 * Two unsynchronised read-modify-writes of one counter, each under the lock: no increment may be lost.
 * The repeated variants take the lock several times per actor, so releases with a waiter queued, wake-ups,
 * barging and hand-off to a woken waiter that lost all happen under the mutex's release policy.
 */
final class MutexExclusionFixtures {
    static final int ROUNDS = 3;

    private MutexExclusionFixtures() {}

    /** The shared counter and its lock. */
    abstract static class Counter {
        final ExclusiveLock lock;
        @GuardedBy("lock")
        int n;

        Counter(ExclusiveLock lock) { this.lock = lock; }

        void incrementRepeatedly() {
            for (int i = 0; i < ROUNDS; i++) increment();
        }

        void increment() {
            lock.lock();
            try {
                n = n + 1;
            } finally {
                lock.unlock();
            }
        }
    }

}
