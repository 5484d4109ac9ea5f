package smpnet.locking;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import smpnet.locking.scripted.ScriptedScheduler;
import smpnet.witness.LockKind;
import smpnet.witness.Policy;
import smpnet.witness.Report;
import smpnet.witness.ReportKind;
import smpnet.witness.Witness;

/**
 * Behaviour of {@link RmLock}, the read-mostly lock: readers on different CPUs share it, a writer drains the
 * readers already in and holds new ones off, and waiters race when it leaves. Interleavings are scripted.
 */
class RmLockTest {
    private final List<String> log = new CopyOnWriteArrayList<>();

    private static String me() { return "thread \"" + Thread.currentThread().getName() + "\""; }

    @Test
    void readersOnTwoCpusShareAndAWriterWaitsForBoth() {
        RmLock l = new RmLock("rm_share");
        ScriptedScheduler s = new ScriptedScheduler("A B W A* B*");
        s.startWorker("A", 0, () -> reader(l, "A"));
        s.startWorker("B", 1, () -> reader(l, "B"));
        s.startWorker("W", 2, () -> writer(l, "W"));
        s.runAll();
        assertEquals(List.of("A reads with 2 readers", "A done", "B reads with 1 readers", "B done", "W writes"), log);
        assertEquals(0, l.readers());
        assertFalse(l.hasWaiters());
    }

    @Test
    void aDrainingWriterHoldsNewReadersOff() {
        RmLock l = new RmLock("rm_wpref");
        ScriptedScheduler s = new ScriptedScheduler("A W B A*");
        s.startWorker("A", 0, () -> reader(l, "A"));
        s.startWorker("W", 2, () -> writer(l, "W"));
        s.startWorker("B", 1, () -> {
            log.add("B try " + l.tryLockShared());
            reader(l, "B");
        });
        s.runAll();
        // B counted itself in, saw the writer's flag, counted itself out (waking W) and queued.
        assertEquals(List.of("B try false", "A reads with 1 readers", "A done", "W writes", "B reads with 1 readers",
                "B done"), log);
    }

    @Test
    void aReaderMayRecurseSharedPastADrainingWriter() {
        RmLock l = new RmLock("rm_rrec");
        ScriptedScheduler s = new ScriptedScheduler("A W A*");
        s.startWorker("A", 0, () -> {
            l.lockShared();
            Schedulers.current().schedulingPoint();
            l.lockShared();
            l.assertRecursed();
            log.add("A recursed shared, counted " + l.readers());
            l.unlockShared();
            l.unlockShared();
        });
        s.startWorker("W", 2, () -> writer(l, "W"));
        s.runAll();
        assertEquals(List.of("A recursed shared, counted 1", "W writes"), log);
    }

    @Test
    void aLeavingWriterWakesEveryoneAndTheyRace() {
        RmLock l = new RmLock("rm_race");
        ScriptedScheduler s = new ScriptedScheduler("W R V W*");
        s.startWorker("W", 0, () -> {
            l.lock();
            Schedulers.current().schedulingPoint();
            log.add("W writes");
            l.unlock();
            writer(l, "W again");
        });
        s.startWorker("R", 1, () -> reader(l, "R"));
        s.startWorker("V", 2, () -> writer(l, "V"));
        s.runAll();
        // No hand-off: W, still running, takes the flag again before the woken R and V get to run.
        assertEquals(List.of("W writes", "W again writes", "R reads with 1 readers", "R done", "V writes"), log);
    }

    @Test
    void writersTakeTurnsThroughTheFlag() {
        RmLock l = new RmLock("rm_ww");
        ScriptedScheduler s = new ScriptedScheduler("W V W*");
        s.startWorker("W", 0, () -> {
            l.lock();
            Schedulers.current().schedulingPoint();
            log.add("W writes, V waits " + l.hasWaiters());
            l.unlock();
        });
        s.startWorker("V", 1, () -> writer(l, "V"));
        s.runAll();
        assertEquals(List.of("W writes, V waits true", "V writes"), log);
    }

    @Test
    void aTryLockBesideReadersGivesTheFlagBackAndWakesTheReadersItTurnedAway() {
        RmLock l = new RmLock("rm_try");
        ScriptedScheduler s = new ScriptedScheduler("A T A*");
        s.startWorker("A", 0, () -> reader(l, "A"));
        s.startWorker("T", 1, () -> {
            log.add("T try " + l.tryLock());
            reader(l, "T");
            log.add("T try alone " + l.tryLock());
            l.unlock();
        });
        s.runAll();
        assertEquals(List.of("T try false", "A reads with 2 readers", "A done", "T reads with 1 readers", "T done",
                "T try alone true"), log);
    }

