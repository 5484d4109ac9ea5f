package smpnet.witness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Each misuse rule, with its exact report text (stack frames normalised). */
class MisuseTest {
    private Witness w;
    private String me;

    @BeforeEach
    void fresh() {
        w = FakeLock.countingWitness();
        me = Thread.currentThread().getName();
    }

    private String only(ReportKind kind) {
        List<Report> rs = w.reports();
        assertEquals(1, rs.size(), rs.toString());
        assertEquals(kind, rs.get(0).kind());
        return Texts.noFrames(rs.get(0).text());
    }

    private String head(ReportKind kind) {
        return "witness: " + kind.title() + " #1 in thread \"" + me + "\"\n";
    }

    @Test
    void recursionOnNonRecursableLock() {
        FakeLock a = FakeLock.mutex(w, "a");
        a.lock();
        a.lock();
        assertEquals(head(ReportKind.RECURSION)
                + "  lock: a (mutex, exclusive)\n"
                + "  detail: lock already held by this thread and class a is not RECURSABLE\n"
                + "  at:\n    @\n"
                + "  held locks:\n    1. a (mutex, exclusive) at @\n", only(ReportKind.RECURSION));
    }

    @Test
    void recursionAllowedOnRecursableClass() {
        FakeLock g = FakeLock.of(w, "giant", LockKind.SLEEPABLE, LockFlags.RECURSABLE);
        g.lock();
        g.lock();
        assertEquals(List.of("giant"), w.heldLocks());
        g.unlock();
        g.unlock();
        assertEquals(List.of(), w.heldLocks());
        assertEquals(0, w.reportCount());
    }

    @Test
    void exclusiveAfterSharedOnSameLockIsRecursion() {
        FakeLock rw = FakeLock.of(w, "rw", LockKind.MUTEX, LockFlags.RECURSABLE);
        rw.lockShared();
        rw.lock();
        String t = only(ReportKind.RECURSION);
        assertEquals("  detail: exclusive request for a lock this thread holds shared: it would wait for itself",
                t.split("\n")[2]);
    }

    @Test
    void duplicateOfSameClassWithoutDupok() {
        FakeLock a1 = FakeLock.mutex(w, "inp");
        FakeLock a2 = FakeLock.mutex(w, "inp");
        a1.lock();
        a2.lock();
        assertEquals(head(ReportKind.DUPLICATE)
                + "  lock: inp (mutex, exclusive)\n"
                + "  detail: another lock of class inp is already held and the class is not DUPOK\n"
                + "  at:\n    @\n"
                + "  held locks:\n    1. inp (mutex, exclusive) at @\n", only(ReportKind.DUPLICATE));
    }

    @Test
    void duplicateAllowedWithDupokAndLearnsNoSelfEdge() {
        FakeLock a1 = FakeLock.of(w, "inp", LockKind.MUTEX, LockFlags.DUPOK);
        FakeLock a2 = FakeLock.of(w, "inp", LockKind.MUTEX, LockFlags.DUPOK);
        a1.lock();
        a2.lock();
        a2.unlock();
        a1.unlock();
        a2.lock();
        a1.lock();
        assertEquals(0, w.reportCount());
        assertEquals(0, w.orderCount());
        assertEquals(List.of("inp", "inp"), w.heldLocks());
    }

    @Test
    void unlockOfLockNotHeld() {
        FakeLock a = FakeLock.mutex(w, "a");
        a.unlock();
        assertEquals(head(ReportKind.UNLOCK_NOT_HELD)
                + "  lock: a (mutex, exclusive)\n"
                + "  detail: this thread does not hold the lock\n"
                + "  at:\n    @\n"
                + "  held locks: none\n", only(ReportKind.UNLOCK_NOT_HELD));
    }

    @Test
    void sleepingWhileHoldingAMutex() {
        FakeLock m = FakeLock.mutex(w, "so_rcv");
        m.lock();
        w.sleeping(SleepKind.PARK, null);
        assertEquals(head(ReportKind.SLEEP_WITH_LOCK)
                + "  offending lock: so_rcv (mutex, exclusive)\n"
                + "  detail: PARK\n"
                + "  at:\n    @\n"
                + "  held locks:\n    1. so_rcv (mutex, exclusive) at @\n", only(ReportKind.SLEEP_WITH_LOCK));
    }

