package smpnet.locking;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import smpnet.locking.scripted.ScriptedScheduler;
import smpnet.witness.LockFlags;

/** Behaviour of {@link Mutex}: ownership, recursion, assertions, contention and hand-off. */
class MutexTest {
    private final List<String> log = new CopyOnWriteArrayList<>();

    /** A worker body that takes {@code m} once and logs {@code entry} while holding it. */
    private Runnable logUnder(Mutex m, String entry) {
        return () -> {
            m.lock();
            log.add(entry);
            m.unlock();
        };
    }

    private static String me() { return "thread \"" + Thread.currentThread().getName() + "\""; }

    @Test
    void lockMakesTheCallerOwner() {
        Mutex m = new Mutex("mtx_owner");
        assertFalse(m.isOwned());
        assertNull(m.owner());
        m.lock();
        assertTrue(m.isOwned());
        assertSame(Thread.currentThread(), m.owner());
        assertEquals(1, m.recursionDepth());
        m.assertOwned();
        m.assertNotRecursed();
        m.unlock();
        assertFalse(m.isOwned());
        m.assertNotOwned();
    }

    @Test
    void recursionOnANonRecursiveMutexFailsLoudly() {
        Mutex m = new Mutex("mtx_norecurse");
        m.lock();
        LockAssertionError e = assertThrows(LockAssertionError.class, m::lock);
        assertEquals(m + " recursed on a non-recursive lock by " + me() + " (held by " + me() + ")", e.getMessage());
        assertFalse(m.tryLock());
        m.unlock();
    }

    @Test
    void recursableMutexCountsItsDepth() {
        Mutex m = new Mutex("mtx_recurse", LockFlags.RECURSABLE);
        m.lock();
        assertTrue(m.tryLock());
        m.lock();
        assertEquals(3, m.recursionDepth());
        m.assertRecursed();
        m.unlock();
        m.unlock();
        m.assertNotRecursed();
        m.unlock();
        assertEquals(0, m.recursionDepth());
    }

    @Test
    void assertionsNameLockClassAndOwner() {
        Mutex m = new Mutex("mtx_assert");
        assertTrue(m.toString().matches("mutex \"mtx_assert\" @[0-9a-f]+"));
        LockAssertionError notOwned = assertThrows(LockAssertionError.class, m::assertOwned);
        assertEquals(m + " not owned by " + me() + " (held by nobody)", notOwned.getMessage());
        LockAssertionError unlock = assertThrows(LockAssertionError.class, m::unlock);
        assertEquals(m + " unlocked but not owned by " + me() + " (held by nobody)", unlock.getMessage());
        m.lock();
        LockAssertionError owned = assertThrows(LockAssertionError.class, m::assertNotOwned);
        assertEquals(m + " owned by " + me() + " (held by " + me() + ")", owned.getMessage());
        LockAssertionError recursed = assertThrows(LockAssertionError.class, m::assertRecursed);
        assertEquals(m + " not recursed by " + me() + " (held by " + me() + ")", recursed.getMessage());
        m.unlock();
    }

    @Test
    void contendedLockBlocksUntilTheOwnerReleases() {
        Mutex m = new Mutex("mtx_contend");
        ScriptedScheduler s = new ScriptedScheduler("A B A*");
        s.startWorker("A", 0, () -> {
            m.lock();
            log.add("A in");
            log.add("A still owns: " + (m.owner() == Thread.currentThread()));
            m.unlock();
        });
        s.startWorker("B", 1, logUnder(m, "B in"));
        s.runAll();
        assertEquals(List.of("A in", "A still owns: true", "B in"), log);
        assertEquals(List.of("A", "B (A runnable)", "A (B parked on " + m + ")", "A done", "B (A done)", "B done"),
                s.trace());
    }

    /**
     * Release frees the mutex and wakes the waiter; the releaser, still running, may take it back first
     * (barging): under strict hand-off it would have blocked behind B here, a lock convoy.
     */
    @Test
    void releaseWakesTheWaiterAndTheRunningReleaserMayBargeBackIn() {
        Mutex m = new Mutex("mtx_barge");
        ScriptedScheduler s = new ScriptedScheduler("A B A*");
        s.startWorker("A", 0, () -> {
            logUnder(m, "A first").run();
            logUnder(m, "A again").run();
        });
        s.startWorker("B", 1, logUnder(m, "B"));
        s.runAll();
        assertEquals(List.of("A first", "A again", "B"), log);
        assertEquals(List.of("A", "B (A runnable)", "A (B parked on " + m + ")", "A done", "B (A done)", "B done"),
                s.trace());
    }

    /**
     * Bounded starvation: B is woken, runs, finds the mutex barged by A and asks for hand-off; A's next
     * release makes B the owner, so A's third acquisition must wait for B.
     */
    @Test
    void aWokenWaiterThatLostOnceIsHandedTheMutexOnTheNextRelease() {
        Mutex m = new Mutex("mtx_handoff");
        ScriptedScheduler s = new ScriptedScheduler("A B A A B A*");
        s.startWorker("A", 0, () -> {
            logUnder(m, "A first").run();
            m.lock();
            log.add("A again");
            Schedulers.point();
            log.add("B queued for hand-off: " + m.hasWaiters());
            m.unlock();
            logUnder(m, "A third").run();
        });
        s.startWorker("B", 1, logUnder(m, "B"));
        s.runAll();
        assertEquals(List.of("A first", "A again", "B queued for hand-off: true", "B", "A third"), log);
        String parked = " parked on " + m + ")";
        // B runs once while A holds the barged mutex ("B (A runnable)" the second time) and queues again;
        // A's third lock then parks ("B (A parked ...)") because the release handed the mutex to B.
        assertEquals(List.of("A", "B (A runnable)", "A (B" + parked, "B (A runnable)", "A (B" + parked,
                "B (A" + parked, "B done", "A (B done)", "A done"), s.trace());
    }

    @Test
    void tryLockFailsWhileAnotherThreadOwnsIt() {
        Mutex m = new Mutex("mtx_try");
        ScriptedScheduler s = new ScriptedScheduler("A B* A*");
        s.startWorker("A", 0, () -> {
            m.lock();
            m.unlock();
        });
        s.startWorker("B", 1, () -> log.add("B try " + m.tryLock()));
        s.runAll();
        assertEquals(List.of("B try false"), log);
    }

    @Test
    void manyThreadsKeepMutualExclusionOnFreeThreads() throws InterruptedException {
        Mutex m = new Mutex("mtx_many");
        int[] counter = {0};
        Thread[] ts = new Thread[4];
        for (int i = 0; i < ts.length; i++) {
            ts[i] = Schedulers.current().startWorker("w" + i, i, () -> {
                for (int j = 0; j < 20_000; j++) {
                    m.lock();
                    counter[0]++;
                    m.unlock();
                }
            });
        }
        for (Thread t : ts) t.join();
        m.lock();
        assertEquals(80_000, counter[0]);
        m.unlock();
    }
}
