package smpnet.jcstress.locking;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;
import smpnet.locking.GuardedBy;
import smpnet.locking.RwLock;
import smpnet.locking.SharedExclusiveLock;
import smpnet.locking.SxLock;

/**
 * A writer updates two fields under the exclusive lock while a reader reads them under the shared lock:
 * the reader sees both updates or neither (exclusion of readers by a writer, and visibility of its writes).
 */
public final class SharedLockExclusionTest {
    private SharedLockExclusionTest() {}

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

    /** sx lock. */
    @JCStressTest
    @Outcome(id = {"0, 0", "1, 1"}, expect = ACCEPTABLE, desc = "read before or after the write")
    @Outcome(id = {"1, 0", "0, 1"}, expect = FORBIDDEN, desc = "read inside the write, or a write not visible")
    @State
    public static class OnSx extends Pair {
        public OnSx() { super(new SxLock("jcs_sx")); }

        @Actor public void writer() { write(); }

        @Actor public void reader(II_Result r) { read(r); }
    }

    /** rw lock. */
    @JCStressTest
    @Outcome(id = {"0, 0", "1, 1"}, expect = ACCEPTABLE, desc = "read before or after the write")
    @Outcome(id = {"1, 0", "0, 1"}, expect = FORBIDDEN, desc = "read inside the write, or a write not visible")
    @State
    public static class OnRw extends Pair {
        public OnRw() { super(new RwLock("jcs_rw")); }

        @Actor public void writer() { write(); }

        @Actor public void reader(II_Result r) { read(r); }
    }
}