    @Test
    void misuseJsonCarriesTheSameFacts() {
        FakeLock m = FakeLock.mutex(w, "so_rcv");
        m.lock();
        w.sleeping(SleepKind.PARK, null);
        @SuppressWarnings("unchecked")
        java.util.Map<String, Object> j = (java.util.Map<String, Object>) Json.parse(w.reports().get(0).toJson());
        assertEquals("SLEEP_WITH_LOCK", j.get("kind"));
        assertEquals("sleeping with non-sleepable lock held", j.get("title"));
        assertEquals("[{class=so_rcv, kind=mutex, mode=exclusive}]", j.get("offending_locks").toString());
        assertEquals("PARK", j.get("detail"));
        assertEquals(List.of("so_rcv"), j.get("classes"));
        assertEquals(null, j.get("allowed"));
    }

    @Test
    void cvWaitReleasingTheOnlyHeldMutexIsFine() {
        FakeLock giant = FakeLock.of(w, "Giant", LockKind.SLEEPABLE, LockFlags.RECURSABLE);
        FakeLock m = FakeLock.mutex(w, "so_rcv");
        giant.lock();
        m.lock();
        w.sleeping(SleepKind.CV_WAIT, m);
        assertEquals(0, w.reportCount());
    }

    @Test
    void cvWaitHoldingAnotherMutexIsReported() {
        FakeLock inp = FakeLock.mutex(w, "inp");
        FakeLock m = FakeLock.mutex(w, "so_rcv");
        inp.lock();
        m.lock();
        w.sleeping(SleepKind.CV_WAIT, m);
        String t = only(ReportKind.SLEEP_WITH_LOCK);
        assertEquals("  offending lock: inp (mutex, exclusive)\n  detail: CV_WAIT releasing its interlock\n",
                t.substring(t.indexOf('\n') + 1, t.indexOf("  at:")));
    }

    @Test
    void sleepableAcquisitionWhileHoldingAMutexIsReportedOnce() {
        FakeLock m = FakeLock.mutex(w, "so_snd");
        FakeLock sx = FakeLock.of(w, "sblock", LockKind.SLEEPABLE, 0);
        m.lock();
        w.checkOrder(sx, sx.cls, true, false);
        w.sleeping(SleepKind.SX_ACQUIRE, null); // contended: checkOrder already said it
        w.locked(sx, sx.cls, true, false);
        String t = only(ReportKind.SLEEP_WITH_LOCK);
        assertEquals("  lock: sblock (sleepable, exclusive)\n  offending lock: so_snd (mutex, exclusive)\n"
                + "  detail: acquiring a sleepable lock while holding a mutex\n",
                t.substring(t.indexOf('\n') + 1, t.indexOf("  at:")));
    }

    @Test
    void sleepableHeldAcrossSleepIsFine() {
        FakeLock sx = FakeLock.of(w, "sblock", LockKind.SLEEPABLE, 0);
        sx.lock();
        w.sleeping(SleepKind.ALLOC_WAIT, null);
        w.sleeping(SleepKind.PARK, null);
        assertEquals(0, w.reportCount());
    }

    @Test
    void mutexContentionWhileHoldingASpinLock() {
        FakeLock spin = FakeLock.of(w, "callout", LockKind.SPIN, 0);
        spin.lock();
        w.sleeping(SleepKind.MUTEX_CONTENTION, null);
        String t = only(ReportKind.BLOCK_WITH_SPIN);
        assertEquals("  offending lock: callout (spin, exclusive)\n  detail: MUTEX_CONTENTION\n",
                t.substring(t.indexOf('\n') + 1, t.indexOf("  at:")));
    }

    @Test
    void mutexAcquisitionWhileHoldingASpinLockButSpinAfterSpinIsFine() {
        FakeLock s1 = FakeLock.of(w, "sched", LockKind.SPIN, 0);
        FakeLock s2 = FakeLock.of(w, "callout", LockKind.SPIN, 0);
        FakeLock m = FakeLock.mutex(w, "inp");
        s1.lock();
        s2.lock();
        assertEquals(0, w.reportCount());
        m.lock();
        String t = only(ReportKind.BLOCK_WITH_SPIN);
        assertEquals("  lock: inp (mutex, exclusive)\n  offending lock: sched (spin, exclusive)\n"
                + "  offending lock: callout (spin, exclusive)\n  detail: acquiring a mutex lock while holding a spin lock\n",
                t.substring(t.indexOf('\n') + 1, t.indexOf("  at:")));
    }

    @Test
    void sleepingWhileHoldingASpinLock() {
        FakeLock s = FakeLock.of(w, "mbuf_zone", LockKind.SPIN, 0);
        s.lock();
        w.sleeping(SleepKind.ALLOC_WAIT, null);
        only(ReportKind.SLEEP_WITH_LOCK);
    }