    @Test
    void aForeignThreadSharesAsAWorkerDoes() throws Exception {
        RmLock l = new RmLock("rm_foreign");
        l.lockShared();
        Thread other = new Thread(() -> {
            l.lockShared();
            log.add("other reads with " + l.readers() + " readers");
            l.unlockShared();
        });
        other.start();
        other.join();
        assertEquals(1, l.readers());
        l.unlockShared();
        assertTrue(l.tryLock());
        l.unlock();
        assertEquals(List.of("other reads with 2 readers"), log);
    }

    @Test
    void assertionsAndMisuseFailLoudly() {
        RmLock l = new RmLock("rm_assert");
        LockAssertionError notHeld = assertThrows(LockAssertionError.class, l::assertLocked);
        assertEquals("rm \"rm_assert\" @" + Integer.toHexString(System.identityHashCode(l)) + " not held by " + me()
                + " (held by nobody)", notHeld.getMessage());
        assertThrows(LockAssertionError.class, l::unlockShared);
        l.lockShared();
        l.assertShared();
        l.assertLocked();
        l.assertNotRecursed();
        assertFalse(l.isOwned());
        LockAssertionError excl = assertThrows(LockAssertionError.class, l::assertExclusive);
        assertEquals(l + " not held exclusive by " + me() + " (held by 1 reader)", excl.getMessage());
        LockAssertionError upgrade = assertThrows(LockAssertionError.class, l::lock);
        assertEquals(l + " acquired exclusive while held shared (a deadlock) by " + me() + " (held by 1 reader)",
                upgrade.getMessage());
        assertFalse(l.tryLock());
        l.unlockShared();
        assertEquals(0, l.readers());
        l.lock();
        assertTrue(l.isOwned());
        l.assertExclusive();
        assertThrows(LockAssertionError.class, l::assertShared);
        LockAssertionError recursed = assertThrows(LockAssertionError.class, l::lock);
        assertEquals(l + " recursed on a non-recursive lock by " + me() + " (held by " + me() + ")", recursed.getMessage());
        assertFalse(l.tryLockShared(), "a writer's own read would deadlock; a try says no");
        LockAssertionError readOwn = assertThrows(LockAssertionError.class, l::lockShared);
        assertEquals(l + " acquired shared while held exclusive (a deadlock) by " + me() + " (held by " + me() + ")",
                readOwn.getMessage());
        l.unlock();
        l.assertNotOwned();
        assertEquals(0, l.readers());
    }

    @Test
    void aCvWaitDropsAndRetakesTheWriteHold() {
        RmLock l = new RmLock("rm_cv");
        CondVar cv = new CondVar("rm_cv_wait");
        ScriptedScheduler s = new ScriptedScheduler("A* B* A*");
        s.startWorker("A", 0, () -> {
            l.lock();
            cv.await(l);
            log.add("A woke owning " + l.isOwned());
            l.unlock();
        });
        s.startWorker("B", 1, () -> {
            l.lockShared();
            log.add("B reads while A waits");
            l.unlockShared();
            l.lock();
            cv.signal();
            l.unlock();
        });
        s.runAll();
        assertEquals(List.of("B reads while A waits", "A woke owning true"), log);
    }

    @Test
    void witnessSeesReadAcquisitionsInTheOrder() {
        Witness w = Witness.newInstanceForTesting();
        w.setPolicy(Policy.COUNT);
        RmLock rm = new RmLock("wh_rm", 0, w);
        Mutex m = new Mutex("wh_rm_inner", 0, LockKind.MUTEX, w);
        rm.lockShared();
        m.lock();
        m.unlock();
        rm.unlockShared();
        m.lock();
        rm.lockShared();
        rm.unlockShared();
        m.unlock();
        assertEquals(List.of(ReportKind.LOCK_ORDER_REVERSAL), w.reports().stream().map(Report::kind).toList());
        assertEquals(List.of("wh_rm_inner", "wh_rm"), w.reports().get(0).classes().subList(0, 2));
    }

    private void reader(RmLock l, String name) {
        l.lockShared();
        log.add(name + " reads with " + l.readers() + " readers");
        Schedulers.current().schedulingPoint();
        l.unlockShared();
        log.add(name + " done");
    }

    private void writer(RmLock l, String name) {
        l.lock();
        log.add(name + " writes");
        l.unlock();
    }
}
