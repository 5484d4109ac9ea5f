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
import java.util.concurrent.CompletableFuture;
import smpnet.witness.LockFlags;
import smpnet.witness.LockKind;
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

    @Test
    void aTryRefusedUnderThrowLeavesTheLockFree() throws Exception {
        w.setPolicy(Policy.THROW);
        WitnessReentrantLock a = WitnessLocks.reentrantLock(w, "acct", false);
        WitnessReentrantLock b = WitnessLocks.reentrantLock(w, "acct", false);
        WitnessReadWriteLock x = WitnessLocks.readWriteLock(w, "acct", false);
        a.lock();
        assertEquals(ReportKind.DUPLICATE, assertThrows(WitnessException.class, b::tryLock).report().kind());
        assertThrows(WitnessException.class, () -> x.readLock().tryLock());
        assertThrows(WitnessException.class, () -> x.writeLock().tryLock());
        assertEquals(false, b.isLocked(), "the refused try gave the JDK lock back");
        assertEquals(0, x.getReadLockCount() + (x.isWriteLocked() ? 1 : 0));
        assertTrue(CompletableFuture.supplyAsync(() -> {
            boolean got = b.tryLock();
            if (got) {
                b.unlock();
            }
            return got;
        }).get());
        a.unlock();
        assertEquals(List.of(), w.heldLocks());
    }

    /** A non-fair lock() takes a free lock first and tells witness after: refused, it gives the lock back. */
    @Test
    void aBlockingLockRefusedUnderThrowLeavesTheLockFree() {
        w.setPolicy(Policy.THROW);
        for (boolean fair : new boolean[] {false, true}) {
            WitnessReentrantLock a = WitnessLocks.reentrantLock(w, "ra" + fair, fair);
            WitnessReentrantLock b = WitnessLocks.reentrantLock(w, "rb" + fair, fair);
            nest(a, b);
            b.lock();
            WitnessException e = assertThrows(WitnessException.class, a::lock);
            assertEquals(ReportKind.LOCK_ORDER_REVERSAL, e.report().kind());
            assertEquals(false, a.isLocked(), "fair " + fair + ": the refused lock() gave the JDK lock back");
            assertEquals(List.of("rb" + fair), w.heldLocks());
            b.lock(); // reentrancy still counts
            assertEquals(2, b.getHoldCount());
            b.unlock();
            b.unlock();
            assertEquals(List.of(), w.heldLocks());
        }
    }

    @Test
    void adaptersTakeFlags() {
        WitnessReentrantLock a = WitnessLocks.reentrantLock(w, "account", LockFlags.DUPOK, false);
        WitnessReentrantLock b = WitnessLocks.reentrantLock(w, "account", LockFlags.DUPOK, false);
        WitnessReadWriteLock r = WitnessLocks.readWriteLock(w, "ledger", LockFlags.DUPOK, false);
        WitnessReadWriteLock s = WitnessLocks.readWriteLock(w, "ledger", LockFlags.DUPOK, false);
        nest(a, b);
        nest(r.writeLock(), s.writeLock());
        assertEquals(0, w.reportCount(), "two DUPOK locks of one class nest without a DUPLICATE report");
        assertEquals(LockFlags.RECURSABLE | LockFlags.DUPOK, a.lockClass().flags());
    }

    @Test
    void aClassRegisteredOrDeclaredFirstKeepsItsFlags() {
        w.lockClass("account", LockKind.MUTEX, LockFlags.RECURSABLE | LockFlags.DUPOK);
        nest(WitnessLocks.reentrantLock(w, "account", false), WitnessLocks.reentrantLock(w, "account", false));
        w.importText("class teller MUTEX DUPOK\n", "orders.txt");
        WitnessReentrantLock t = WitnessLocks.reentrantLock(w, "teller", false);
        nest(t, WitnessLocks.reentrantLock(w, "teller", false));
        assertEquals(0, w.reportCount());
        assertEquals(LockFlags.RECURSABLE | LockFlags.DUPOK, t.lockClass().flags(), "the order file's DUPOK stays");
        w.lockClass("plain", LockKind.MUTEX, LockFlags.DUPOK);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> WitnessLocks.reentrantLock(w, "plain", false));
        assertTrue(e.getMessage().contains("at least flags=RECURSABLE"), e.getMessage());
    }
}
