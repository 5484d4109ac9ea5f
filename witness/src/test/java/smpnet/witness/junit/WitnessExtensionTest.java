package smpnet.witness.junit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectMethod;

import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Event;
import org.junit.platform.testkit.engine.Events;
import org.junit.platform.engine.TestExecutionResult;
import smpnet.witness.ReportKind;
import smpnet.witness.adapters.WitnessLocks;

/**
 * The extension, seen from outside: inner test classes are run with the JUnit test kit and their results
 * checked. Class names are unique to each inner test because witness is one per JVM.
 */
class WitnessExtensionTest {

    /** True only while {@link #run} drives the inner classes, so a test runner never runs them directly. */
    private static volatile boolean inKit;

    static boolean inKit() { return inKit; }

    /** Runs inner tests; returns "name: SUCCESSFUL" or "name: FAILED\n<message>" per test, in order. */
    private static List<String> run(org.junit.platform.engine.DiscoverySelector selector) {
        inKit = true;
        try {
            Events events = EngineTestKit.engine("junit-jupiter").selectors(selector).execute().testEvents().finished();
            return events.stream().map(WitnessExtensionTest::describe).collect(Collectors.toList());
        } finally {
            inKit = false;
        }
    }

    private static String describe(Event e) {
        TestExecutionResult r = e.getRequiredPayload(TestExecutionResult.class);
        String head = e.getTestDescriptor().getDisplayName() + ": " + r.getStatus();
        return r.getThrowable().map(t -> head + "\n" + t.getMessage()).orElse(head);
    }

    static void nest(ReentrantLock first, ReentrantLock second) {
        first.lock();
        try {
            second.lock();
            second.unlock();
        } finally {
            first.unlock();
        }
    }

    @ExtendWith(WitnessExtension.class)
    @EnabledIf("smpnet.witness.junit.WitnessExtensionTest#inKit")
    static class BrokenShop {
        @Test
        void auditTakesLedgerFirst() {
            ReentrantLock stock = WitnessLocks.reentrantLock("broken.stock");
            ReentrantLock ledger = WitnessLocks.reentrantLock("broken.ledger");
            nest(stock, ledger); // sell()
            nest(ledger, stock); // audit(): never at the same time, still a deadlock waiting to happen
        }
    }

    @Test
    void reversalInTheTestThreadFailsTheTestWithTheReport() {
        List<String> results = run(selectClass(BrokenShop.class));
        assertEquals(1, results.size());
        String r = results.get(0);
        assertTrue(r.startsWith("auditTakesLedgerFirst(): FAILED\nwitness: 1 report during this test\n\n"
                + "witness: lock order reversal #"), r);
        assertTrue(r.contains("  acquiring: broken.stock (mutex, exclusive)\n  while holding: broken.ledger (mutex, exclusive)\n"
                + "  established order: broken.stock -> broken.ledger\n"), r);
        assertTrue(r.contains("  reversing acquisition broken.ledger -> broken.stock at:\n"
                + "    smpnet.witness.junit.WitnessExtensionTest.nest(WitnessExtensionTest.java:"), r);
    }

    @ExtendWith(WitnessExtension.class)
    @EnabledIf("smpnet.witness.junit.WitnessExtensionTest#inKit")
    static class ReversalInAnExecutor {
        @Test
        void poolThreadReverses() throws Exception {
            ReentrantLock a = WitnessLocks.reentrantLock("pool.a");
            ReentrantLock b = WitnessLocks.reentrantLock("pool.b");
            nest(a, b);
            ExecutorService pool = Executors.newSingleThreadExecutor(r -> new Thread(r, "pool-worker"));
            pool.submit(() -> nest(b, a)).get();
            pool.shutdown();
            assertTrue(pool.awaitTermination(10, TimeUnit.SECONDS));
        }
    }

    @Test
    void reversalInAnotherThreadFailsTheTest() {
        String r = run(selectClass(ReversalInAnExecutor.class)).get(0);
        assertTrue(r.startsWith("poolThreadReverses(): FAILED\nwitness: 1 report during this test\n\n"), r);
        assertTrue(r.contains(" in thread \"pool-worker\"\n  acquiring: pool.a (mutex, exclusive)\n"), r);
    }

