package smpnet.jcstress.locking;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.IIII_Result;
import smpnet.locking.GuardedBy;
import smpnet.locking.Mutex;

import static smpnet.jcstress.locking.HandOffFixtures.*;

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
public class HandOffOnMutexStress {
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
