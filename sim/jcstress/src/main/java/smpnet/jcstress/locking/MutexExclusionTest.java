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
import smpnet.locking.Giant;
import smpnet.locking.GuardedBy;
import smpnet.locking.Mutex;
import smpnet.locking.SpinMutex;

/**
 * Two unsynchronised read-modify-writes of one counter, each under the lock: no increment may be lost.
 * The repeated variants take the lock several times per actor, so releases with a waiter queued, wake-ups,
 * barging and hand-off to a woken waiter that lost all happen under the mutex's release policy.
 */
public final class MutexExclusionTest {
    private static final int ROUNDS = 3;

    private MutexExclusionTest() {}

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

    /** Sleep mutex, three acquisitions per actor. */
    @JCStressTest
    @Outcome(id = "6", expect = ACCEPTABLE, desc = "every increment counted")
    @Outcome(id = {"3", "4", "5"}, expect = FORBIDDEN, desc = "an increment lost: both held the mutex at once")
    @State
    public static class OnMutexRepeated extends Counter {
        public OnMutexRepeated() { super(new Mutex("jcs_mtx_rep")); }

        @Actor public void actor1() { incrementRepeatedly(); }

        @Actor public void actor2() { incrementRepeatedly(); }

        @Arbiter public void arbiter(I_Result r) { r.r1 = n; }
    }

    /** Giant (a recursive sleep mutex), three acquisitions per actor, the second one nested. */
    @JCStressTest
    @Outcome(id = "6", expect = ACCEPTABLE, desc = "every increment counted")
    @Outcome(id = {"3", "4", "5"}, expect = FORBIDDEN, desc = "an increment lost: both held Giant at once")
    @State
    public static class OnGiant extends Counter {
        public OnGiant() { super(new Giant()); }

        void nested() {
            lock.lock();
            try {
                incrementRepeatedly();
            } finally {
                lock.unlock();
            }
        }

        @Actor public void actor1() { nested(); }

        @Actor public void actor2() { incrementRepeatedly(); }

        @Arbiter public void arbiter(I_Result r) { r.r1 = n; }
    }
}
