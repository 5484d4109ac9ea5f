package smpnet.stack.internal.tcp;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.IIII_Result;

/**
 * Two buckets of the SYN cache overflow in the same second, each under its own lock, 10 s after a 16 s
 * pause ended (second 90): a renewed attack. Exactly one overflow starts the new pause (the one counted in
 * sc_bucketoverflow), and the backoff doubles the pause once: until second 100 + 32, backoff 1. r1, r2:
 * each overflow started the pause; r3: the backoff; r4: the second the pause ends.
 */
@JCStressTest
@Outcome(id = {"1, 0, 1, 132", "0, 1, 1, 132"}, expect = ACCEPTABLE, desc = "one overflow started the pause, doubled once")
@Outcome(expect = FORBIDDEN, desc = "both overflows or none counted, or a pause of the wrong length")
@State
public class SyncachePauseOverflowStress {
    private final SyncachePause pause = new SyncachePause();

    public SyncachePauseOverflowStress() {
        if (!pause.overflow(74)) throw new IllegalStateException("a first overflow did not pause");
    }

    @Actor
    public void bucketA(IIII_Result r) { r.r1 = pause.overflow(100) ? 1 : 0; }

    @Actor
    public void bucketB(IIII_Result r) { r.r2 = pause.overflow(100) ? 1 : 0; }

    @Arbiter
    public void arbiter(IIII_Result r) {
        r.r3 = pause.state().backoff();
        r.r4 = (int) pause.state().until();
    }
}
