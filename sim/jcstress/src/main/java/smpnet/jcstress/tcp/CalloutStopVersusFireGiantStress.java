package smpnet.jcstress.tcp;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;
import smpnet.stack.locks.LockMode;

/**
 * {@link CalloutStopVersusFireStress} through the entry point, in Giant mode: the pcb lock is the host's Giant, taken recursively inside the entry point's (see
 * {@link CalloutStopVersusFire}). The same outcomes are allowed: stopped first and never run, or run
 * entirely before the stop.
 */
@JCStressTest
@Outcome(id = "1, 0, 0", expect = ACCEPTABLE, desc = "stop first: the fired run was cancelled, the handler never ran")
@Outcome(id = "0, 1, 1", expect = ACCEPTABLE, desc = "the handler ran first; stop found nothing to cancel")
@Outcome(id = "1, 0, 1", expect = FORBIDDEN, desc = "the handler ran after stop() returned")
@Outcome(id = "0, 0, 1", expect = FORBIDDEN, desc = "stop() cancelled nothing, yet the handler ran after it")
@Outcome(id = "0, 0, 0", expect = FORBIDDEN, desc = "neither cancelled nor run: the firing was lost")
@State
public class CalloutStopVersusFireGiantStress {
    private final CalloutStopVersusFire s = CalloutStopVersusFire.of(LockMode.GIANT);

    @Actor
    public void closer(III_Result r) { s.close(r); }

    @Actor
    public void softclock() { s.softclock(); }

    @Arbiter
    public void arbiter(III_Result r) { s.arbiter(r); }
}
