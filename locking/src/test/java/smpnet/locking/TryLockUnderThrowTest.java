package smpnet.locking;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiFunction;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import smpnet.witness.Policy;
import smpnet.witness.ReportKind;
import smpnet.witness.Witness;
import smpnet.witness.WitnessException;

/**
 * Under the THROW policy a try acquisition that witness refuses (a second lock of a non-DUPOK class, a
 * shared re-entry of a non-RECURSABLE class) leaves nothing taken: the caller got an exception, not
 * "true", so it will never unlock. Before, the lock stayed held for good and no thread could take it.
 */
class TryLockUnderThrowTest {
    private Witness w;

    @BeforeEach
    void throwing() {
        w = Witness.newInstanceForTesting();
        w.setPolicy(Policy.THROW);
    }

    /** a held, b refused by witness; afterwards another thread can take b, and witness holds only a. */
    private void refusedTryLeavesNothingTaken(ExclusiveLock a, ExclusiveLock b) throws Exception {
        a.lock();
        WitnessException e = assertThrows(WitnessException.class, b::tryLock);
        assertEquals(ReportKind.DUPLICATE, e.report().kind());
        assertEquals(List.of(a.className()), w.heldLocks());
        assertTrue(freeForAnotherThread(b), "b is free again");
        a.unlock();
        assertEquals(List.of(), w.heldLocks());
    }

    /** Whether another thread can take {@code l} (and gives it back). */
    private static boolean freeForAnotherThread(ExclusiveLock l) throws Exception {
        return CompletableFuture.supplyAsync(() -> {
            boolean got = l.tryLock();
            if (got) l.unlock();
            return got;
        }).get();
    }

    private void eachExclusive(BiFunction<String, Witness, ExclusiveLock> make) throws Exception {
        refusedTryLeavesNothingTaken(make.apply("tt", w), make.apply("tt", w));
    }

    @Test
    void mutex() throws Exception { eachExclusive((n, wi) -> new Mutex(n, 0, smpnet.witness.LockKind.MUTEX, wi)); }

    @Test
    void spinMutex() throws Exception { eachExclusive((n, wi) -> new SpinMutex(n, 0, wi)); }

    @Test
    void sxLock() throws Exception { eachExclusive((n, wi) -> new SxLock(n, 0, wi)); }

    @Test
    void rwLock() throws Exception { eachExclusive((n, wi) -> new RwLock(n, 0, wi)); }

    @Test
    void rmLock() throws Exception { eachExclusive((n, wi) -> new RmLock(n, 0, wi)); }

    /**
     * A blocking lock() or lockShared() that found the lock free is checked after it took it (one witness
     * hook): refused under THROW (a reversal, a duplicate), it gives the hold back before the exception
     * reaches the caller. Every primitive, both modes.
     */
    @Test
    void aRefusedUncontendedLockLeavesTheLockFree() throws Exception {
        refusedUncontended("mutex", (n, wi) -> new Mutex(n, 0, smpnet.witness.LockKind.MUTEX, wi), true);
        refusedUncontended("spin", (n, wi) -> new SpinMutex(n, 0, wi), true);
        refusedUncontended("sx", (n, wi) -> new SxLock(n, 0, wi), true);
        refusedUncontended("rw", (n, wi) -> new RwLock(n, 0, wi), true);
        refusedUncontended("rm", (n, wi) -> new RmLock(n, 0, wi), true);
        refusedUncontended("sx_s", (n, wi) -> new SxLock(n, 0, wi), false);
        refusedUncontended("rw_s", (n, wi) -> new RwLock(n, 0, wi), false);
        refusedUncontended("rm_s", (n, wi) -> new RmLock(n, 0, wi), false);
    }

    /** Learns a -> b, then takes a holding b (refused: reversal) and a second b (refused: duplicate). */
    private void refusedUncontended(String kind, BiFunction<String, Witness, ExclusiveLock> make, boolean exclusive)
            throws Exception {
        ExclusiveLock a = make.apply("lt_a_" + kind, w);
        ExclusiveLock b = make.apply("lt_b_" + kind, w);
        take(a, exclusive);
        take(b, exclusive);
        give(b, exclusive);
        give(a, exclusive);
        take(b, exclusive);
        WitnessException e = assertThrows(WitnessException.class, () -> take(a, exclusive), kind);
        assertEquals(ReportKind.LOCK_ORDER_REVERSAL, e.report().kind());
        assertEquals(List.of(b.className()), w.heldLocks());
        assertTrue(!a.isOwned() && freeForAnotherThread(a), kind + ": a was given back");
        ExclusiveLock b2 = make.apply(b.className(), w);
        e = assertThrows(WitnessException.class, () -> take(b2, exclusive), kind);
        assertEquals(ReportKind.DUPLICATE, e.report().kind());
        assertTrue(freeForAnotherThread(b2), kind + ": b2 was given back");
        give(b, exclusive);
        assertEquals(List.of(), w.heldLocks());
    }

    private static void take(ExclusiveLock l, boolean exclusive) {
        if (exclusive) l.lock(); else ((SharedExclusiveLock) l).lockShared();
    }

    private static void give(ExclusiveLock l, boolean exclusive) {
        if (exclusive) l.unlock(); else ((SharedExclusiveLock) l).unlockShared();
    }

    /**
     * An rm writer that took the writer flag and finds readers in is checked before it waits for them:
     * refused, it gives the flag back, so readers still get in.
     */
    @Test
    void aRefusedRmWriterWaitingForReadersGivesTheWriterFlagBack() throws Exception {
        RmLock rm = new RmLock("lt_rm", 0, w);
        Mutex m = new Mutex("lt_rm_m", 0, smpnet.witness.LockKind.MUTEX, w);
        rm.lock();
        m.lock();
        m.unlock();
        rm.unlock();
        java.util.concurrent.CountDownLatch in = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch out = new java.util.concurrent.CountDownLatch(1);
        Thread reader = new Thread(() -> {
            rm.lockShared();
            in.countDown();
            try {
                out.await();
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
            }
            rm.unlockShared();
        }, "lt-reader");
        reader.start();
        in.await();
        m.lock();
        WitnessException e = assertThrows(WitnessException.class, rm::lock);
        assertEquals(ReportKind.LOCK_ORDER_REVERSAL, e.report().kind());
        assertEquals(1, rm.readers());
        assertTrue(CompletableFuture.supplyAsync(() -> {
            boolean got = rm.tryLockShared();
            if (got) rm.unlockShared();
            return got;
        }).get(), "no writer flag keeps readers out");
        m.unlock();
        out.countDown();
        reader.join();
        assertTrue(freeForAnotherThread(rm));
    }

    @Test
    void sharedReentryOfANonRecursableClassIsGivenBack() throws Exception {
        for (SharedExclusiveLock l : List.of(new SxLock("ts_sx", 0, w), new RwLock("ts_rw", 0, w), new RmLock("ts_rm", 0, w))) {
            l.lockShared();
            WitnessException e = assertThrows(WitnessException.class, l::tryLockShared);
            assertEquals(ReportKind.RECURSION, e.report().kind());
            l.unlockShared(); // the one hold the caller has
            assertTrue(l.tryLock(), l + " is free: the refused re-entry left no read hold");
            l.unlock();
        }
        assertEquals(List.of(), w.heldLocks());
    }
}