    @ExtendWith(WitnessExtension.class)
    @EnabledIf("smpnet.witness.junit.WitnessExtensionTest#inKit")
    static class SleepWithLock {
        @Test
        void waitsOnAConditionHoldingAnotherLock() throws Exception {
            ReentrantLock queue = WitnessLocks.reentrantLock("sleep.queue");
            ReentrantLock stats = WitnessLocks.reentrantLock("sleep.stats");
            Condition nonEmpty = queue.newCondition();
            stats.lock();
            queue.lock();
            try {
                nonEmpty.awaitNanos(1);
            } finally {
                queue.unlock();
                stats.unlock();
            }
        }
    }

    @Test
    void misuseFailsTheTest() {
        String r = run(selectClass(SleepWithLock.class)).get(0);
        assertTrue(r.contains("witness: sleeping with non-sleepable lock held #"), r);
        assertTrue(r.contains("  offending lock: sleep.stats (mutex, exclusive)\n  detail: CV_WAIT releasing its interlock\n"), r);
    }

    @ExtendWith(WitnessExtension.class)
    @EnabledIf("smpnet.witness.junit.WitnessExtensionTest#inKit")
    static class Allowed {
        @Test
        @AllowLockOrder(first = "allowed.a", second = "allowed.b", reason = "a demonstration of the annotation")
        void allowedReversal() {
            ReentrantLock a = WitnessLocks.reentrantLock("allowed.a");
            ReentrantLock b = WitnessLocks.reentrantLock("allowed.b");
            nest(a, b);
            nest(b, a);
        }

        @Test
        void sameReversalWithoutTheAnnotation() {
            ReentrantLock a = WitnessLocks.reentrantLock("allowed.a");
            ReentrantLock b = WitnessLocks.reentrantLock("allowed.b");
            nest(b, a);
        }

        @Test
        void cleanTest() {
            nest(WitnessLocks.reentrantLock("allowed.a"), WitnessLocks.reentrantLock("allowed.b"));
        }
    }

    @Test
    void allowanceCoversOneTestOnly() {
        assertEquals("allowedReversal(): SUCCESSFUL", run(selectMethod(Allowed.class, "allowedReversal")).get(0));
        String r = run(selectMethod(Allowed.class, "sameReversalWithoutTheAnnotation")).get(0);
        assertTrue(r.startsWith("sameReversalWithoutTheAnnotation(): FAILED\nwitness: 1 report during this test\n"), r);
        assertEquals("cleanTest(): SUCCESSFUL", run(selectMethod(Allowed.class, "cleanTest")).get(0));
    }

    static void sleepHolding(String queueName, String statsName) throws InterruptedException {
        ReentrantLock queue = WitnessLocks.reentrantLock(queueName);
        ReentrantLock stats = WitnessLocks.reentrantLock(statsName);
        Condition nonEmpty = queue.newCondition();
        stats.lock();
        queue.lock();
        try {
            nonEmpty.awaitNanos(1);
        } finally {
            queue.unlock();
            stats.unlock();
        }
    }

    @ExtendWith(WitnessExtension.class)
    @EnabledIf("smpnet.witness.junit.WitnessExtensionTest#inKit")
    static class Expected {
        @Test
        @ExpectReport(kind = ReportKind.SLEEP_WITH_LOCK, classes = "expect.stats", reason = "the test checks it")
        void provokesTheDeclaredReport() throws Exception {
            sleepHolding("expect.queue", "expect.stats");
        }

        @Test
        @ExpectReport(kind = ReportKind.SLEEP_WITH_LOCK, classes = "expect.other", reason = "names another class")
        void provokesAnotherReport() throws Exception {
            sleepHolding("expect.queue2", "expect.stats2");
        }
    }

    @Test
    void expectedReportDoesNotFailItsTestButOthersDo() {
        assertEquals("provokesTheDeclaredReport(): SUCCESSFUL",
                run(selectMethod(Expected.class, "provokesTheDeclaredReport")).get(0));
        String r = run(selectMethod(Expected.class, "provokesAnotherReport")).get(0);
        assertTrue(r.startsWith("provokesAnotherReport(): FAILED\nwitness: 1 report during this test\n"), r);
        assertTrue(r.contains("  offending lock: expect.stats2 (mutex, exclusive)\n"), r);
    }

    @Test
    void readmeExamplePasses() {
        assertEquals(List.of("sellAndAuditFromAPool(): SUCCESSFUL"), run(selectClass("example.ShopTest")));
    }
}
