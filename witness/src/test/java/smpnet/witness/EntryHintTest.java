package smpnet.witness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The entry fast paths ({@link Witness#reacquired}, {@link Witness#releasedTop}) of a lock that keeps its
 * thread state and held-stack entry as smpnet's locks do: a validated nesting taken again goes through them
 * and searches nothing, while everything they cannot vouch for (a new chain on top of a validated prefix, a
 * lock at another depth, another thread, a new scope, entries moved by an out-of-order release) falls back
 * to the full hooks, which still check and report.
 */
class EntryHintTest {
    private Witness w;
    private HintedLock a;
    private HintedLock b;
    private HintedLock c;

    @BeforeEach
    void fresh() {
        w = FakeLock.countingWitness();
        a = lock("a");
        b = lock("b");
        c = lock("c");
    }

    /** A lock that keeps witness's hints as LockBase does, and counts how often the fast paths answered. */
    private final class HintedLock {
        final LockClass cls;
        ThreadState state;
        ThreadState.Entry entry;
        int fastAcquires;
        int fastReleases;

        HintedLock(String name, int flags) {
            cls = w.lockClass(name, LockKind.MUTEX, flags);
        }

        HintedLock acquire() {
            if (w.reacquired(state, entry, this, cls, true)) {
                fastAcquires++;
            } else {
                state = w.acquired(state, this, cls, true);
                ThreadState.Entry e = w.entryOf(state, this);
                if (e != null) {
                    entry = e;
                }
            }
            return this;
        }

        void release() {
            if (w.releasedTop(state, entry, this, true)) {
                fastReleases++;
            } else {
                state = w.unlocked(state, this, cls, true);
            }
        }
    }

    private HintedLock lock(String name) { return new HintedLock(name, 0); }

    private static void nest(HintedLock... locks) {
        for (HintedLock l : locks) {
            l.acquire();
        }
        for (int i = locks.length - 1; i >= 0; i--) {
            locks[i].release();
        }
    }

    @Test
    void aValidatedNestingTakenAgainUsesTheEntriesAndSearchesNothing() {
        nest(a, b, c); // checked in full: learns the order, the pushes record their sites
        assertEquals(0, a.fastAcquires + b.fastAcquires + c.fastAcquires);
        nest(a, b, c); // validated chains, pushed by the full hook: the entries now vouch for them
        assertEquals(0, a.fastAcquires + b.fastAcquires + c.fastAcquires);
        int chains = w.validatedChains();
        long searches = w.searchCount();
        for (int i = 0; i < 100; i++) {
            a.acquire();
            b.acquire();
            c.acquire();
            if (i == 0) {
                assertEquals(List.of("a", "b", "c"), w.heldLocks());
            }
            c.release();
            b.release();
            a.release();
        }
        for (HintedLock l : List.of(a, b, c)) {
            assertEquals(100, l.fastAcquires);
            assertEquals(102, l.fastReleases, "every release popped the top entry the lock was pushed into");
        }
        assertEquals(searches, w.searchCount(), "a validated acquisition searches nothing");
        assertEquals(chains, w.validatedChains());
        assertEquals(List.of(), w.heldLocks());
        assertEquals(0, w.reportCount());
    }

    @Test
    void aNewChainOnTopOfAValidatedPrefixIsStillChecked() {
        nest(c, b); // learns c -> b
        nest(a, b);
        nest(a, b); // [a] and [a b] validated, and their entries vouch for them
        long searches = w.searchCount();
        a.acquire();
        b.acquire();
        assertEquals(1, a.fastAcquires);
        assertEquals(1, b.fastAcquires);
        c.acquire(); // [a b c] is new, and b -> c reverses c -> b
        assertEquals(0, c.fastAcquires);
        assertTrue(w.searchCount() > searches, "the new chain was searched");
        assertEquals(1, w.reportCount());
        Report r = w.reports().get(0);
        assertEquals(ReportKind.LOCK_ORDER_REVERSAL, r.kind());
        assertEquals(List.of("b", "c"), r.classes().subList(0, 2));
        assertEquals(List.of("a", "b", "c"), w.heldLocks());
        c.release();
        b.release();
        a.release();
        assertEquals(List.of(), w.heldLocks());
        assertTrue(w.hasOrder("a", "c"), "the new chain's other edge was learned");
        assertFalse(w.hasOrder("b", "c"), "a reversing edge is not added");
    }

    @Test
    void aLockAtAnotherDepthOrADuplicateFallsBackToTheFullCheck() {
        nest(a, b);
        nest(a, b);
        b.acquire(); // b's entry sits at depth 1: at depth 0 it cannot vouch
        assertEquals(0, b.fastAcquires);
        assertEquals(List.of("b"), w.heldLocks());
        b.release();
        HintedLock b2 = lock("b");
        a.acquire();
        b.acquire();
        b2.acquire(); // a second lock of class b: DUPLICATE, whatever the hints say
        assertEquals(List.of(ReportKind.DUPLICATE), w.reports().stream().map(Report::kind).toList());
        assertEquals(List.of("a", "b", "b"), w.heldLocks());
        b2.release();
        b.release();
        a.release();
        assertEquals(List.of(), w.heldLocks());
        assertEquals(0, b.fastAcquires + b2.fastAcquires);
        nest(a, b);
        assertEquals(1, b.fastAcquires, "b's entry vouches again for [a b]");
        assertEquals(1, w.reportCount());
    }

    @Test
    void anOutOfOrderReleaseRenumbersTheEntriesItMoves() {
        nest(a, b, c);
        a.acquire();
        b.acquire();
        c.acquire();
        b.release(); // not the top: the full path removes b, and c's entry moves down to index 1
        assertEquals(1, b.fastReleases);
        assertEquals(List.of("a", "c"), w.heldLocks());
        ThreadState.Entry moved = c.entry;
        assertEquals(1, moved.index);
        assertSame(moved, moved.owner.stack[1]);
        c.release(); // its entry is the top again, at its new index: the fast path pops it
        assertEquals(2, c.fastReleases);
        a.release();
        assertEquals(List.of(), w.heldLocks());
        nest(a, c); // [a c] was never validated (the moved entry's key was cleared): checked in full
        assertEquals(0, c.fastAcquires);
        assertTrue(w.hasOrder("a", "c"));
        assertEquals(List.of(), w.heldLocks());
        assertEquals(0, w.reportCount());
    }

    @Test
    void anotherThreadsEntriesNeverVouch() throws Exception {
        Thread t = new Thread(() -> nest(a, b));
        t.start();
        t.join();
        assertFalse(w.reacquired(a.state, a.entry, a, a.cls, true), "hints of an ended thread");
        assertEquals(0, w.validatedChains());
        nest(b, a);
        assertEquals(0, a.fastAcquires + b.fastAcquires);
        assertEquals(1, w.reportCount(), "checked in this thread: the reversal of the other's order");
        assertEquals(List.of(), w.heldLocks());
    }

    @Test
    void aNewScopeChecksItsChainsAgainThroughTheEntries() {
        nest(a, b);
        nest(a, b);
        nest(a, b);
        assertEquals(1, b.fastAcquires);
        long searches = w.searchCount();
        try (Witness.Registration ignored = w.enterScope("scope")) {
            nest(a, b); // validated chains are forgotten: the entries no longer vouch
            nest(a, b);
            assertEquals(1, b.fastAcquires);
            nest(a, b);
            assertEquals(2, b.fastAcquires);
        }
        assertEquals(searches, w.searchCount(), "the edge is known: checked again without a search");
        assertEquals(0, w.reportCount());
    }

    @Test
    void noFastPathWhileSitesAreRecorded() {
        nest(a);
        nest(a);
        w.setRecordSites(true);
        nest(a);
        assertEquals(0, a.fastAcquires);
        w.setRecordSites(false);
        nest(a);
        nest(a);
        assertEquals(1, a.fastAcquires);
    }
}
