package smpnet.jcstress.locking;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;
import smpnet.locking.CondVar;
import smpnet.locking.Giant;
import smpnet.locking.GuardedBy;

/**
 * The waiter holds Giant twice and waits on a cv with it; the other thread can only take Giant (and set
 * the flag) if the wait dropped both levels. After the wait the waiter holds it twice again and sees the
 * value written under it.
 */
@JCStressTest
@Outcome(id = "2, 42", expect = ACCEPTABLE, desc = "Giant dropped, retaken to depth 2, write visible")
@Outcome(expect = FORBIDDEN, desc = "wrong depth after the wait, or the write not visible")
@State
public class CondVarGiantDropAndRetakeStress {
    final Giant giant = new Giant();
    final CondVar cv = new CondVar("jcs_cv_giant");
    @GuardedBy("Giant")
    boolean ready;
    @GuardedBy("Giant")
    int value;

    @Actor
    public void sleeper(II_Result r) {
        giant.lock();
        giant.lock();
        while (!ready) cv.await(giant);
        r.r1 = giant.recursionDepth();
        r.r2 = value;
        giant.unlock();
        giant.unlock();
    }

    @Actor
    public void waker() {
        giant.lock();
        value = 42;
        ready = true;
        cv.broadcast();
        giant.unlock();
    }
}
