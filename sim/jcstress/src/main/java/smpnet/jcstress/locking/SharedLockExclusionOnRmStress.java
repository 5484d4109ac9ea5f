package smpnet.jcstress.locking;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;
import smpnet.jcstress.locking.SharedLockExclusionFixtures.Pair;
import smpnet.locking.RmLock;

/**
 * A writer updates two fields under the exclusive lock while a reader reads them under the shared lock. This
 * case: the read-mostly lock, whose reader and writer meet only through the Dekker handshake of a per-CPU
 * reader count and the writer flag. The whole rule is in {@link SharedLockExclusionFixtures}.
 */
@JCStressTest
@Outcome(id = {"0, 0", "1, 1"}, expect = ACCEPTABLE, desc = "read before or after the write")
@Outcome(id = {"1, 0", "0, 1"}, expect = FORBIDDEN, desc = "read inside the write, or a write not visible")
@State
public class SharedLockExclusionOnRmStress extends Pair {
    public SharedLockExclusionOnRmStress() { super(new RmLock("jcs_rm")); }

    @Actor public void writer() { write(); }

    @Actor public void reader(II_Result r) { read(r); }
}
