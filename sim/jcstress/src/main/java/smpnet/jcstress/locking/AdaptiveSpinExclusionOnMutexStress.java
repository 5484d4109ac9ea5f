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

import static smpnet.jcstress.locking.AdaptiveSpinFixtures.*;

/**
 * Sleep mutex under adaptive spinning: owners that run and owners that park through their critical
 * section, contenders that spin on the first and queue behind the second. The rule is in {@link
 * AdaptiveSpinFixtures}.
 */
@JCStressTest
@Outcome(id = "6", expect = ACCEPTABLE, desc = "every increment counted")
@Outcome(expect = FORBIDDEN, desc = "an increment lost: both held the mutex at once")
@State
public class AdaptiveSpinExclusionOnMutexStress extends SlowCounter {
    public AdaptiveSpinExclusionOnMutexStress() { super(new Mutex("jcs_spin_mtx")); }

    @Actor public void actor1() { incrementAlternating(true, false); }

    @Actor public void actor2() { incrementAlternating(false, false); }

    @Arbiter public void arbiter(I_Result r) { r.r1 = n; }
}
