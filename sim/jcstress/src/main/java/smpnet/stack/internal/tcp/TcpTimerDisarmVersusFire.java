package smpnet.stack.internal.tcp;

import org.openjdk.jcstress.infra.results.III_Result;
import smpnet.jcstress.tcp.StillClock;
import smpnet.stack.locks.LockMode;
import smpnet.stack.socket.TcpState;

/**
 * The state of a disarm-versus-fire test of a connection's timers ({@link TcpTimer}, five due times on one
 * callout): the delayed ACK is due, and the softclock fires the connection's callout in one thread while
 * another, holding the connection's lock ({@code inp}), disarms the delayed ACK and releases the lock through
 * {@code Tcp.unlock} (which moves or stops the callout), as output does when an ACK goes out. The clock stands
 * still at 0: only the softclock actor runs callouts. One TCP per locking mode serves every state; a callout of
 * another state that this softclock fires races with that state's own disarm the same way.
 * r1: disarm() said the delayed ACK was armed; r2: its work had run when disarm() returned (read under the
 * lock); r3: its work had run at the end.
 */
final class TcpTimerDisarmVersusFire {
    private static final TcpFixture FINE = new TcpFixture(LockMode.FINE, StillClock.INSTANCE);
    private static final TcpFixture GIANT = new TcpFixture(LockMode.GIANT, StillClock.INSTANCE);

    private final Tcp tcp;
    private final Tcpcb tp;
    /** Guarded by the pcb lock. */
    private int ran;

    TcpTimerDisarmVersusFire(LockMode mode) {
        tcp = (mode == LockMode.GIANT ? GIANT : FINE).tcp();
        tp = tcp.newTcpcb(null);
        tcp.locks.enterEntryPoint();
        tp.lock.lock();
        try {
            tp.state = TcpState.ESTABLISHED;
            tp.timer.work((t, which) -> ran++);
            tp.timer.arm(TcpTimer.DELACK, 0); // due at once: the next softclock fires it
        } finally {
            tcp.unlock(tp);
            tcp.locks.leaveEntryPoint();
        }
    }

    void disarm(III_Result r) {
        tcp.locks.enterEntryPoint();
        tp.lock.lock();
        try {
            r.r1 = tp.timer.disarm(TcpTimer.DELACK) ? 1 : 0;
            r.r2 = ran;
        } finally {
            tcp.unlock(tp);
            tcp.locks.leaveEntryPoint();
        }
    }

    void softclock() { tcp.callouts.softclock(); }

    void arbiter(III_Result r) {
        tcp.locks.enterEntryPoint();
        tp.lock.lock();
        try {
            r.r3 = ran;
        } finally {
            tp.lock.unlock();
            tcp.locks.leaveEntryPoint();
        }
    }
}
