package smpnet.jcstress.locking;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.I_Result;
import smpnet.locking.ExclusiveLock;
import smpnet.locking.GuardedBy;
import smpnet.locking.Mutex;
import smpnet.locking.SpinMutex;

/** Two unsynchronised read-modify-writes of one counter, each under the lock: no increment may be lost. */
public final class MutexExclusionTest {
    private MutexExclusionTest() {}

    /** The shared counter and its lock. */
    abstract static class Counter {
        final ExclusiveLock lock;
        @GuardedBy("lock")
        int n;

        Counter(ExclusiveLock lock) { this.lock = lock; }

        void increment() {
            lock.lock();
            try {
                n = n + 1;
            } finally {
                lock.unlock();
            }
        }
    }

    /** Sleep mutex. */
    @JCStressTest
    @Outcome(id = "2", expect = ACCEPTABLE, desc = "both increments counted")
    @Outcome(id = "1", expect = FORBIDDEN, desc = "an increment lost: both held the mutex at once")
    @State
    public static class OnMutex extends Counter {
        public OnMutex() { super(new Mutex("jcs_mtx")); }

        @Actor public void actor1() { increment(); }

        @Actor public void actor2() { increment(); }

        @Arbiter public void arbiter(I_Result r) { r.r1 = n; }
    }

    /** Spin mutex. */
    @JCStressTest
    @Outcome(id = "2", expect = ACCEPTABLE, desc = "both increments counted")
    @Outcome(id = "1", expect = FORBIDDEN, desc = "an increment lost: both held the spin mutex at once")
    @State
    public static class OnSpinMutex extends Counter {
        public OnSpinMutex() { super(new SpinMutex("jcs_spin")); }

        @Actor public void actor1() { increment(); }

        @Actor public void actor2() { increment(); }

        @Arbiter public void arbiter(I_Result r) { r.r1 = n; }
    }
}
