package smpnet.witness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static smpnet.witness.OrderReversalTest.nest;

import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Declared orders, blessings, try-locks and the read/write rules. */
class OrderRulesTest {
    private Witness w;

    @BeforeEach
    void fresh() {
        w = FakeLock.countingWitness();
    }

    private FakeLock[] mutexes(String... names) { return FakeLock.mutexes(w, names); }

    @Test
    void declaredOrderViolationReportedTheFirstTime() {
        w.declareOrder("tcbinfo", "inp", "so_rcv");
        FakeLock[] l = mutexes("tcbinfo", "inp", "so_rcv");
        nest(l[0], l[1], l[2]);
        assertEquals(0, w.reportCount());
        nest(l[2], l[0]);
        nest(l[2], l[0]);
        assertEquals(1, w.reportCount());
        Report r = w.reports().get(0);
        assertEquals(ReportKind.DECLARED_ORDER_VIOLATION, r.kind());
        String t = Texts.noFrames(r.text());
        assertTrue(t.contains("  established order: tcbinfo -> inp -> so_rcv\n  cycle: so_rcv -> tcbinfo -> inp -> so_rcv\n"
                + "  edge tcbinfo -> inp (EE,ES,SE,SS), declared in order [tcbinfo, inp, so_rcv] by code:\n    @\n"
                + "  edge inp -> so_rcv (EE,ES,SE,SS), declared in order [tcbinfo, inp, so_rcv] by code:\n    @\n"), t);
        // Mutexes are only ever held exclusive: the interleaving of a declared (all-modes) path says so.
        assertTrue(t.contains("  deadlock interleaving:\n"
                + "    thread 1 holds so_rcv (exclusive) and wants tcbinfo (exclusive)\n"
                + "    thread 2 holds tcbinfo (exclusive) and wants inp (exclusive)\n"
                + "    thread 3 holds inp (exclusive) and wants so_rcv (exclusive)\n"), t);
    }

    @Test
    void declaringAnOrderThatContradictsTheLearnedOneIsReported() {
        FakeLock[] l = mutexes("x", "y");
        nest(l[1], l[0]);
        w.declareOrder("x", "y");
        Report r = w.reports().get(0);
        assertEquals(ReportKind.DECLARED_ORDER_VIOLATION, r.kind());
        assertEquals(List.of("x", "y"), r.classes());
        String t = Texts.noFrames(r.text());
        assertTrue(t.contains("  new order: x -> y, declared in order [x, y] by code\n  established order: y -> x\n"), t);
    }

    @Test
    void declaredClassTakesKindAndFlagsFromItsFirstLock() {
        w.declareOrder("p", "q");
        assertEquals(LockKind.MUTEX, w.findClass("q").kind());
        LockClass q = w.lockClass("q", LockKind.SPIN, LockFlags.DUPOK);
        assertEquals(LockKind.SPIN, q.kind());
        assertEquals(LockFlags.DUPOK, q.flags());
        assertThrows(IllegalArgumentException.class, () -> w.lockClass("q", LockKind.MUTEX, 0));
    }

    @Test
    void blessedPairIsSilentInEitherOrder() {
        w.bless("so_snd", "so_rcv", "soreceive and sosend never nest them across sockets");
        FakeLock[] l = mutexes("so_snd", "so_rcv");
        nest(l[0], l[1]);
        nest(l[1], l[0]);
        assertEquals(0, w.reportCount());
    }

    @Test
    void blessingDoesNotHideALongerCycle() {
        w.bless("a", "b", "tested by hand");
        FakeLock[] l = mutexes("a", "b", "c");
        nest(l[0], l[1]);
        nest(l[1], l[2]);
        nest(l[2], l[0]);
        assertEquals(1, w.reportCount());
        assertEquals(List.of("c", "a", "b"), w.reports().get(0).classes());
    }

    @Test
    void blessingNeedsAReason() {
        assertThrows(IllegalArgumentException.class, () -> w.bless("a", "b", " "));
    }

    @Test
    void testScopedAllowanceReportsAsAllowedAndIsNotConsumed() {
        FakeLock[] l = mutexes("m", "n");
        nest(l[0], l[1]);
        try (Witness.Registration r = Witness.allow("n", "m", "demonstration")) {
            nest(l[1], l[0]);
        }
        Report allowed = w.reports().get(0);
        assertTrue(allowed.allowed());
        assertTrue(allowed.text().endsWith("  allowed: demonstration\n"), allowed.text());
        nest(l[1], l[0]);
        assertEquals(2, w.reports().size());
        assertFalse(w.reports().get(1).allowed());
    }

    @Test
    void successfulTryLockClosesNoCycleAndLearnsNoEdgeToItself() {
        FakeLock[] l = mutexes("a", "b");
        l[0].lock();
        l[1].tryLock();
        l[1].unlock();
        l[0].unlock();
        assertFalse(w.hasOrder("a", "b"));
        nest(l[1], l[0]);
        assertEquals(0, w.reportCount());
        l[0].lock();
        l[1].tryLock(); // up the order with a try-lock: the back-off pattern, fine
        l[1].unlock();
        l[0].unlock();
        assertEquals(0, w.reportCount());
    }

