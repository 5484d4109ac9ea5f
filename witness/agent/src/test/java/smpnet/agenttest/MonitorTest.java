package smpnet.agenttest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import smpnet.witness.Report;
import smpnet.witness.ReportKind;

/**
 * synchronized blocks and methods, Object.wait, Thread.sleep and LockSupport.park in code the agent
 * rewrote (this test class: the agent rewrites every class but the JDK's, witness's and the runners').
 * Each test uses classes no other test uses: the JVM's witness keeps what it learned.
 */
class MonitorTest {
    static final class Blocks {
        final Object first = new Object();
        final Object second = new Object();
    }

    @Test
    void synchronizedBlocksInBothOrdersAreAReversalNamedByTheirFields() {
        Blocks b = new Blocks();
        try (Recorder rec = new Recorder()) {
            synchronized (b.first) {
                synchronized (b.second) {
                    assertEquals(List.of("smpnet.agenttest.MonitorTest$Blocks.first", "smpnet.agenttest.MonitorTest$Blocks.second"),
                            Recorder.witness().heldLocks());
                }
            }
            synchronized (b.second) {
                synchronized (b.first) {
                    b.first.notifyAll(); // reported before this line: at the acquisition
                }
            }
            assertEquals(List.of("LOCK_ORDER_REVERSAL smpnet.agenttest.MonitorTest$Blocks.second,smpnet.agenttest.MonitorTest$Blocks.first"),
                    rec.summary());
            Report r = rec.only(ReportKind.LOCK_ORDER_REVERSAL);
            // both stacks: where the established edge was learned, and where it was reversed
            assertTrue(r.text().contains("edge smpnet.agenttest.MonitorTest$Blocks.first -> smpnet.agenttest.MonitorTest$Blocks.second (EE), learned in thread \"main\":\n"
                    + "    smpnet.agenttest.MonitorTest.synchronizedBlocksInBothOrdersAreAReversalNamedByTheirFields(MonitorTest.java:29)"), r.text());
            assertTrue(r.text().contains("reversing acquisition smpnet.agenttest.MonitorTest$Blocks.second -> smpnet.agenttest.MonitorTest$Blocks.first at:\n"
                    + "    smpnet.agenttest.MonitorTest.synchronizedBlocksInBothOrdersAreAReversalNamedByTheirFields(MonitorTest.java:35)"), r.text());
            assertTrue(r.toJson().contains("\"cycle\":[\"smpnet.agenttest.MonitorTest$Blocks.second\",\"smpnet.agenttest.MonitorTest$Blocks.first\",\"smpnet.agenttest.MonitorTest$Blocks.second\"]"), r.toJson());
        }
        assertEquals(List.of(), Recorder.witness().heldLocks(), "every monitor exit was seen");
        assertTrue(Recorder.witness().showWitnessDot().contains("\"smpnet.agenttest.MonitorTest$Blocks.first\" -> \"smpnet.agenttest.MonitorTest$Blocks.second\""));
    }

    static final class Vault {
        synchronized void open(Teller t) { t.count(); }
    }

    static final class Teller {
        synchronized void count() {}

        synchronized void close(Vault v) { v.open(this); }
    }

    @Test
    void synchronizedMethodsAreNamedByTheObjectsClass() {
        try (Recorder rec = new Recorder()) {
            new Vault().open(new Teller());
            assertEquals(List.of(), rec.summary());
            new Teller().close(new Vault());
            assertEquals(List.of("LOCK_ORDER_REVERSAL smpnet.agenttest.MonitorTest$Teller,smpnet.agenttest.MonitorTest$Vault"), rec.summary());
        }
        assertEquals(List.of(), Recorder.witness().heldLocks());
    }

    static final class Account {
        synchronized void transferTo(Account other) {
            synchronized (other) {
                other.notifyAll();
            }
        }

        static synchronized void audit(Account a) {
            synchronized (a) {
                a.notifyAll();
            }
        }
    }

    @Test
    void twoAccountsNestedAreDupokAndAStaticMethodLocksTheClass() {
        try (Recorder rec = new Recorder()) {
            new Account().transferTo(new Account());
            Account.audit(new Account());
            assertEquals(List.of(), rec.summary());
        }
        assertTrue(Recorder.witness().hasOrder("smpnet.agenttest.MonitorTest$Account.class", "smpnet.agenttest.MonitorTest$Account"));
    }

    static final class Exits {
        final Object lock = new Object();

        int thrower(int x) {
            synchronized (lock) {
                if (x > 0) {
                    throw new IllegalStateException("out through the handler");
                }
                return x;
            }
        }

        synchronized void throwingMethod() {
            throw new IllegalStateException("out of a synchronized method");
        }
    }

    @Test
    void exceptionsLeaveNoLockRecordedAsHeld() {
        Exits e = new Exits();
        try (Recorder rec = new Recorder()) {
            for (int i = 0; i < 3; i++) {
                try {
                    e.thrower(1);
                } catch (IllegalStateException expected) {
                    // released by javac's handler
                }
                try {
                    e.throwingMethod();
                } catch (IllegalStateException expected) {
                    // released by the JVM
                }
            }
            assertEquals(0, e.thrower(0));
            assertEquals(List.of(), rec.summary());
        }
        assertEquals(List.of(), Recorder.witness().heldLocks());
    }

    static final class Counter {
        final Object lock = new Object();
        int value;

        /** The block's body starts with a loop: javac's handler range starts at a jump target (with a frame). */
        int countTo(int n) {
            synchronized (lock) {
                while (value < n) {
                    value++;
                }
                return value;
            }
        }
    }

    @Test
    void aBlockWhoseBodyIsALoopStillVerifiesAndRuns() {
        Counter c = new Counter();
        for (int i = 1; i <= 20_000; i++) { // enough calls for the JIT to compile the rewritten method
            assertEquals(i, c.countTo(i));
        }
        assertEquals(List.of(), Recorder.witness().heldLocks());
    }

    static final class Sleepers {
        final Object outer = new Object();
        final Object inner = new Object();
        final Object napping = new Object();
        final Object parking = new Object();
    }

    @Test
    void waitingWithAnotherMonitorHeldAndSleepingOrParkingWithOneHeldAreReported() throws InterruptedException {
        Sleepers s = new Sleepers();
        try (Recorder rec = new Recorder()) {
            synchronized (s.inner) {
                s.inner.wait(1); // releases the only monitor held: fine
            }
            assertEquals(List.of(), rec.summary());
            synchronized (s.outer) {
                synchronized (s.inner) {
                    s.inner.wait(1); // outer stays held while this thread sleeps: nested monitor lockout
                }
            }
            synchronized (s.napping) {
                Thread.sleep(1);
            }
            synchronized (s.parking) {
                LockSupport.parkNanos(TimeUnit.MICROSECONDS.toNanos(1));
            }
            assertEquals(List.of("SLEEP_WITH_LOCK smpnet.agenttest.MonitorTest$Sleepers.outer",
                    "SLEEP_WITH_LOCK smpnet.agenttest.MonitorTest$Sleepers.napping",
                    "SLEEP_WITH_LOCK smpnet.agenttest.MonitorTest$Sleepers.parking"), rec.summary());
        }
    }
}
