package smpnet.witness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Lock-order reversals: ABBA in one and two threads, longer cycles, once per pair, never silent after. */
class OrderReversalTest {
    private Witness w;

    @BeforeEach
    void fresh() {
        w = FakeLock.countingWitness();
    }

    @Test
    void abbaInOneThreadIsReportedWithoutDeadlock() {
        FakeLock a = FakeLock.mutex(w, "a");
        FakeLock b = FakeLock.mutex(w, "b");
        a.lock();
        b.lock();
        b.unlock();
        a.unlock();
        assertEquals(0, w.reportCount());
        b.lock();
        a.lock();
        a.unlock();
        b.unlock();
        List<Report> reports = w.reports();
        assertEquals(1, reports.size());
        Report r = reports.get(0);
        assertEquals(ReportKind.LOCK_ORDER_REVERSAL, r.kind());
        assertEquals(List.of("b", "a"), r.classes());
        String thread = Thread.currentThread().getName();
        assertEquals("witness: lock order reversal #1 in thread \"" + thread + "\"\n"
                + "  acquiring: a (mutex, exclusive)\n"
                + "  while holding: b (mutex, exclusive)\n"
                + "  established order: a -> b\n"
                + "  cycle: b -> a -> b\n"
                + "  edge a -> b (EE), learned in thread \"" + thread + "\":\n"
                + "    @\n"
                + "  reversing acquisition b -> a at:\n"
                + "    @\n"
                + "  deadlock interleaving:\n"
                + "    thread 1 holds b (exclusive) and wants a (exclusive)\n"
                + "    thread 2 holds a (exclusive) and wants b (exclusive)\n"
                + "  held locks:\n"
                + "    1. b (mutex, exclusive) at @\n", Texts.noFrames(r.text()));
        assertTrue(r.text().contains("    smpnet.witness.OrderReversalTest.abbaInOneThreadIsReportedWithoutDeadlock(OrderReversalTest.java:"),
                r.text());
        assertFalse(w.hasOrder("b", "a"), "a reversing edge is not learned");
    }

    @Test
    void abbaInTwoThreadsIsReportedWithoutDeadlock() throws Exception {
        FakeLock a = FakeLock.mutex(w, "a");
        FakeLock b = FakeLock.mutex(w, "b");
        Thread t1 = new Thread(() -> { a.lock(); b.lock(); b.unlock(); a.unlock(); }, "T1");
        t1.start();
        t1.join();
        Thread t2 = new Thread(() -> { b.lock(); a.lock(); a.unlock(); b.unlock(); }, "T2");
        t2.start();
        t2.join();
        Report r = w.reports().get(0);
        assertEquals(1, w.reportCount());
        assertTrue(r.text().startsWith("witness: lock order reversal #1 in thread \"T2\"\n"), r.text());
        assertTrue(r.text().contains("  edge a -> b (EE), learned in thread \"T1\":\n"), r.text());
        assertEquals("T2", r.thread());
    }

    @Test
    void reportedOncePerPairAndNeverSilentAfter() {
        FakeLock[] l = FakeLock.mutexes(w, "a", "b", "c", "d");
        FakeLock a = l[0];
        FakeLock b = l[1];
        FakeLock c = l[2];
        FakeLock d = l[3];
        nest(a, b);
        nest(b, a);
        nest(b, a);
        nest(c, b, a); // new chain, same reversed pair: still once
        assertEquals(1, w.reportCount());
        nest(c, d);
        nest(d, c); // a different pair after the first report: found
        assertEquals(2, w.reportCount());
        assertEquals(List.of("d", "c"), w.reports().get(1).classes());
    }

    @Test
    void chainKeysDifferForEveryShortPrefix() {
        java.util.Set<Long> keys = new java.util.HashSet<>();
        LockClass[] cs = new LockClass[8];
        for (int i = 0; i < cs.length; i++) {
            cs[i] = w.lockClass("k" + i, LockKind.MUTEX, 0);
        }
        int n = 0;
        for (LockClass a : cs) {
            for (boolean ax : new boolean[] {false, true}) {
                long ka = ThreadState.extend(0, a, ax);
                keys.add(ka);
                n++;
                for (LockClass b : cs) {
                    for (boolean bx : new boolean[] {false, true}) {
                        keys.add(ThreadState.extend(ka, b, bx));
                        n++;
                    }
                }
            }
        }
        assertEquals(n, keys.size(), "the same class twice, shared then exclusive, must not collide with its prefix");
    }

    @Test
    void validatedChainsCostNoSearchAndNoNewState() {
        FakeLock a = FakeLock.mutex(w, "a");
        FakeLock b = FakeLock.mutex(w, "b");
        FakeLock c = FakeLock.mutex(w, "c");
        nest(a, b, c);
        long searches = w.searchCount();
        int chains = w.validatedChains();
        assertEquals(3, searches, "one search per learned edge: a->b, a->c, b->c");
        assertEquals(3, chains, "[a], [a b], [a b c]");
        for (int i = 0; i < 1000; i++) {
            nest(a, b, c);
        }
        assertEquals(searches, w.searchCount());
        assertEquals(chains, w.validatedChains());
        assertEquals(0, w.reportCount());
    }

