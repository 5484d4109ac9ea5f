package smpnet.witness.junit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;
import static smpnet.witness.junit.WitnessExtensionTest.nest;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Collectors;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.platform.engine.DiscoverySelector;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Event;
import org.junit.platform.testkit.engine.Events;
import smpnet.witness.Policy;
import smpnet.witness.Witness;
import smpnet.witness.adapters.WitnessLocks;

/**
 * The extension isolates tests (issue 14, point 5): each report goes to the test whose thread (or a thread
 * it started) made it, JUnit's parallel execution included; late reports fail their own test's class, not
 * the next test; private witness instances never fail a test; a repeated reversal fails every test that
 * makes it, and a report names the test where the other edge was learned.
 */
class WitnessIsolationTest {
    private static volatile boolean inKit;

    static boolean inKit() { return inKit; }

    /** Runs inner tests (in parallel when asked); returns "name: STATUS[\nmessage]" per finished event. */
    private static List<String> run(DiscoverySelector selector, boolean parallel, boolean containers) {
        inKit = true;
        try {
            EngineTestKit.Builder kit = EngineTestKit.engine("junit-jupiter").selectors(selector);
            if (parallel) {
                for (Map.Entry<String, String> c : Map.of("junit.jupiter.execution.parallel.enabled", "true",
                        "junit.jupiter.execution.parallel.mode.default", "concurrent",
                        "junit.jupiter.execution.parallel.config.strategy", "fixed",
                        "junit.jupiter.execution.parallel.config.fixed.parallelism", "2").entrySet()) {
                    kit = kit.configurationParameter(c.getKey(), c.getValue());
                }
            }
            var results = kit.execute();
            Events events = (containers ? results.containerEvents() : results.testEvents()).finished();
            return events.stream().map(WitnessIsolationTest::describe).collect(Collectors.toList());
        } finally {
            inKit = false;
        }
    }

    private static String describe(Event e) {
        TestExecutionResult r = e.getRequiredPayload(TestExecutionResult.class);
        String head = e.getTestDescriptor().getDisplayName() + ": " + r.getStatus();
        return r.getThrowable().map(t -> head + "\n" + t.getMessage()).orElse(head);
    }

