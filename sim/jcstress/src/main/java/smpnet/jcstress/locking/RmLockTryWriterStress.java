package smpnet.jcstress.locking;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;
import smpnet.locking.GuardedBy;
import smpnet.locking.RmLock;

/**
 * A try-writer against a reader of the read-mostly lock: the try either gets the lock (and the reader sees
 * both of its writes or neither) or finds the reader in and gives the flag back at once, so the reader
 * always gets in. r1: the try succeeded; r2, r3: what the reader saw.
 */
@JCStressTest
@Outcome(id = {"1, 0, 0", "1, 1, 1", "0, 0, 0"}, expect = ACCEPTABLE, desc = "the try won or lost cleanly")
@Outcome(id = {"1, 1, 0", "1, 0, 1"}, expect = FORBIDDEN, desc = "the reader was inside the try-writer's hold")
@Outcome(id = {"0, 1, 1", "0, 1, 0", "0, 0, 1"}, expect = FORBIDDEN, desc = "a failed try wrote")
@State
public class RmLockTryWriterStress {
    final RmLock lock = new RmLock("jcs_rm_try");
    @GuardedBy("lock")
    int a;
    @GuardedBy("lock")
    int b;

    @Actor
    public void writer(III_Result r) {
        if (lock.tryLock()) {
            r.r1 = 1;
            a = 1;
            b = 1;
            lock.unlock();
        }
    }

    @Actor
    public void reader(III_Result r) {
        lock.lockShared();
        r.r2 = b;
        r.r3 = a;
        lock.unlockShared();
    }
}
