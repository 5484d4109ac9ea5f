package smpnet.jcstress.tcp;

import org.openjdk.jcstress.infra.results.III_Result;
import smpnet.locking.ExclusiveLock;
import smpnet.locking.Mutex;
import smpnet.stack.internal.tcp.Callout;
import smpnet.stack.internal.tcp.CalloutWheel;
import smpnet.stack.locks.LockInventory;
import smpnet.stack.locks.LockMode;
import smpnet.stack.locks.StackLocks;

/**
 * The state of a stop-versus-fire test: a connection's timer, a callout with the pcb lock ({@code inp}) fired
 * by the softclock in one thread while another stops it holding that lock. {@link #bare()} is the wheel
 * alone: no entry point, and the wheel releases the lock after the handler. {@link #of(LockMode)} is as a host
 * of that mode builds it: the pcb lock is Giant in giant mode, the softclock enters the entry point (Giant in
 * the giant modes) before it takes that lock, and the handler releases the lock itself, as TCP's does; the
 * closer enters the entry point, takes the pcb lock and stops the callout, as a socket's close does.
 * r1: stop() said it cancelled a run; r2: the handler had run when stop() returned; r3: it had run at the end.
 */
final class CalloutStopVersusFire {
    private final StackLocks locks;
    private final ExclusiveLock inp;
    private final CalloutWheel wheel;
    private final Callout callout;
    /** Guarded by inp. */
    private int ran;

    static CalloutStopVersusFire bare() { return new CalloutStopVersusFire(null); }

    static CalloutStopVersusFire of(LockMode mode) { return new CalloutStopVersusFire(new StackLocks(mode)); }

    private CalloutStopVersusFire(StackLocks locks) {
        this.locks = locks;
        boolean bare = locks == null;
        inp = bare ? new Mutex(LockInventory.INP.className(), LockInventory.INP.flags()) : locks.mutex(LockInventory.INP);
        wheel = bare
                ? new CalloutWheel(StillClock.INSTANCE, new Mutex(LockInventory.CALLOUT.className(), LockInventory.CALLOUT.flags()),
                        1_000_000L, 16)
                : new CalloutWheel(StillClock.INSTANCE, () -> locks.mutex(LockInventory.CALLOUT), 1, 1_000_000L, 16,
                        locks::runEntryPoint);
        callout = new Callout(wheel, inp, 0, !bare);
        inp.lock();
        try {
            callout.reset(0, () -> {
                ran = 1;
                if (!bare) inp.unlock(); // CALLOUT_RETURNUNLOCKED
            });
        } finally {
            inp.unlock();
        }
    }

    void close(III_Result r) {
        if (locks != null) locks.enterEntryPoint();
        try {
            inp.lock();
            try {
                r.r1 = callout.stop() ? 1 : 0;
                r.r2 = ran;
            } finally {
                inp.unlock();
            }
        } finally {
            if (locks != null) locks.leaveEntryPoint();
        }
    }

    void softclock() { wheel.softclock(); }

    void arbiter(III_Result r) {
        inp.lock();
        try {
            r.r3 = ran;
        } finally {
            inp.unlock();
        }
    }
}
