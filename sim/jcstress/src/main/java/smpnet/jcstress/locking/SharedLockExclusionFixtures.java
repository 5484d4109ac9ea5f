package smpnet.jcstress.locking;

import org.openjdk.jcstress.infra.results.II_Result;
import smpnet.locking.GuardedBy;
import smpnet.locking.SharedExclusiveLock;

/**
 * A writer updates two fields under the exclusive lock while a reader reads them under the shared lock:
 * the reader sees both updates or neither (exclusion of readers by a writer, and visibility of its writes).
 */
final class SharedLockExclusionFixtures {
    private SharedLockExclusionFixtures() {}

    /** The two fields and their lock. */
    abstract static class Pair {
        final SharedExclusiveLock lock;
        @GuardedBy("lock")
        int a;
        @GuardedBy("lock")
        int b;

        Pair(SharedExclusiveLock lock) { this.lock = lock; }

        void write() {
            lock.lock();
            try {
                a = 1;
                b = 1;
            } finally {
                lock.unlock();
            }
        }

        void read(II_Result r) {
            lock.lockShared();
            try {
                r.r1 = b;
                r.r2 = a;
            } finally {
                lock.unlockShared();
            }
        }
    }

}
