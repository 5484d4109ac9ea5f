package smpnet.jcstress.witness;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;
import smpnet.witness.LockClass;
import smpnet.witness.LockKind;
import smpnet.witness.Policy;
import smpnet.witness.Witness;

/**
 * Two threads learn opposite orders (a then b, b then a) at the same moment. Check-then-insert of an edge
 * is atomic, so exactly one edge is learned and the other acquisition is reported, exactly once. A
 * non-atomic check (search, then insert, without one lock around both) lets both edges in unreported.
 * Result: (reports, edges).
 */
@JCStressTest
@Outcome(id = "1, 1", expect = ACCEPTABLE, desc = "one order learned, the opposite one reported once")
@Outcome(id = "0, 2", expect = FORBIDDEN, desc = "both orders learned, reversal lost")
@Outcome(expect = FORBIDDEN, desc = "reversal lost, reported twice, or an edge lost")
@State
public class OppositeOrdersStress {
    private final Witness w = Witness.newInstanceForTesting();
    private final LockClass a;
    private final LockClass b;
    private final Object lockA = new Object();
    private final Object lockB = new Object();

    public OppositeOrdersStress() {
        w.setPolicy(Policy.COUNT);
        a = w.lockClass("a", LockKind.MUTEX, 0);
        b = w.lockClass("b", LockKind.MUTEX, 0);
    }

    private void nest(Object first, LockClass firstClass, Object second, LockClass secondClass) {
        w.checkOrder(first, firstClass, true, false);
        w.locked(first, firstClass, true, false);
        w.checkOrder(second, secondClass, true, false);
        w.locked(second, secondClass, true, false);
        w.unlocked(second, secondClass, true);
        w.unlocked(first, firstClass, true);
    }

    @Actor
    public void takesAThenB() {
        nest(lockA, a, lockB, b);
    }

    @Actor
    public void takesBThenA() {
        nest(lockB, b, lockA, a);
    }

    @Arbiter
    public void arbiter(II_Result r) {
        r.r1 = (int) w.reportCount();
        r.r2 = w.orderCount();
    }
}