    @Test
    void sharedReleasedAsExclusiveIsAMismatch() {
        FakeLock rw = FakeLock.mutex(w, "tcbinfo");
        rw.lockShared();
        rw.unlock();
        String t = only(ReportKind.MODE_MISMATCH);
        assertEquals("  detail: released exclusive but held shared", t.split("\n")[2]);
        assertEquals(List.of(), w.heldLocks(), "the hold is still released");
    }

    @Test
    void upgradeAndDowngradeFollowTheMode() {
        FakeLock sx = FakeLock.of(w, "sx", LockKind.SLEEPABLE, 0);
        sx.lockShared();
        w.upgraded(sx, sx.cls);
        w.downgraded(sx, sx.cls);
        sx.unlockShared();
        assertEquals(0, w.reportCount());
        sx.lock();
        w.upgraded(sx, sx.cls);
        assertEquals("  detail: upgrade of a lock held exclusive", only(ReportKind.MODE_MISMATCH).split("\n")[2]);
    }

    @Test
    void sleepingInAHandler() {
        w.enterHandler(HandlerKind.NETISR, "ip_input");
        w.sleeping(SleepKind.PARK, null);
        w.leaveHandler(HandlerKind.NETISR, "ip_input");
        assertEquals(head(ReportKind.SLEEP_IN_HANDLER)
                + "  detail: PARK in NETISR handler ip_input\n"
                + "  at:\n    @\n"
                + "  held locks: none\n", only(ReportKind.SLEEP_IN_HANDLER));
    }

    @Test
    void sleepableLockInAHandler() {
        FakeLock sx = FakeLock.of(w, "sblock", LockKind.SLEEPABLE, 0);
        w.enterHandler(HandlerKind.CALLOUT, "tcp_timer");
        sx.lock();
        sx.unlock();
        w.leaveHandler(HandlerKind.CALLOUT, "tcp_timer");
        assertEquals("  detail: acquiring a sleepable lock in CALLOUT handler tcp_timer",
                only(ReportKind.SLEEP_IN_HANDLER).split("\n")[2]);
    }

    @Test
    void lockStillHeldWhenHandlerReturns() {
        FakeLock outer = FakeLock.of(w, "Giant", LockKind.SLEEPABLE, LockFlags.RECURSABLE);
        FakeLock inp = FakeLock.mutex(w, "inp");
        outer.lock(); // taken by the loop around the handler: not the handler's
        w.enterHandler(HandlerKind.ITHREAD, "em0 rx0");
        inp.lock();
        w.leaveHandler(HandlerKind.ITHREAD, "em0 rx0");
        String t = only(ReportKind.HELD_AT_HANDLER_EXIT);
        assertEquals("  offending lock: inp (mutex, exclusive)\n  detail: ITHREAD handler em0 rx0 returned with locks it took still held\n",
                t.substring(t.indexOf('\n') + 1, t.indexOf("  at:")));
    }

    @Test
    void mutexTakenAndReleasedInAHandlerIsFine() {
        FakeLock inp = FakeLock.mutex(w, "inp");
        w.enterHandler(HandlerKind.NETISR, "udp_input");
        inp.lock();
        w.sleeping(SleepKind.MUTEX_CONTENTION, null);
        inp.unlock();
        w.leaveHandler(HandlerKind.NETISR, "udp_input");
        assertEquals(0, w.reportCount());
    }

    @Test
    void leaveWithoutEnterIsAMismatch() {
        w.leaveHandler(HandlerKind.NETISR, "ip_input");
        assertEquals("  detail: leaving NETISR ip_input but no handler was entered",
                only(ReportKind.HANDLER_MISMATCH).split("\n")[1]);
    }

    @Test
    void nowitnessClassIsIgnoredEntirely() {
        FakeLock a = FakeLock.of(w, "ignored", LockKind.MUTEX, LockFlags.NOWITNESS);
        a.lock();
        a.lock();
        a.unlock();
        a.unlock();
        a.unlock();
        assertEquals(0, w.reportCount());
        assertFalse(w.heldLocks().contains("ignored"));
    }

    @Test
    void quietClassIsCountedButNeverPrinted() {
        w.setPolicy(Policy.THROW);
        StringBuilder printed = new StringBuilder();
        w.setSink(printed::append);
        FakeLock a = FakeLock.of(w, "hushed", LockKind.MUTEX, LockFlags.QUIET);
        a.lock();
        a.lock();
        assertEquals(1, w.reportCount());
        assertEquals(true, w.reports().get(0).quiet());
        assertEquals("", printed.toString());
    }

    @Test
    void misuseRepeatsAreCountedButListedOnce() {
        FakeLock a = FakeLock.mutex(w, "a");
        a.unlock();
        a.unlock();
        assertEquals(2, w.reportCount());
        assertEquals(1, w.reports().size());
    }
}
