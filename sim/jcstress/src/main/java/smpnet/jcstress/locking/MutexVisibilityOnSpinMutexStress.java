package smpnet.jcstress.locking;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;
import smpnet.locking.SpinMutex;

import static smpnet.jcstress.locking.MutexVisibilityFixtures.*;

/**
 * One thread writes two plain fields under the lock, the other reads them under it, in the opposite order: This
 * case: spin mutex. The whole rule is in {@link MutexVisibilityFixtures}.
 */
@JCStressTest
@Outcome(id = {"0, 0", "1, 1"}, expect = ACCEPTABLE, desc = "read before or after the write")
@Outcome(id = {"1, 0", "0, 1"}, expect = FORBIDDEN, desc = "a torn or invisible write")
@State
public class MutexVisibilityOnSpinMutexStress extends Pair {
    public MutexVisibilityOnSpinMutexStress() { super(new SpinMutex("jcs_vis_spin")); }

    @Actor public void writer() { write(); }

    @Actor public void reader(II_Result r) { read(r); }
}
