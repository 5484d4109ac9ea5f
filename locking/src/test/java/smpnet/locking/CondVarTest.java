package smpnet.locking;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import smpnet.locking.scripted.ScriptedScheduler;
import smpnet.witness.LockFlags;

/** Behaviour of {@link CondVar} with each kind of interlock, driven by the scripted scheduler. */
class CondVarTest {
    private final List<String> log = new CopyOnWriteArrayList<>();

    @Test
    void aSignalSentWhileTheWaiterIsStillReleasingTheLockIsNotLost() {
        Mutex m = new Mutex("cv_mtx");
        CondVar cv = new CondVar("cv");
        // A stops at the scheduling point of the release inside await, before it parks: B signals then.
        ScriptedScheduler s = new ScriptedScheduler("A A B* A*");
        s.startWorker("A", 0, () -> {
            m.lock();
            cv.await(m);
            log.add("A woke owning the mutex: " + m.isOwned());
            m.unlock();
        });
        s.startWorker("B", 1, () -> {
            m.lock();
            cv.signal();
            log.add("B signalled");
            m.unlock();
        });
        s.runAll();
        assertEquals(List.of("B signalled", "A woke owning the mutex: true"), log);
    }

    @Test
    void signalWakesTheOldestWaiterFirst() {
        Mutex m = new Mutex("cv_fifo");
        CondVar cv = new CondVar("cv");
        ScriptedScheduler s = new ScriptedScheduler("A* C* B*");
        Runnable waiter = () -> {
            m.lock();
            cv.await(m);
            log.add(Thread.currentThread().getName() + " woke");
            cv.signal();
            m.unlock();
        };
        s.startWorker("A", 0, waiter);
        s.startWorker("C", 2, waiter);
        s.startWorker("B", 1, () -> {
            m.lock();
            log.add("B signals once");
            cv.signal();
            m.unlock();
        });
        s.runAll();
        assertEquals(List.of("B signals once", "A woke", "C woke"), log);
    }

    @Test
    void broadcastWakesEveryWaiter() {
        Mutex m = new Mutex("cv_bcast");
        CondVar cv = new CondVar("cv");
        ScriptedScheduler s = new ScriptedScheduler("C* A* B*");
        Runnable waiter = () -> {
            m.lock();
            cv.await(m);
            log.add(Thread.currentThread().getName() + " woke");
            m.unlock();
        };
        s.startWorker("A", 0, waiter);
        s.startWorker("C", 2, waiter);
        s.startWorker("B", 1, () -> {
            m.lock();
            cv.broadcast();
            log.add("B broadcast, waiters left: " + cv.hasWaiters());
            m.unlock();
        });
        s.runAll();
        // Both are woken; once B is done, A (started first) runs first and finds the mutex free.
        assertEquals(List.of("B broadcast, waiters left: false", "A woke", "C woke"), log);
    }

    @Test
    void timedWaitTimesOutAfterExactlyItsVirtualTime() {
        Mutex m = new Mutex("cv_timed");
        CondVar cv = new CondVar("cv");
        ScriptedScheduler s = new ScriptedScheduler("A*");
        s.startWorker("A", 0, () -> {
            m.lock();
            long t0 = Schedulers.current().nanoTime();
            boolean signalled = cv.awaitNanos(m, 1_500);
            log.add("signalled " + signalled + " after " + (Schedulers.current().nanoTime() - t0) + " ns, owned " + m.isOwned());
            log.add("waiters left: " + cv.hasWaiters());
            m.unlock();
        });
        s.runAll();
        assertEquals(List.of("signalled false after 1500 ns, owned true", "waiters left: false"), log);
    }

    @Test
    void timedWaitSignalledInTimeReturnsTrue() {
        Mutex m = new Mutex("cv_timed_ok");
        CondVar cv = new CondVar("cv");
        ScriptedScheduler s = new ScriptedScheduler("A* B*");
        s.startWorker("A", 0, () -> {
            m.lock();
            boolean signalled = cv.awaitNanos(m, 1_000_000);
            log.add("signalled " + signalled + " at " + Schedulers.current().nanoTime());
            m.unlock();
        });
        s.startWorker("B", 1, () -> {
            Schedulers.current().parkNanos(this, 400);
            m.lock();
            cv.signal();
            m.unlock();
        });
        s.runAll();
        assertEquals(List.of("signalled true at 400"), log);
    }

    @Test
    void waitDropsGiantCompletelyAndRetakesItToTheSameDepth() {
        Giant giant = new Giant();
        CondVar cv = new CondVar("cv");
        ScriptedScheduler s = new ScriptedScheduler("A* B*");
        s.startWorker("A", 0, () -> {
            giant.lock();
            giant.lock();
            giant.lock();
            cv.await(giant);
            log.add("A back at depth " + giant.recursionDepth());
            giant.releaseAll();
        });
        s.startWorker("B", 1, () -> {
            giant.lock();
            log.add("B holds Giant, depth " + giant.recursionDepth());
            cv.signal();
            giant.unlock();
        });
        s.runAll();
        assertEquals(List.of("B holds Giant, depth 1", "A back at depth 3"), log);
    }

    @Test
    void waitReleasesAnSxLockInTheModeItWasHeld() {
        SxLock sx = new SxLock("cv_sx");
        CondVar cv = new CondVar("cv");
        ScriptedScheduler s = new ScriptedScheduler("A* R* B*");
        s.startWorker("A", 0, () -> {
            sx.lockShared();
            cv.await(sx);
            log.add("A shared again: " + sx.isHeldShared());
            sx.unlockShared();
        });
        s.startWorker("R", 2, () -> {
            sx.lock();
            cv.await(sx);
            log.add("R exclusive again: " + sx.isOwned());
            sx.unlock();
        });
        s.startWorker("B", 1, () -> {
            sx.lock();
            log.add("B exclusive while both wait");
            cv.broadcast();
            sx.unlock();
        });
        s.runAll();
        assertEquals(List.of("B exclusive while both wait", "A shared again: true", "R exclusive again: true"), log);
    }

    @Test
    void waitOnARecursedMutexOrASpinMutexFailsLoudly() {
        Mutex m = new Mutex("cv_recursed", LockFlags.RECURSABLE);
        CondVar cv = new CondVar("cv");
        m.lock();
        m.lock();
        LockAssertionError e = assertThrows(LockAssertionError.class, () -> cv.awaitNanos(m, 10));
        assertEquals(m + " recursed by thread \"" + Thread.currentThread().getName() + "\" (held by thread \""
                + Thread.currentThread().getName() + "\")", e.getMessage());
        assertFalse(cv.hasWaiters());
        m.unlock();
        m.unlock();
        SpinMutex spin = new SpinMutex("cv_spin");
        spin.lock();
        assertThrows(IllegalArgumentException.class, () -> cv.await(spin));
        spin.unlock();
    }
}