    @Test
    void lockTakenByTryLockOrdersLaterBlockingAcquisitions() {
        FakeLock[] l = mutexes("a", "b");
        l[0].tryLock();
        l[1].lock();
        l[1].unlock();
        l[0].unlock();
        assertTrue(w.hasOrder("a", "b"));
        nest(l[1], l[0]);
        assertEquals(1, w.reportCount());
    }

    @Test
    void tryLockRecursionAndDuplicateAreStillMisuse() {
        FakeLock a = FakeLock.mutex(w, "a");
        FakeLock a2 = FakeLock.mutex(w, "a");
        a.lock();
        a.tryLock();
        a2.tryLock();
        assertEquals(ReportKind.RECURSION, w.reports().get(0).kind());
        assertEquals(ReportKind.DUPLICATE, w.reports().get(1).kind());
    }

    private FakeLock rw(String name, int flags) { return FakeLock.of(w, name, LockKind.MUTEX, flags); }

    private static void nestModes(FakeLock first, boolean firstEx, FakeLock second, boolean secondEx) {
        first.lock(firstEx);
        second.lock(secondEx);
        w(second, secondEx);
        w(first, firstEx);
    }

    private static void w(FakeLock l, boolean ex) {
        if (ex) {
            l.unlock();
        } else {
            l.unlockShared();
        }
    }

    @Test
    void readReadCycleOnWriterPreferringLocksIsReported() {
        FakeLock a = rw("rwa", 0);
        FakeLock b = rw("rwb", 0);
        nestModes(a, false, b, false);
        nestModes(b, false, a, false);
        assertEquals(1, w.reportCount());
        assertTrue(w.reports().get(0).text().contains("  edge rwa -> rwb (SS), learned"), w.reports().get(0).text());
    }

    @Test
    void readReadCycleOnReadersPassWritersLocksIsExempt() {
        FakeLock a = rw("rra", LockFlags.READERS_PASS_WRITERS);
        FakeLock b = rw("rrb", LockFlags.READERS_PASS_WRITERS);
        nestModes(a, false, b, false);
        nestModes(b, false, a, false);
        assertEquals(0, w.reportCount());
    }

    @Test
    void readersPassWritersStillDeadlockWhenAWriterHoldsTheOther() {
        FakeLock a = rw("rpa", LockFlags.READERS_PASS_WRITERS);
        FakeLock b = rw("rpb", LockFlags.READERS_PASS_WRITERS);
        nestModes(a, true, b, true); // T1 holds a exclusive, wants b exclusive
        nestModes(b, false, a, false); // T2 holds b shared, wants a shared: waits for T1, T1 waits for T2
        assertEquals(1, w.reportCount());
        assertTrue(w.reports().get(0).text().contains(
                "    thread 1 holds rpb (shared) and wants rpa (shared)\n"
                + "    thread 2 holds rpa (exclusive) and wants rpb (exclusive)\n"), w.reports().get(0).text());
    }

    @Test
    void readersPassWritersNoDeadlockWhenTheReverseOnlyReads() {
        FakeLock a = rw("rqa", LockFlags.READERS_PASS_WRITERS);
        FakeLock b = rw("rqb", LockFlags.READERS_PASS_WRITERS);
        nestModes(a, true, b, false); // holds a exclusive, reads b: b's readers never wait for each other
        nestModes(b, false, a, false);
        assertEquals(0, w.reportCount());
        nestModes(b, true, a, false); // b exclusive then a: T1 (a excl) wants b (shared) behind b's writer
        assertEquals(1, w.reportCount());
    }

    @Test
    void giantRetakenUnderASleepableLockAfterASleepIsNoReversal() {
        w.declareOrder("Giant", "sblock", "so_rcv");
        FakeLock giant = FakeLock.of(w, "Giant", LockKind.SLEEPABLE, LockFlags.RECURSABLE | LockFlags.SLEEP_DROPS);
        FakeLock sblock = FakeLock.of(w, "sblock", LockKind.SLEEPABLE, 0);
        FakeLock rcv = FakeLock.mutex(w, "so_rcv");
        giant.lock();
        sblock.lock(); // may sleep: Giant is dropped meanwhile, so Giant -> sblock is no wait-for order
        giant.unlock(); // a cv wait drops Giant...
        giant.lock(); // ...and takes it back under sblock
        rcv.lock();
        rcv.unlock();
        giant.unlock();
        sblock.unlock();
        assertEquals(0, w.reportCount(), w.reports().toString());
        // A mutex is not dropped by a sleep: so_rcv -> Giant reverses the learned Giant -> so_rcv (the declared
        // path Giant -> sblock -> so_rcv starts with a step that is no wait-for order), and Giant is sleepable.
        nest(rcv, giant);
        assertEquals(List.of(ReportKind.SLEEP_WITH_LOCK, ReportKind.LOCK_ORDER_REVERSAL),
                w.reports().stream().map(Report::kind).collect(java.util.stream.Collectors.toList()));
    }
}
