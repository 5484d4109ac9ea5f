package smpnet.jcstress.locking;

import org.openjdk.jcstress.infra.results.II_Result;
import smpnet.locking.ExclusiveLock;
import smpnet.locking.GuardedBy;

/**
 * One thread writes two plain fields under the lock, the other reads them under it, in the opposite order:
 * it sees both writes or neither. Seeing the second write without the first means the release did not
 * publish the writes, or the two critical sections overlapped.
 */
final class MutexVisibilityFixtures {
    private MutexVisibilityFixtures() {}

    /** The two fields and their lock. */
    abstract static class Pair {
        final ExclusiveLock lock;
        @GuardedBy("lock")
        int a;
        @GuardedBy("lock")
        int b;

        Pair(ExclusiveLock lock) { this.lock = lock; }

        void write() {
            lock.lock();
            a = 1;
            b = 1;
            lock.unlock();
        }

        void read(II_Result r) {
            lock.lock();
            r.r1 = b;
            r.r2 = a;
            lock.unlock();
        }
    }

}
