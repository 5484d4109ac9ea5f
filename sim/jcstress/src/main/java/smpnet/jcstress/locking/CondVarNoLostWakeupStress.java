package smpnet.jcstress.locking;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Mode;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.Signal;
import org.openjdk.jcstress.annotations.State;
import smpnet.locking.CondVar;
import smpnet.locking.Giant;
import smpnet.locking.GuardedBy;
import smpnet.locking.Mutex;

/**
 * Condition variables: This case: a waiter for a flag must wake when the flag is set and signalled, whenever the
 * signal comes.
 */
@JCStressTest(Mode.Termination)
@Outcome(id = "TERMINATED", expect = ACCEPTABLE, desc = "the signal woke the waiter")
@Outcome(id = "STALE", expect = FORBIDDEN, desc = "lost wakeup: the waiter sleeps on with the flag set")
@State
public class CondVarNoLostWakeupStress {
    final Mutex m = new Mutex("jcs_cv_mtx");
    final CondVar cv = new CondVar("jcs_cv");
    @GuardedBy("m")
    boolean ready;

    @Actor
    public void waiter() {
        m.lock();
        try {
            while (!ready) cv.await(m);
        } finally {
            m.unlock();
        }
    }

    @Signal
    public void signal() {
        m.lock();
        ready = true;
        cv.signal();
        m.unlock();
    }
}
