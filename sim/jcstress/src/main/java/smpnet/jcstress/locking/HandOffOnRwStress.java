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

import static smpnet.jcstress.locking.HandOffFixtures.*;

/**
 * Fairness by hand-off. This case: rw lock: as the sx lock. The whole rule is in {@link HandOffFixtures}.
 */
@JCStressTest
@Outcome(id = {"0, 0", "0, 1", "1, 1"}, expect = ACCEPTABLE, desc = "no writer seen, or the writer went first")
@Outcome(id = "1, 0", expect = FORBIDDEN, desc = "a new reader passed the queued writer")
@State
public class HandOffOnRwStress {
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
