package smpnet.jcstress.witness;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.ZZ_Result;
import smpnet.witness.LockClass;
import smpnet.witness.LockKind;
import smpnet.witness.Policy;
import smpnet.witness.Witness;

/**
 * Two threads learn two different edges out of the same class at once (hub -> x, hub -> y): both land in
 * the hub's row of the graph, which may grow meanwhile. Neither edge may be lost. Result: (has hub->x,
 * has hub->y).
 */
@JCStressTest
@Outcome(id = "true, true", expect = ACCEPTABLE, desc = "both edges learned")
@Outcome(expect = FORBIDDEN, desc = "an edge learned concurrently was lost")
@State
public class SharedSourceStress {
    private final Witness w = Witness.newInstanceForTesting();
    private final LockClass hub;
    private final LockClass x;
    private final LockClass y;
    private final Object hubLock = new Object();

    public SharedSourceStress() {
        w.setPolicy(Policy.COUNT);
        hub = w.lockClass("hub", LockKind.MUTEX, 0);
        x = w.lockClass("x", LockKind.MUTEX, 0);
        y = w.lockClass("y", LockKind.MUTEX, 0);
    }

    private void nest(LockClass second) {
        Object inner = new Object();
        w.checkOrder(hubLock, hub, false, false);
        w.locked(hubLock, hub, false, false);
        w.checkOrder(inner, second, true, false);
        w.locked(inner, second, true, false);
        w.unlocked(inner, second, true);
        w.unlocked(hubLock, hub, false);
    }

    @Actor
    public void learnsHubThenX() {
        nest(x);
    }

    @Actor
    public void learnsHubThenY() {
        nest(y);
    }

    @Arbiter
    public void arbiter(ZZ_Result r) {
        r.r1 = w.hasOrder("hub", "x");
        r.r2 = w.hasOrder("hub", "y");
    }
}
