package smpnet.locking;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import smpnet.witness.LockFlags;
import smpnet.witness.LockKind;
import smpnet.witness.Policy;
import smpnet.witness.Report;
import smpnet.witness.ReportKind;
import smpnet.witness.Witness;

/**
 * The locks report to witness what they do: each scenario runs against a fresh verifier (policy COUNT) and
 * checks exactly which reports it caused.
 */
class WitnessHooksTest {
    private Witness w;

    @BeforeEach
    void freshWitness() {
        w = Witness.newInstanceForTesting();
        w.setPolicy(Policy.COUNT);
    }

    private List<ReportKind> kinds() { return w.reports().stream().map(Report::kind).toList(); }

    @Test
    void aReversedOrderIsReportedWithoutAnyDeadlock() {
        Mutex a = new Mutex("wh_a", 0, LockKind.MUTEX, w);
        Mutex b = new Mutex("wh_b", 0, LockKind.MUTEX, w);
        nest(a, b);
        nest(b, a);
        assertEquals(List.of(ReportKind.LOCK_ORDER_REVERSAL), kinds());
        assertEquals(List.of("wh_b", "wh_a"), w.reports().get(0).classes().subList(0, 2));
    }

    @Test
    void aReversalOnTopOfANestingTheMutexesTakeTheFastWayIsReported() {
        Mutex a = new Mutex("wh_pa", 0, LockKind.MUTEX, w);
        Mutex b = new Mutex("wh_pb", 0, LockKind.MUTEX, w);
        Mutex c = new Mutex("wh_pc", 0, LockKind.MUTEX, w);
        nest(c, b);
        for (int i = 0; i < 3; i++) {
            nest(a, b); // from the third time on, both are pushed back through the entries they keep
        }
        a.lock();
        b.lock();
        c.lock();
        assertEquals(List.of(ReportKind.LOCK_ORDER_REVERSAL), kinds());
        assertEquals(List.of("wh_pb", "wh_pc"), w.reports().get(0).classes().subList(0, 2));
        assertEquals(List.of("wh_pa", "wh_pb", "wh_pc"), w.heldLocks());
        c.unlock();
        b.unlock();
        a.unlock();
        Mutex b2 = new Mutex("wh_pb", 0, LockKind.MUTEX, w);
        a.lock();
        b.lock();
        b2.lock();
        b2.unlock();
        b.unlock();
        a.unlock();
        assertEquals(List.of(ReportKind.LOCK_ORDER_REVERSAL, ReportKind.DUPLICATE), kinds());
        assertEquals(List.of(), w.heldLocks());
    }

    @Test
    void aTryLockNeverClosesACycle() {
        Mutex a = new Mutex("wh_ta", 0, LockKind.MUTEX, w);
        Mutex b = new Mutex("wh_tb", 0, LockKind.MUTEX, w);
        nest(a, b);
        b.lock();
        a.tryLock();
        a.unlock();
        b.unlock();
        assertEquals(List.of(), kinds());
    }

    @Test
    void takingAnSxLockWhileHoldingAMutexIsReported() {
        nest(new Mutex("wh_m", 0, LockKind.MUTEX, w), new SxLock("wh_sx", 0, w));
        assertEquals(List.of(ReportKind.SLEEP_WITH_LOCK), kinds());
    }

    @Test
    void aCvWaitMayReleaseItsOwnMutexButNotHoldAnother() {
        Mutex own = new Mutex("wh_own", 0, LockKind.MUTEX, w);
        Mutex other = new Mutex("wh_other", 0, LockKind.MUTEX, w);
        CondVar cv = new CondVar("wh_cv", w);
        own.lock();
        cv.awaitNanos(own, 0);
        own.unlock();
        assertEquals(List.of(), kinds());
        other.lock();
        own.lock();
        cv.awaitNanos(own, 0);
        own.unlock();
        other.unlock();
        assertEquals(List.of(ReportKind.SLEEP_WITH_LOCK), kinds());
    }

    @Test
    void aCvWaitOnGiantDropsEveryLevelWithoutReports() {
        Giant giant = new Giant(w);
        SxLock sblock = new SxLock("wh_sblock", 0, w);
        CondVar cv = new CondVar("wh_gcv", w);
        sblock.lock();
        giant.lock();
        giant.lock();
        cv.awaitNanos(giant, 0);
        assertEquals(List.of("wh_sblock", "Giant"), w.heldLocks().stream().map(s -> s.split(" ")[0]).distinct().toList());
        giant.releaseAll();
        sblock.unlock();
        assertEquals(List.of(), kinds());
    }

    @Test
    void readCyclesAreReportedUnlessReadersPassWriters() {
        RwLock a = new RwLock("wh_ra", 0, w);
        RwLock b = new RwLock("wh_rb", 0, w);
        readBoth(a, b);
        readBoth(b, a);
        assertEquals(List.of(ReportKind.LOCK_ORDER_REVERSAL), kinds());
        RwLock c = new RwLock("wh_rc", LockFlags.READERS_PASS_WRITERS, w);
        RwLock d = new RwLock("wh_rd", LockFlags.READERS_PASS_WRITERS, w);
        readBoth(c, d);
        readBoth(d, c);
        assertEquals(List.of(ReportKind.LOCK_ORDER_REVERSAL), kinds());
    }

    private static void nest(ExclusiveLock first, ExclusiveLock second) {
        first.lock();
        second.lock();
        second.unlock();
        first.unlock();
    }

    private static void readBoth(RwLock first, RwLock second) {
        first.lockShared();
        second.lockShared();
        second.unlockShared();
        first.unlockShared();
    }

    @Test
    void upgradeAndDowngradeKeepWitnessInStep() {
        SxLock sx = new SxLock("wh_updown", 0, w);
        sx.lockShared();
        sx.tryUpgrade();
        sx.downgrade();
        sx.unlockShared();
        assertEquals(List.of(), kinds());
        assertEquals(List.of(), w.heldLocks());
    }

    @Test
    void anUnlockOfALockNotHeldIsReportedAndFails() {
        Mutex m = new Mutex("wh_unheld", 0, LockKind.MUTEX, w);
        assertThrows(LockAssertionError.class, m::unlock);
        assertEquals(List.of(ReportKind.UNLOCK_NOT_HELD), kinds());
    }
}
