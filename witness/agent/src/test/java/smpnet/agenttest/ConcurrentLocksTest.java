package smpnet.agenttest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.junit.jupiter.api.Test;

/** java.util.concurrent.locks locks in code the agent rewrote: named by field or site, checked like witness's adapters. */
class ConcurrentLocksTest {
    static final class Store {
        private final ReentrantLock stock = new ReentrantLock();
        private final ReentrantReadWriteLock prices = new ReentrantReadWriteLock();
        private final Lock ledger; // through the Lock interface, allocated in the constructor
        private final Condition restocked;

        Store() {
            ledger = new ReentrantLock();
            restocked = stock.newCondition();
        }
    }

    @Test
    void lockThenReadLockAndBackIsAReversalOnTheFieldNames() {
        Store s = new Store();
        try (Recorder rec = new Recorder()) {
            s.stock.lock();
            try {
                s.prices.readLock().lock();
                s.prices.readLock().unlock();
            } finally {
                s.stock.unlock();
            }
            s.prices.writeLock().lock();
            try {
                s.stock.lock();
                s.stock.unlock();
            } finally {
                s.prices.writeLock().unlock();
            }
            assertEquals(List.of("LOCK_ORDER_REVERSAL smpnet.agenttest.ConcurrentLocksTest$Store.prices,smpnet.agenttest.ConcurrentLocksTest$Store.stock"),
                    rec.summary());
            assertTrue(rec.reports().get(0).text().contains("  while holding: smpnet.agenttest.ConcurrentLocksTest$Store.prices (mutex, exclusive)\n"));
        }
        assertEquals(List.of(), Recorder.witness().heldLocks());
    }

    @Test
    void theReadAndWriteViewsAreOneLockAndTryLockLearnsNoOrder() throws InterruptedException {
        Store s = new Store();
        try (Recorder rec = new Recorder()) {
            s.prices.writeLock().lock();
            s.prices.readLock().lock(); // a downgrade: shared while holding exclusive is a recursion witness allows
            s.prices.writeLock().unlock();
            assertEquals(List.of("smpnet.agenttest.ConcurrentLocksTest$Store.prices"), Recorder.witness().heldLocks());
            s.prices.readLock().unlock();
            s.ledger.lock();
            try {
                assertTrue(s.stock.tryLock()); // a try never waits: ledger -> stock is not an order
                s.stock.unlock();
                assertTrue(s.stock.tryLock(1, TimeUnit.MILLISECONDS)); // a timed try may wait: it is
                s.stock.unlock();
            } finally {
                s.ledger.unlock();
            }
            assertEquals(List.of(), rec.summary());
        }
        assertTrue(Recorder.witness().hasOrder("smpnet.agenttest.ConcurrentLocksTest$Store.ledger", "smpnet.agenttest.ConcurrentLocksTest$Store.stock"));
        assertFalse(Recorder.witness().hasOrder("smpnet.agenttest.ConcurrentLocksTest$Store.stock", "smpnet.agenttest.ConcurrentLocksTest$Store.ledger"));
    }

    @Test
    void awaitingWithAnotherLockHeldIsReportedAndTheConditionsOwnLockIsNot() throws InterruptedException {
        Store s = new Store();
        try (Recorder rec = new Recorder()) {
            s.stock.lock();
            try {
                assertFalse(s.restocked.await(1, TimeUnit.MICROSECONDS));
            } finally {
                s.stock.unlock();
            }
            assertEquals(List.of(), rec.summary());
            s.ledger.lock();
            try {
                s.stock.lock();
                try {
                    s.restocked.awaitNanos(1000);
                } finally {
                    s.stock.unlock();
                }
            } finally {
                s.ledger.unlock();
            }
            assertEquals(List.of("SLEEP_WITH_LOCK smpnet.agenttest.ConcurrentLocksTest$Store.ledger"), rec.summary());
        }
    }

    @Test
    void locksOfOneSiteHeldTogetherAreDupokAndALocalLockIsNamedByItsSite() {
        try (Recorder rec = new Recorder()) {
            ReentrantLock[] accounts = new ReentrantLock[2];
            for (int i = 0; i < accounts.length; i++) {
                accounts[i] = new ReentrantLock();
            }
            accounts[0].lock();
            accounts[1].lock();
            assertEquals(List.of("smpnet.agenttest.ConcurrentLocksTest.locksOfOneSiteHeldTogetherAreDupokAndALocalLockIsNamedByItsSite",
                    "smpnet.agenttest.ConcurrentLocksTest.locksOfOneSiteHeldTogetherAreDupokAndALocalLockIsNamedByItsSite"),
                    Recorder.witness().heldLocks());
            accounts[1].unlock();
            accounts[0].unlock();
            assertEquals(List.of(), rec.summary());
        }
    }
}
