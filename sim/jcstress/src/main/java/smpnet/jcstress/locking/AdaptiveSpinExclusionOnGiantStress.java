package smpnet.jcstress.locking;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.I_Result;
import smpnet.locking.Giant;

import static smpnet.jcstress.locking.AdaptiveSpinFixtures.*;

/**
 * Giant under adaptive spinning: as {@link AdaptiveSpinExclusionOnMutexStress}, with the first actor
 * taking Giant twice in each round, so its releases drop a recursion level before the one that frees
 * Giant. The rule is in {@link AdaptiveSpinFixtures}.
 */
@JCStressTest
@Outcome(id = "6", expect = ACCEPTABLE, desc = "every increment counted")
@Outcome(expect = FORBIDDEN, desc = "an increment lost: both held Giant at once")
@State
public class AdaptiveSpinExclusionOnGiantStress extends SlowCounter {
    public AdaptiveSpinExclusionOnGiantStress() { super(new Giant()); }

    @Actor public void actor1() { incrementAlternating(true, true); }

    @Actor public void actor2() { incrementAlternating(false, false); }

    @Arbiter public void arbiter(I_Result r) { r.r1 = n; }
}
