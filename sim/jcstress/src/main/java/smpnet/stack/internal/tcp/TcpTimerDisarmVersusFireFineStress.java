package smpnet.stack.internal.tcp;

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
 * A due delayed ACK, fired by the softclock while the connection's output disarms it under the connection's
 * lock, in fine mode ({@link TcpTimerDisarmVersusFire}). Either the disarm comes first and the work never runs
 * (the handler, if it got the lock, found nothing due), or the work ran, entirely, before the disarm, which
 * then found the timer no longer armed. r1: disarm() said it was armed; r2: the work had run when disarm()
 * returned; r3: the work had run at the end.
 */
@JCStressTest
@Outcome(id = "1, 0, 0", expect = ACCEPTABLE, desc = "disarm first: the work never ran")
@Outcome(id = "0, 1, 1", expect = ACCEPTABLE, desc = "the work ran first; the timer was no longer armed")
@Outcome(id = "1, 0, 1", expect = FORBIDDEN, desc = "the work ran after disarm() returned")
@Outcome(id = "0, 0, 1", expect = FORBIDDEN, desc = "disarm() found it disarmed, yet the work ran after it")
@Outcome(id = "0, 0, 0", expect = FORBIDDEN, desc = "neither disarmed nor run: the timer was lost")
@State
public class TcpTimerDisarmVersusFireFineStress {
    private final TcpTimerDisarmVersusFire s = new TcpTimerDisarmVersusFire(LockMode.FINE);

    @Actor
    public void output(III_Result r) { s.disarm(r); }

    @Actor
    public void softclock() { s.softclock(); }

    @Arbiter
    public void arbiter(III_Result r) { s.arbiter(r); }
}
