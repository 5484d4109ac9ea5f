package smpnet.jcstress.tcp;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;

/**
 * A due callout, fired by the softclock in one thread while another stops it holding the callout's lock (a
 * connection closing as its timer fires). Either the stop comes first and the handler never runs, or the
 * handler ran, entirely, before the stop. r1: stop() said it cancelled a run; r2: the handler had run when
 * stop() returned (read under the lock); r3: the handler had run at the end. This is the wheel alone (no entry
 * point); the variants per locking mode go through it.
 */
@JCStressTest
@Outcome(id = "1, 0, 0", expect = ACCEPTABLE, desc = "stop first: the fired run was cancelled, the handler never ran")
@Outcome(id = "0, 1, 1", expect = ACCEPTABLE, desc = "the handler ran first; stop found nothing to cancel")
@Outcome(id = "1, 0, 1", expect = FORBIDDEN, desc = "the handler ran after stop() returned")
@Outcome(id = "0, 0, 1", expect = FORBIDDEN, desc = "stop() cancelled nothing, yet the handler ran after it")
@Outcome(id = "0, 0, 0", expect = FORBIDDEN, desc = "neither cancelled nor run: the firing was lost")
@State
public class CalloutStopVersusFireStress {
    private final CalloutStopVersusFire s = CalloutStopVersusFire.bare();

    @Actor
    public void closer(III_Result r) { s.close(r); }

    @Actor
    public void softclock() { s.softclock(); }

    @Arbiter
    public void arbiter(III_Result r) { s.arbiter(r); }
}
