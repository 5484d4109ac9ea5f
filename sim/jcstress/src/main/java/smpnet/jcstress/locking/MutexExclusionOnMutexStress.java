package smpnet.jcstress.locking;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.I_Result;
import smpnet.locking.Mutex;

import static smpnet.jcstress.locking.MutexExclusionFixtures.*;

/**
 * Two unsynchronised read-modify-writes of one counter, each under the lock: This case: sleep mutex. The whole
 * rule is in {@link MutexExclusionFixtures}.
 */
@JCStressTest
@Outcome(id = "2", expect = ACCEPTABLE, desc = "both increments counted")
@Outcome(id = "1", expect = FORBIDDEN, desc = "an increment lost: both held the mutex at once")
@State
public class MutexExclusionOnMutexStress extends Counter {
    public MutexExclusionOnMutexStress() { super(new Mutex("jcs_mtx")); }

    @Actor public void actor1() { increment(); }

    @Actor public void actor2() { increment(); }

    @Arbiter public void arbiter(I_Result r) { r.r1 = n; }
}
