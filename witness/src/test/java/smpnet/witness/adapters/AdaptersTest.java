package smpnet.witness.adapters;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.Lock;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import smpnet.witness.Policy;
import smpnet.witness.ReportKind;
import smpnet.witness.Witness;
import smpnet.witness.WitnessException;

/** The java.util.concurrent adapters, on a fresh witness each. */
class AdaptersTest {
    private Witness w;

    @BeforeEach
    void fresh() {
        w = Witness.newInstanceForTesting();
        w.setPolicy(Policy.COUNT);
    }

    private static void nest(Lock first, Lock second) {
        first.lock();
        second.lock();
        second.unlock();
        first.unlock();
    }

    @Test
    void reentrantLocksLearnAndReport() {
        WitnessReentrantLock a = WitnessLocks.reentrantLock(w, "a", false);
        WitnessReentrantLock b = WitnessLocks.reentrantLock(w, "b", true);
        nest(a, b);
        nest(b, a);
        assertEquals(List.of("b", "a"), w.reports().get(0).classes());
        assertEquals("a", a.lockClass().name());
    }

    @Test
    void reentrancyIsNotMisuse() {
        WitnessReentrantLock a = WitnessLocks.reentrantLock(w, "a", false);
        a.lock();
        a.lock();
        assertEquals(List.of("a"), w.heldLocks());
        a.unlock();
        a.unlock();
        assertEquals(List.of(), w.heldLocks());
        assertEquals(0, w.reportCount());
    }

    @Test
    void tryLockAndTimedTryLock() throws Exception {
        WitnessReentrantLock a = WitnessLocks.reentrantLock(w, "a", false);
        WitnessReentrantLock b = WitnessLocks.reentrantLock(w, "b", false);
        a.lock();
        assertTrue(b.tryLock());
        b.unlock();
        a.unlock();
        assertEquals(false, w.hasOrder("a", "b"), "an untimed tryLock cannot wait: no order");
        a.lock();
        assertTrue(b.tryLock(1, TimeUnit.SECONDS));
        b.unlock();
        a.unlock();
        assertTrue(w.hasOrder("a", "b"), "a timed tryLock may wait: it orders");
    }

    @Test
    void readLockCyclesCountBecauseWritersBlockNewReaders() {
        WitnessReadWriteLock x = WitnessLocks.readWriteLock(w, "x", false);
        WitnessReadWriteLock y = WitnessLocks.readWriteLock(w, "y", false);
        nest(x.readLock(), y.readLock());
        nest(y.readLock(), x.readLock());
        assertEquals(1, w.reportCount());
        assertEquals(ReportKind.LOCK_ORDER_REVERSAL, w.reports().get(0).kind());
    }

    @Test
    void writeWhileHoldingReadIsReportedBeforeTheSelfDeadlock() {
        w.setPolicy(Policy.THROW);
        WitnessReadWriteLock x = WitnessLocks.readWriteLock(w, "x", false);
        x.readLock().lock();
        WitnessException e = assertThrows(WitnessException.class, () -> x.writeLock().lock());
        assertEquals(ReportKind.RECURSION, e.report().kind());
        x.readLock().unlock();
        x.writeLock().lock();
        x.readLock().lock(); // downgrade path: allowed
        x.writeLock().unlock();
        x.readLock().unlock();
        assertEquals(List.of(), w.heldLocks());
    }

    @Test
    void conditionWaitHoldingAnotherLockIsReported() throws Exception {
        WitnessReentrantLock outer = WitnessLocks.reentrantLock(w, "outer", false);
        WitnessReentrantLock inner = WitnessLocks.reentrantLock(w, "inner", false);
        Condition c = inner.newCondition();
        inner.lock();
        c.await(1, TimeUnit.NANOSECONDS);
        inner.unlock();
        assertEquals(0, w.reportCount(), "the wait releases its own lock");
        outer.lock();
        inner.lock();
        c.awaitNanos(1);
        inner.unlock();
        outer.unlock();
        assertEquals(ReportKind.SLEEP_WITH_LOCK, w.reports().get(0).kind());
        assertEquals(List.of("outer"), w.reports().get(0).classes());
    }

    @Test
    void uncheckedWhenWitnessIsNull() {
        WitnessReentrantLock a = WitnessLocks.reentrantLock(null, "a", false);
        WitnessReadWriteLock x = WitnessLocks.readWriteLock(null, "x", true);
        a.lock();
        x.writeLock().lock();
        x.writeLock().newCondition();
        x.writeLock().unlock();
        a.unlock();
        assertNull(a.lockClass());
        assertTrue(x.isFair());
    }
}