    @Test
    void threeClassCycleShowsWholeChainWithEachEdgeStack() {
        FakeLock a = FakeLock.mutex(w, "a");
        FakeLock b = FakeLock.mutex(w, "b");
        FakeLock c = FakeLock.mutex(w, "c");
        nest(a, b);
        nest(b, c);
        assertEquals(0, w.reportCount());
        nest(c, a);
        Report r = w.reports().get(0);
        assertEquals(List.of("c", "a", "b"), r.classes());
        String t = Texts.noFrames(r.text());
        assertTrue(t.contains("  established order: a -> b -> c\n  cycle: c -> a -> b -> c\n"
                + "  edge a -> b (EE), learned in thread \"" + Thread.currentThread().getName() + "\":\n    @\n"
                + "  edge b -> c (EE), learned in thread \"" + Thread.currentThread().getName() + "\":\n    @\n"), t);
        assertTrue(t.contains("  deadlock interleaving:\n"
                + "    thread 1 holds c (exclusive) and wants a (exclusive)\n"
                + "    thread 2 holds a (exclusive) and wants b (exclusive)\n"
                + "    thread 3 holds b (exclusive) and wants c (exclusive)\n"), t);
    }

    @Test
    void fourClassCycleShowsWholeChain() {
        FakeLock[] l = FakeLock.mutexes(w, "a", "b", "c", "d");
        nest(l[0], l[1]);
        nest(l[1], l[2]);
        nest(l[2], l[3]);
        nest(l[3], l[0]);
        Report r = w.reports().get(0);
        String t = Texts.noFrames(r.text());
        assertTrue(t.contains("  established order: a -> b -> c -> d\n  cycle: d -> a -> b -> c -> d\n"), t);
        assertEquals(3, t.split("  edge ").length - 1, t);
        assertTrue(t.contains("    thread 4 holds c (exclusive) and wants d (exclusive)\n"), t);
    }

    @Test
    void heldLocksListedInReport() {
        FakeLock x = FakeLock.mutex(w, "x");
        FakeLock a = FakeLock.mutex(w, "a");
        FakeLock b = FakeLock.mutex(w, "b");
        nest(a, b);
        nest(x, b, a);
        String t = Texts.noFrames(w.reports().get(0).text());
        assertTrue(t.endsWith("  held locks:\n    1. x (mutex, exclusive) at @\n    2. b (mutex, exclusive) at @\n"), t);
    }

    @Test
    void throwPolicyThrowsBeforeTheLockIsTaken() {
        w.setPolicy(Policy.THROW);
        FakeLock a = FakeLock.mutex(w, "a");
        FakeLock b = FakeLock.mutex(w, "b");
        nest(a, b);
        b.lock();
        WitnessException e = assertThrows(WitnessException.class, a::lock);
        assertEquals(ReportKind.LOCK_ORDER_REVERSAL, e.report().kind());
        assertEquals(List.of("b"), w.heldLocks());
        b.unlock();
        nest(b, a); // reported once: no second throw
        assertEquals(1, w.reportCount());
    }

    @Test
    void warnPolicyPrintsOncePerPair() {
        w.setPolicy(Policy.WARN);
        StringBuilder out = new StringBuilder();
        w.setSink(out::append);
        FakeLock a = FakeLock.mutex(w, "a");
        FakeLock b = FakeLock.mutex(w, "b");
        nest(a, b);
        nest(b, a);
        nest(b, a);
        assertEquals(w.reports().get(0).text(), out.toString());
    }

    @Test
    void oppositeEdgesLearnedAtOnceStillReportOnce() throws Exception {
        for (int round = 0; round < 50; round++) {
            Witness fresh = Witness.newInstanceForTesting();
            fresh.setPolicy(Policy.COUNT);
            FakeLock a = FakeLock.mutex(fresh, "a");
            FakeLock b = FakeLock.mutex(fresh, "b");
            CountDownLatch go = new CountDownLatch(1);
            Thread t1 = new Thread(() -> { await(go); nest(a, b); });
            Thread t2 = new Thread(() -> { await(go); nest(b, a); });
            t1.start();
            t2.start();
            go.countDown();
            t1.join();
            t2.join();
            assertEquals(1, fresh.reportCount(), "round " + round);
            assertEquals(1, fresh.orderCount());
        }
    }

    static void await(CountDownLatch l) {
        try {
            l.await();
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    static void await(java.util.concurrent.CyclicBarrier b) {
        try {
            b.await();
        } catch (InterruptedException | java.util.concurrent.BrokenBarrierException e) {
            throw new AssertionError(e);
        }
    }

    /** Takes the locks in order, then releases them in reverse. */
    static void nest(FakeLock... locks) {
        for (FakeLock l : locks) {
            l.lock();
        }
        for (int i = locks.length - 1; i >= 0; i--) {
            locks[i].unlock();
        }
    }
}
