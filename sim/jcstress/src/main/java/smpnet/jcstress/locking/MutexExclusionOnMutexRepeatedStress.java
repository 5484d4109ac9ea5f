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
 * Two unsynchronised read-modify-writes of one counter, each under the lock: This case: sleep mutex, three
 * acquisitions per actor. The whole rule is in {@link MutexExclusionFixtures}.
 */
@JCStressTest
@Outcome(id = "6", expect = ACCEPTABLE, desc = "every increment counted")
@Outcome(id = {"3", "4", "5"}, expect = FORBIDDEN, desc = "an increment lost: both held the mutex at once")
@State
public class MutexExclusionOnMutexRepeatedStress extends Counter {
    public MutexExclusionOnMutexRepeatedStress() { super(new Mutex("jcs_mtx_rep")); }

    @Actor public void actor1() { incrementRepeatedly(); }

    @Actor public void actor2() { incrementRepeatedly(); }

    @Arbiter public void arbiter(I_Result r) { r.r1 = n; }
}
