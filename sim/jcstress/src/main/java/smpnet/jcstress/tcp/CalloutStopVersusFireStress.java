package smpnet.jcstress.tcp;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;
import smpnet.locking.FreeScheduler;
import smpnet.locking.Mutex;
import smpnet.locking.Scheduler;
import smpnet.stack.internal.tcp.Callout;
import smpnet.stack.internal.tcp.CalloutWheel;
import smpnet.stack.locks.LockInventory;

/**
 * A due callout, fired by the softclock in one thread while another stops it holding the callout's lock (a
 * connection closing as its timer fires). Either the stop comes first and the handler never runs, or the
 * handler ran, entirely, before the stop. r1: stop() said it cancelled a run; r2: the handler had run when
 * stop() returned (read under the lock); r3: the handler had run at the end.
 */
@JCStressTest
@Outcome(id = "1, 0, 0", expect = ACCEPTABLE, desc = "stop first: the fired run was cancelled, the handler never ran")
@Outcome(id = "0, 1, 1", expect = ACCEPTABLE, desc = "the handler ran first; stop found nothing to cancel")
@Outcome(id = "1, 0, 1", expect = FORBIDDEN, desc = "the handler ran after stop() returned")
@Outcome(id = "0, 0, 1", expect = FORBIDDEN, desc = "stop() cancelled nothing, yet the handler ran after it")
@Outcome(id = "0, 0, 0", expect = FORBIDDEN, desc = "neither cancelled nor run: the firing was lost")
@State
public class CalloutStopVersusFireStress {
    /** A clock standing at 0 whose timers never fire: the softclock actor is the only one to run callouts. */
    private static final Scheduler STILL = new Scheduler() {
        private final Scheduler threads = FreeScheduler.INSTANCE;

        @Override public long nanoTime() { return 0; }

        @Override public Thread startWorker(String name, int cpu, Runnable body) { return threads.startWorker(name, cpu, body); }

        @Override public int currentCpu() { return 0; }

        @Override public void park(Object blocker) { threads.park(blocker); }

        @Override public void parkNanos(Object blocker, long nanos) { threads.parkNanos(blocker, nanos); }

        @Override public void unpark(Thread thread) { threads.unpark(thread); }

        @Override public void spinWait(int iteration) { threads.spinWait(iteration); }

        @Override public Cancellable schedule(long delayNanos, Runnable task) { return () -> true; }
    };

    private final Mutex inp = new Mutex(LockInventory.INP.className(), LockInventory.INP.flags());
    private final CalloutWheel wheel = new CalloutWheel(STILL,
            new Mutex(LockInventory.CALLOUT.className(), LockInventory.CALLOUT.flags()), 1_000_000L, 16);
    private final Callout callout = new Callout(wheel, inp, 0);
    /** Guarded by inp. */
    private int ran;

    public CalloutStopVersusFireStress() {
        inp.lock();
        try {
            callout.reset(0, () -> ran = 1);
        } finally {
            inp.unlock();
        }
    }

    @Actor
    public void closer(III_Result r) {
        inp.lock();
        try {
            r.r1 = callout.stop() ? 1 : 0;
            r.r2 = ran;
        } finally {
            inp.unlock();
        }
    }

    @Actor
    public void softclock() { wheel.softclock(); }

    @Arbiter
    public void arbiter(III_Result r) {
        inp.lock();
        try {
            r.r3 = ran;
        } finally {
            inp.unlock();
        }
    }
}