    private static void await(CountDownLatch l) {
        try {
            assertTrue(l.await(20, TimeUnit.SECONDS));
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    static final CountDownLatch CLEAN_STARTED = new CountDownLatch(1);
    static final CountDownLatch REVERSED = new CountDownLatch(1);

    @ExtendWith(WitnessExtension.class)
    @EnabledIf("smpnet.witness.junit.WitnessIsolationTest#inKit")
    static class SideBySide {
        @Test
        void reverses() {
            await(CLEAN_STARTED);
            ReentrantLock a = WitnessLocks.reentrantLock("side.a");
            ReentrantLock b = WitnessLocks.reentrantLock("side.b");
            nest(a, b);
            nest(b, a);
            REVERSED.countDown();
        }

        @Test
        void staysClean() {
            CLEAN_STARTED.countDown();
            await(REVERSED); // both tests are running when the reversal is reported
            nest(WitnessLocks.reentrantLock("side.c"), WitnessLocks.reentrantLock("side.d"));
        }
    }

    @Test
    void aCleanTestRunningInParallelWithAReversalPasses() {
        List<String> r = run(selectClass(SideBySide.class), true, false);
        assertEquals(2, r.size(), r.toString());
        assertTrue(r.contains("staysClean(): SUCCESSFUL"), r.toString());
        String failed = r.stream().filter(s -> s.startsWith("reverses()")).findFirst().orElseThrow();
        assertTrue(failed.startsWith("reverses(): FAILED\nwitness: 1 report during this test\n"), failed);
    }

    static final CountDownLatch NEXT_STARTED = new CountDownLatch(1);
    static final CountDownLatch LATE_DONE = new CountDownLatch(1);

    @ExtendWith(WitnessExtension.class)
    @EnabledIf("smpnet.witness.junit.WitnessIsolationTest#inKit")
    @TestMethodOrder(MethodOrderer.OrderAnnotation.class)
    static class LateReport {
        @Test
        @Order(1)
        void leavesAThreadBehind() {
            ReentrantLock a = WitnessLocks.reentrantLock("late.a");
            ReentrantLock b = WitnessLocks.reentrantLock("late.b");
            nest(a, b);
            Thread t = new Thread(() -> {
                await(NEXT_STARTED);
                nest(b, a);
                LATE_DONE.countDown();
            }, "late-worker");
            t.setDaemon(true);
            t.start();
        }

        @Test
        @Order(2)
        void runsNext() {
            NEXT_STARTED.countDown();
            await(LATE_DONE);
        }
    }

    @Test
    void aLateReportFailsItsOwnTestsClassNotTheNextTest() {
        assertEquals(List.of("leavesAThreadBehind(): SUCCESSFUL", "runsNext(): SUCCESSFUL"),
                run(selectClass(LateReport.class), false, false));
        List<String> containers = run(selectClass(LateReport2.class), false, true);
        String cls = containers.stream().filter(s -> s.startsWith("WitnessIsolationTest$LateReport2")).findFirst().orElseThrow(
                () -> new AssertionError(containers.toString()));
        assertTrue(cls.startsWith("WitnessIsolationTest$LateReport2: FAILED\nwitness: after test"
                + " LateReport2.leavesAThreadBehind() ended, threads it started made 1 report\n\nwitness: lock order reversal #"), cls);
        assertTrue(cls.contains(" in thread \"late-worker2\"\n"), cls);
    }

    static final CountDownLatch NEXT2_STARTED = new CountDownLatch(1);
    static final CountDownLatch LATE2_DONE = new CountDownLatch(1);

    /** The same as LateReport (fresh latches and classes), run to see the class's own result. */
    @ExtendWith(WitnessExtension.class)
    @EnabledIf("smpnet.witness.junit.WitnessIsolationTest#inKit")
    @TestMethodOrder(MethodOrderer.OrderAnnotation.class)
    static class LateReport2 {
        @Test
        @Order(1)
        void leavesAThreadBehind() {
            ReentrantLock a = WitnessLocks.reentrantLock("late2.a");
            ReentrantLock b = WitnessLocks.reentrantLock("late2.b");
            nest(a, b);
            Thread t = new Thread(() -> {
                await(NEXT2_STARTED);
                nest(b, a);
                LATE2_DONE.countDown();
            }, "late-worker2");
            t.setDaemon(true);
            t.start();
        }

        @Test
        @Order(2)
        void runsNext() {
            NEXT2_STARTED.countDown();
            await(LATE2_DONE);
        }
    }

    @ExtendWith(WitnessExtension.class)
    @EnabledIf("smpnet.witness.junit.WitnessIsolationTest#inKit")
    @TestMethodOrder(MethodOrderer.OrderAnnotation.class)
    static class Repeats {
        @Test
        @Order(1)
        void privateWitnessNeverFailsATest() {
            Witness mine = Witness.newInstanceForTesting();
            mine.setPolicy(Policy.COUNT);
            ReentrantLock a = WitnessLocks.reentrantLock(mine, "private.a", false);
            ReentrantLock b = WitnessLocks.reentrantLock(mine, "private.b", false);
            nest(a, b);
            nest(b, a);
            assertEquals(1, mine.reportCount());
        }

        @Test
        @Order(2)
        void learnsTheOrder() {
            nest(WitnessLocks.reentrantLock("repeat.a"), WitnessLocks.reentrantLock("repeat.b"));
        }

        @RepeatedTest(2)
        @Order(3)
        void reverses() {
            nest(WitnessLocks.reentrantLock("repeat.b"), WitnessLocks.reentrantLock("repeat.a"));
        }
    }

    @Test
    void aReversalFailsEveryTestThatMakesItAndNamesTheTestThatLearnedTheOtherOrder() {
        List<String> r = run(selectClass(Repeats.class), false, false);
        assertEquals(4, r.size(), r.toString());
        assertEquals("privateWitnessNeverFailsATest(): SUCCESSFUL", r.get(0));
        assertEquals("learnsTheOrder(): SUCCESSFUL", r.get(1));
        for (String rep : r.subList(2, 4)) {
            assertTrue(rep.startsWith("repetition ") && rep.contains(": FAILED\nwitness: 1 report during this test\n"), rep);
            assertTrue(rep.contains("  edge repeat.a -> repeat.b (EE), learned in thread \"")
                    && rep.contains("\" during test Repeats.learnsTheOrder():\n"), rep);
        }
    }
}
