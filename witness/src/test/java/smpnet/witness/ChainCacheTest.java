package smpnet.witness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The per-thread cache of validated chain keys in front of the full set: keys sharing a pair of slots evict
 * each other without losing their verdict, a slot never vouches for another key, and a new report scope
 * checks its chains again, so the cache hides no reversal. Also the one-step hook of an acquisition that did
 * not wait ({@link Witness#acquired}) reports what checkOrder and locked report.
 */
class ChainCacheTest {
    private Witness w;

    @BeforeEach
    void fresh() {
        w = FakeLock.countingWitness();
    }

    /** Single-lock chains ({@code [f]}) whose keys fall in the same pair of cache slots as {@code key}. */
    private List<FakeLock> locksInSlotOf(long key, int wanted) {
        List<FakeLock> out = new ArrayList<>();
        for (int i = 0; out.size() < wanted; i++) {
            FakeLock f = FakeLock.mutex(w, "filler" + i);
            if (ThreadState.cacheSlot(ThreadState.extend(0, f.cls, true)) == ThreadState.cacheSlot(key)) {
                out.add(f);
            }
        }
        return out;
    }

    /** Takes the locks in order with the one-step hook, then releases them in reverse. */
    private static void nest(FakeLock... locks) {
        for (FakeLock l : locks) {
            l.acquire();
        }
        for (int i = locks.length - 1; i >= 0; i--) {
            locks[i].unlock();
        }
    }

    @Test
    void chainsSharingCacheSlotsEvictEachOtherWithoutANewSearch() {
        FakeLock first = FakeLock.mutex(w, "first");
        List<FakeLock> same = locksInSlotOf(ThreadState.extend(0, first.cls, true), 3);
        first.acquire().unlock();
        for (FakeLock f : same) {
            f.acquire().unlock(); // the third evicts [first] from the cache
        }
        int chains = w.validatedChains();
        assertEquals(4, chains);
        long searches = w.searchCount();
        first.acquire().unlock(); // found in the full set, put back in the cache
        same.get(0).acquire().unlock();
        assertEquals(chains, w.validatedChains(), "no chain validated twice");
        assertEquals(searches, w.searchCount());
        assertEquals(List.of(), w.heldLocks());
        assertEquals(0, w.reportCount());
    }

    @Test
    void aCacheCollisionDoesNotHideAReversal() {
        FakeLock a = FakeLock.mutex(w, "a");
        FakeLock b = FakeLock.mutex(w, "b");
        nest(a, b);
        long reversed = ThreadState.extend(ThreadState.extend(0, b.cls, true), a.cls, true);
        for (FakeLock f : locksInSlotOf(reversed, 2)) {
            f.acquire().unlock(); // both slots of [b a]'s pair now hold validated keys
        }
        nest(b, a);
        assertEquals(1, w.reportCount());
        Report r = w.reports().get(0);
        assertEquals(ReportKind.LOCK_ORDER_REVERSAL, r.kind());
        assertEquals(List.of("b", "a"), r.classes());
    }

    @Test
    void aReversalIsReportedAgainInANewScopeAfterItsChainWasCached() {
        FakeLock a = FakeLock.mutex(w, "a");
        FakeLock b = FakeLock.mutex(w, "b");
        nest(a, b);
        try (Witness.Registration ignored = w.enterScope("first")) {
            for (int i = 0; i < 3; i++) {
                nest(b, a); // reported the first time; the chain is then validated (cached) in this scope
            }
        }
        assertEquals(1, w.reportCount());
        Object scope = new Object();
        List<Report> heard = new java.util.concurrent.CopyOnWriteArrayList<>();
        try (Witness.Registration listening = Witness.listen(r -> { if (r.scope() == scope) heard.add(r); });
             Witness.Registration ignored = w.enterScope(scope)) {
            nest(b, a);
        }
        assertEquals(2, w.reportCount(), "the same reversal, made in another scope, is reported to it");
        assertEquals(1, heard.size());
        assertEquals(ReportKind.LOCK_ORDER_REVERSAL, heard.get(0).kind());
        assertEquals(List.of("b", "a"), heard.get(0).classes());
    }

    @Test
    void aChainCachedInOneThreadIsCheckedInAnother() throws Exception {
        FakeLock a = FakeLock.mutex(w, "a");
        FakeLock b = FakeLock.mutex(w, "b");
        Thread t = new Thread(() -> nest(a, b));
        t.start();
        t.join();
        assertEquals(0, w.validatedChains(), "validated chains belong to the thread that met them");
        nest(b, a);
        assertEquals(1, w.reportCount());
    }

    @Test
    void theOneStepHookThrowsBeforeRecordingTheHoldUnderThrow() {
        w.setPolicy(Policy.THROW);
        FakeLock a = FakeLock.mutex(w, "a");
        FakeLock b = FakeLock.mutex(w, "b");
        nest(a, b);
        b.acquire();
        WitnessException e = assertThrows(WitnessException.class, a::acquire);
        assertEquals(ReportKind.LOCK_ORDER_REVERSAL, e.report().kind());
        assertEquals(List.of("b"), w.heldLocks(), "the refused acquisition is not recorded");
        b.unlock();
        assertEquals(List.of(), w.heldLocks());
        FakeLock b2 = FakeLock.mutex(w, "b");
        b.acquire();
        e = assertThrows(WitnessException.class, b2::acquire);
        assertEquals(ReportKind.DUPLICATE, e.report().kind());
        assertEquals(List.of("b"), w.heldLocks());
        b.unlock();
        assertTrue(w.heldLocks().isEmpty());
    }
}
