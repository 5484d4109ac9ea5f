package smpnet.jcstress.locking;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import java.util.function.BooleanSupplier;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.IIII_Result;
import org.openjdk.jcstress.infra.results.II_Result;
import smpnet.locking.GuardedBy;
import smpnet.locking.Mutex;
import smpnet.locking.RwLock;
import smpnet.locking.SpinMutex;
import smpnet.locking.SxLock;

/**
 * Fairness by hand-off: the first actor holds the lock until it sees the second one queued (or gives up
 * waiting), releases it, and at once asks for it again. For the spin mutex, if it saw a waiter, the lock
 * went to that waiter first, so on re-entry the first actor must find the second one's write: (saw
 * waiter, write missing) = (1, 0) is forbidden. The sleep mutex lets the releaser barge once, and must
 * hand off after the woken waiter lost (see {@link OnMutex}). For the sx and rw locks the first actor holds and retakes them shared and the
 * second one is a writer: the last reader hands the lock to the queued writer (writer preference).
 */
public final class HandOffTest {
    private static final int PATIENCE = 20_000;

    private HandOffTest() {}

    /** Spins until {@code waiting} or out of patience; 1 if a waiter was seen. */
    static int sawWaiter(BooleanSupplier waiting) {
        for (int i = 0; i < PATIENCE; i++) {
            if (waiting.getAsBoolean()) return 1;
            Thread.onSpinWait();
        }
        return 0;
    }

    /**
     * Sleep mutex: barging is allowed, but starvation is bounded. The releaser waits until the waiter is
     * queued (r1), releases it and at once takes it back, reading the waiter's write (r2: 0 if it barged
     * in ahead of the woken waiter, which is allowed). It then waits until the woken waiter, having lost,
     * is queued again (r3), and releases and retakes once more: that release must hand the mutex to the
     * waiter, so r4 must be 1. (1, 0, 1, 0) means a woken waiter that lost was passed a second time.
     */
    @JCStressTest
    @Outcome(id = "1, 0, 1, 0", expect = FORBIDDEN, desc = "a woken waiter that lost once was passed again")
    @Outcome(expect = ACCEPTABLE, desc = "no waiter seen, the waiter went first, or it was served next")
    @State
    public static class OnMutex {
        final Mutex m = new Mutex("jcs_handoff_mtx");
        @GuardedBy("m")
        int written;

        @Actor
        public void releaser(IIII_Result r) {
            m.lock();
            r.r1 = sawWaiter(m::hasWaiters);
            m.unlock();
            m.lock();
            r.r2 = written;
            r.r3 = r.r2 == 0 ? sawWaiter(m::hasWaiters) : 0;
            m.unlock();
            m.lock();
            r.r4 = written;
            m.unlock();
        }

        @Actor
        public void waiter() {
            m.lock();
            written = 1;
            m.unlock();
        }
    }

    /** Spin mutex (a ticket lock: the older ticket is served first). */
    @JCStressTest
    @Outcome(id = {"0, 0", "0, 1", "1, 1"}, expect = ACCEPTABLE, desc = "no waiter seen, or the waiter went first")
    @Outcome(id = "1, 0", expect = FORBIDDEN, desc = "the releasing thread barged in ahead of the older ticket")
    @State
    public static class OnSpinMutex {
        final SpinMutex m = new SpinMutex("jcs_handoff_spin");
        @GuardedBy("m")
        int written;

        @Actor
        public void releaser(II_Result r) {
            m.lock();
            r.r1 = sawWaiter(m::hasWaiters);
            m.unlock();
            m.lock();
            r.r2 = written;
            m.unlock();
        }

        @Actor
        public void waiter() {
            m.lock();
            written = 1;
            m.unlock();
        }
    }

    /** sx lock: reader releases, queued writer goes before the reader's re-entry. */
    @JCStressTest
    @Outcome(id = {"0, 0", "0, 1", "1, 1"}, expect = ACCEPTABLE, desc = "no writer seen, or the writer went first")
    @Outcome(id = "1, 0", expect = FORBIDDEN, desc = "a new reader passed the queued writer")
    @State
    public static class OnSx {
        final SxLock l = new SxLock("jcs_handoff_sx");
        @GuardedBy("l")
        int written;

        @Actor
        public void reader(II_Result r) {
            l.lockShared();
            r.r1 = sawWaiter(l::hasWaiters);
            l.unlockShared();
            l.lockShared();
            r.r2 = written;
            l.unlockShared();
        }

        @Actor
        public void writer() {
            l.lock();
            written = 1;
            l.unlock();
        }
    }

    /** rw lock: as the sx lock. */
    @JCStressTest
    @Outcome(id = {"0, 0", "0, 1", "1, 1"}, expect = ACCEPTABLE, desc = "no writer seen, or the writer went first")
    @Outcome(id = "1, 0", expect = FORBIDDEN, desc = "a new reader passed the queued writer")
    @State
    public static class OnRw {
        final RwLock l = new RwLock("jcs_handoff_rw");
        @GuardedBy("l")
        int written;

        @Actor
        public void reader(II_Result r) {
            l.lockShared();
            r.r1 = sawWaiter(l::hasWaiters);
            l.unlockShared();
            l.lockShared();
            r.r2 = written;
            l.unlockShared();
        }

        @Actor
        public void writer() {
            l.lock();
            written = 1;
            l.unlock();
        }
    }
}
