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
     * A blocking lock() that found the mutex free is checked after it took it (one witness hook): refused
     * under THROW (a reversal, a duplicate), it gives the mutex back before the exception reaches the caller.
     */
    @Test
    void aRefusedUncontendedMutexLockLeavesTheMutexFree() throws Exception {
        Mutex a = new Mutex("lt_a", 0, smpnet.witness.LockKind.MUTEX, w);
        Mutex b = new Mutex("lt_b", 0, smpnet.witness.LockKind.MUTEX, w);
        a.lock();
        b.lock();
        b.unlock();
        a.unlock();
        b.lock();
        WitnessException e = assertThrows(WitnessException.class, a::lock);
        assertEquals(ReportKind.LOCK_ORDER_REVERSAL, e.report().kind());
        assertEquals(List.of("lt_b"), w.heldLocks());
        assertTrue(!a.isOwned() && a.owner() == null, "a was given back");
        assertTrue(freeForAnotherThread(a), "a is free again");
        Mutex b2 = new Mutex("lt_b", 0, smpnet.witness.LockKind.MUTEX, w);
        e = assertThrows(WitnessException.class, b2::lock);
        assertEquals(ReportKind.DUPLICATE, e.report().kind());
        assertTrue(b2.owner() == null, "b2 was given back");
        b.unlock();
        assertEquals(List.of(), w.heldLocks());
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
