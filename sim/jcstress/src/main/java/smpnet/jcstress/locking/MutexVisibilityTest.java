package smpnet.jcstress.locking;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;
import smpnet.locking.ExclusiveLock;
import smpnet.locking.GuardedBy;
import smpnet.locking.Mutex;
import smpnet.locking.SpinMutex;

/**
 * One thread writes two plain fields under the lock, the other reads them under it, in the opposite order:
 * it sees both writes or neither. Seeing the second write without the first means the release did not
 * publish the writes, or the two critical sections overlapped.
 */
public final class MutexVisibilityTest {
    private MutexVisibilityTest() {}

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

    /** Sleep mutex. */
    @JCStressTest
    @Outcome(id = {"0, 0", "1, 1"}, expect = ACCEPTABLE, desc = "read before or after the write")
    @Outcome(id = {"1, 0", "0, 1"}, expect = FORBIDDEN, desc = "a torn or invisible write")
    @State
    public static class OnMutex extends Pair {
        public OnMutex() { super(new Mutex("jcs_vis_mtx")); }

        @Actor public void writer() { write(); }

        @Actor public void reader(II_Result r) { read(r); }
    }

    /** Spin mutex. */
    @JCStressTest
    @Outcome(id = {"0, 0", "1, 1"}, expect = ACCEPTABLE, desc = "read before or after the write")
    @Outcome(id = {"1, 0", "0, 1"}, expect = FORBIDDEN, desc = "a torn or invisible write")
    @State
    public static class OnSpinMutex extends Pair {
        public OnSpinMutex() { super(new SpinMutex("jcs_vis_spin")); }

        @Actor public void writer() { write(); }

        @Actor public void reader(II_Result r) { read(r); }
    }
}
