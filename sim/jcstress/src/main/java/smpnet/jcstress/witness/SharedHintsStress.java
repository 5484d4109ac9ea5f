package smpnet.jcstress.witness;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import java.util.List;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.ZZZ_Result;
import smpnet.witness.LockClass;
import smpnet.witness.LockKind;
import smpnet.witness.Policy;
import smpnet.witness.ThreadState;
import smpnet.witness.Witness;

/**
 * Two threads take the same two locks in the same order, twice, through the hints the locks keep as smpnet's
 * primitives do (the state of their last user and the held-stack entry they were pushed into: plain fields
 * any thread overwrites). The second round goes through {@link Witness#reacquired} and
 * {@link Witness#releasedTop} with hints the other thread may have just replaced, one of the pair or both:
 * each thread must still see exactly its own held locks, end holding none, and cause no report. Result:
 * (first thread saw [a, b] and ended with nothing, second likewise, no report).
 */
@JCStressTest
@Outcome(id = "true, true, true", expect = ACCEPTABLE, desc = "each thread's held stack stayed its own")
@Outcome(expect = FORBIDDEN, desc = "a hint of the other thread pushed or popped the wrong stack")
@State
public class SharedHintsStress {
    /** One verifier for all states: its threads validate [a] and [a b] once, then every state's locks go fast. */
    private static final Witness W = Witness.newInstanceForTesting();
    private static final LockClass A;
    private static final LockClass B;

    static {
        W.setPolicy(Policy.COUNT);
        A = W.lockClass("hint_a", LockKind.MUTEX, 0);
        B = W.lockClass("hint_b", LockKind.MUTEX, 0);
    }

    /** A lock that only reports to witness and keeps its hints, shared by both actors. */
    static final class HintedLock {
        final LockClass cls;
        ThreadState state;
        ThreadState.Entry entry;

        HintedLock(LockClass cls) { this.cls = cls; }

        void acquire() {
            if (!W.reacquired(state, entry, this, cls, true)) {
                ThreadState ts = W.acquired(state, this, cls, true);
                ThreadState.Entry e = W.entryOf(ts, this);
                state = ts;
                if (e != null) {
                    entry = e;
                }
            }
        }

        void release() {
            if (!W.releasedTop(state, entry, this, true)) {
                state = W.unlocked(state, this, cls, true);
            }
        }
    }

    private final HintedLock a = new HintedLock(A);
    private final HintedLock b = new HintedLock(B);

    /** Two rounds of a then b; true if the thread saw exactly [a, b] held both times and ends with nothing. */
    private boolean twoRounds() {
        boolean right = true;
        for (int round = 0; round < 2; round++) {
            a.acquire();
            b.acquire();
            right &= W.heldLocks().equals(List.of("hint_a", "hint_b"));
            b.release();
            a.release();
        }
        return right && W.heldLocks().isEmpty();
    }

    @Actor
    public void first(ZZZ_Result r) {
        r.r1 = twoRounds();
    }

    @Actor
    public void second(ZZZ_Result r) {
        r.r2 = twoRounds();
    }

    @Arbiter
    public void arbiter(ZZZ_Result r) {
        r.r3 = W.reportCount() == 0;
    }
}
