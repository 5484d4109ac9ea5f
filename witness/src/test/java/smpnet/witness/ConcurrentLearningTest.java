package smpnet.witness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import org.junit.jupiter.api.Test;

/** Many threads learning at once lose no edge, and a cycle split across threads is still found. */
class ConcurrentLearningTest {
    private static final int THREADS = 8;
    private static final int CHAIN = 40;

    @Test
    void manyThreadsLearningAtOnceLoseNoEdge() throws Exception {
        Witness w = Witness.newInstanceForTesting();
        w.setPolicy(Policy.COUNT);
        CyclicBarrier start = new CyclicBarrier(THREADS);
        List<Thread> threads = new ArrayList<>();
        List<Throwable> failures = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            int me = t;
            Thread th = new Thread(() -> {
                try {
                    start.await();
                    learn(w, me);
                } catch (Exception | AssertionError e) {
                    synchronized (failures) {
                        failures.add(e);
                    }
                }
            });
            threads.add(th);
            th.start();
        }
        for (Thread th : threads) {
            th.join();
        }
        assertEquals(List.of(), failures);
        assertEquals(0, w.reportCount(), w.reports().toString());
        // per thread: hub -> own chain head, the chain's own CHAIN - 1 edges, and hub -> shared_k for 4 shared
        assertEquals(4 + THREADS * CHAIN, w.orderCount());
        for (int t = 0; t < THREADS; t++) {
            assertTrue(w.hasOrder("hub", "t" + t + "_0"));
            for (int i = 0; i + 1 < CHAIN; i++) {
                assertTrue(w.hasOrder("t" + t + "_" + i, "t" + t + "_" + (i + 1)), "t" + t + "_" + i);
            }
        }
    }

    private static void learn(Witness w, int t) {
        FakeLock hub = FakeLock.mutex(w, "hub");
        for (int k = 0; k < 4; k++) {
            OrderReversalTest.nest(hub, FakeLock.mutex(w, "shared_" + k));
        }
        OrderReversalTest.nest(hub, FakeLock.mutex(w, "t" + t + "_0"));
        for (int i = 0; i + 1 < CHAIN; i++) {
            OrderReversalTest.nest(FakeLock.mutex(w, "t" + t + "_" + i), FakeLock.mutex(w, "t" + t + "_" + (i + 1)));
        }
    }

    @Test
    void ringOfEdgesFromManyThreadsIsReportedExactlyOnce() throws Exception {
        for (int round = 0; round < 20; round++) {
            Witness w = Witness.newInstanceForTesting();
            w.setPolicy(Policy.COUNT);
            CyclicBarrier start = new CyclicBarrier(THREADS);
            List<Thread> threads = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                int me = t;
                Thread th = new Thread(() -> {
                    OrderReversalTest.await(start);
                    OrderReversalTest.nest(FakeLock.mutex(w, "r" + me), FakeLock.mutex(w, "r" + (me + 1) % THREADS));
                });
                threads.add(th);
                th.start();
            }
            for (Thread th : threads) {
                th.join();
            }
            assertEquals(1, w.reportCount(), "round " + round);
            assertEquals(THREADS - 1, w.orderCount());
        }
    }
}
