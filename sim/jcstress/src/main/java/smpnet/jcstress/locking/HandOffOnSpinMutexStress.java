package smpnet.jcstress.locking;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;
import smpnet.locking.GuardedBy;
import smpnet.locking.SpinMutex;

import static smpnet.jcstress.locking.HandOffFixtures.*;

/**
 * Fairness by hand-off. This case: spin mutex (a ticket lock: the older ticket is served first). The whole rule
 * is in {@link HandOffFixtures}.
 */
@JCStressTest
@Outcome(id = {"0, 0", "0, 1", "1, 1"}, expect = ACCEPTABLE, desc = "no waiter seen, or the waiter went first")
@Outcome(id = "1, 0", expect = FORBIDDEN, desc = "the releasing thread barged in ahead of the older ticket")
@State
public class HandOffOnSpinMutexStress {
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
