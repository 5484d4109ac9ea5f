package smpnet.locking;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import smpnet.witness.LockFlags;

/** The seeded scheduler: same seed, same run; virtual time; deadlocks, throws and stuck threads stop a run. */
class DeterministicSchedulerTest {

    /** Three producers and a consumer on one mutex and cv, plus a timer: what ran in which order. */
    private static List<String> producersAndConsumer(DeterministicScheduler s) {
        List<String> log = new CopyOnWriteArrayList<>();
        Mutex m = new Mutex("ds_queue");
        CondVar nonEmpty = new CondVar("ds_nonempty");
        int[] queued = {0};
        for (int w = 0; w < 3; w++) {
            String name = "p" + w;
            s.startWorker(name, w, () -> {
                for (int i = 0; i < 4; i++) {
                    m.lock();
                    queued[0]++;
                    log.add(name + "." + i);
                    nonEmpty.signal();
                    m.unlock();
                }
            });
        }
        s.spawn("consumer", () -> {
            Scheduler.current().schedule(TimeUnit.SECONDS.toNanos(1), () -> log.add("timer at " + Scheduler.current().nanoTime()));
            for (int got = 0; got < 12; got++) {
                m.lock();
                while (queued[0] == 0) nonEmpty.await(m);
                queued[0]--;
                m.unlock();
            }
            Scheduler.current().parkNanos("sleep", TimeUnit.SECONDS.toNanos(2));
            log.add("consumer done at " + Scheduler.current().nanoTime());
        });
        s.run();
        return log;
    }

    private static DeterministicScheduler seeded(long seed) {
        return new DeterministicScheduler(DeterministicScheduler.Options.seed(seed).withPreemptOneIn(2));
    }

    @Test
    void oneSeedGivesOneRunDecisionForDecision() {
        DeterministicScheduler a = seeded(7);
        DeterministicScheduler b = seeded(7);
        List<String> runA = producersAndConsumer(a);
        List<String> runB = producersAndConsumer(b);
        assertEquals(runA, runB);
        assertEquals(a.decisionHash(), b.decisionHash());
        assertEquals(a.decisions(), b.decisions());
        assertTrue(a.decisions() > 24, "decisions: " + a.decisions());
        assertEquals(List.of("timer at 1000000000", "consumer done at 2000000000"), runA.subList(12, 14));
    }

    @Test
    void otherSeedsExploreOtherInterleavings() {
        Set<List<String>> orders = new HashSet<>();
        Set<Long> hashes = new HashSet<>();
        for (long seed = 1; seed <= 6; seed++) {
            DeterministicScheduler s = seeded(seed);
            orders.add(producersAndConsumer(s));
            hashes.add(s.decisionHash());
        }
        assertTrue(orders.size() >= 3, "distinct interleavings: " + orders.size());
        assertEquals(6, hashes.size());
    }

    @Test
    void onlyTheThreadHoldingTheBatonEverRuns() {
        DeterministicScheduler s = new DeterministicScheduler(DeterministicScheduler.Options.seed(4).withPreemptOneIn(1));
        java.util.concurrent.atomic.AtomicInteger inside = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicInteger overlaps = new java.util.concurrent.atomic.AtomicInteger();
        int[] switches = {0};
        for (int w = 0; w < 4; w++) {
            s.startWorker("w" + w, w, () -> {
                for (int i = 0; i < 300; i++) {
                    if (inside.incrementAndGet() != 1) overlaps.incrementAndGet();
                    for (int spin = 0; spin < 200; spin++) Thread.onSpinWait(); // time for a second runner to show
                    inside.decrementAndGet();
                    switches[0]++; // a plain field: the baton's hand-off must publish it
                    Scheduler.current().schedulingPoint();
                }
            });
        }
        s.spawn("app", () -> Scheduler.current().parkNanos("wait", 1));
        s.run();
        assertEquals(0, overlaps.get());
        assertEquals(1200, switches[0]);
    }

    @Test
    void virtualTimeJumpsWhenEveryoneSleeps() {
        DeterministicScheduler s = seeded(1);
        long[] woke = new long[1];
        long start = System.nanoTime();
        s.spawn("sleeper", () -> {
            Scheduler.current().parkNanos("2msl", TimeUnit.SECONDS.toNanos(60));
            woke[0] = Scheduler.current().nanoTime();
        });
        s.run();
        assertEquals(TimeUnit.SECONDS.toNanos(60), woke[0]);
        assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(10));
    }

    @Test
    void timersRunInDueOrderAndCancelledOnesNever() {
        DeterministicScheduler s = seeded(3);
        List<String> log = new CopyOnWriteArrayList<>();
        s.spawn("app", () -> {
            Scheduler sched = Scheduler.current();
            sched.schedule(300, () -> log.add("300 at " + sched.nanoTime()));
            sched.schedule(100, () -> log.add("100 at " + sched.nanoTime()));
            Scheduler.Cancellable never = sched.schedule(200, () -> log.add("cancelled"));
            sched.schedule(0, () -> log.add("0 at " + sched.nanoTime()));
            assertTrue(never.cancel());
            sched.parkNanos("wait", 1_000);
        });
        s.run();
        assertEquals(List.of("0 at 0", "100 at 100", "300 at 300"), log);
    }

    @Test
    void aDeadlockStopsTheRunWithItsSeed() {
        // NOWITNESS: the deadlock is the point here; witness would report the reversal first.
        Mutex a = new Mutex("ds_a", LockFlags.NOWITNESS);
        Mutex b = new Mutex("ds_b", LockFlags.NOWITNESS);
        CountDownLatch bothIn = new CountDownLatch(2);
        DeterministicScheduler s = seeded(11);
        CondVar ready = new CondVar("ds_ready");
        Mutex gate = new Mutex("ds_gate", LockFlags.NOWITNESS);
        Runnable meet = () -> { // both hold their first lock before either asks for its second
            gate.lock();
            bothIn.countDown();
            if (bothIn.getCount() == 0) ready.broadcast();
            while (bothIn.getCount() > 0) ready.await(gate);
            gate.unlock();
        };
        s.spawn("x", () -> { a.lock(); meet.run(); b.lock(); });
        s.spawn("y", () -> { b.lock(); meet.run(); a.lock(); });
        DeterministicScheduler.RunFailure f = assertThrows(DeterministicScheduler.RunFailure.class, s::run);
        assertEquals(11, f.seed());
        assertTrue(f.getMessage().startsWith("deterministic run with seed 11 failed after "), f.getMessage());
        assertTrue(f.getMessage().contains("deadlock: every thread is blocked and no timer is pending"), f.getMessage());
        assertTrue(f.getMessage().contains("x parked on " + b) && f.getMessage().contains("y parked on " + a), f.getMessage());
    }

    @Test
    void aDeadlockReportShowsTheThreadsAsTheyWereWhenItWasFound() {
        // As above, but each thread releases its first lock in a finally block, as real code does: unwinding
        // runs those blocks and changes the threads' states before the report is written.
        int deadlocked = 0;
        for (long seed = 1; seed <= 20; seed++) {
            Mutex a = new Mutex("ds_a", LockFlags.NOWITNESS);   // new locks per run: a failed run abandons its locks
            Mutex b = new Mutex("ds_b", LockFlags.NOWITNESS);
            DeterministicScheduler s = seeded(seed);
            s.spawn("x", () -> lockBoth(a, b));
            s.spawn("y", () -> lockBoth(b, a));
            try {
                s.run();
            } catch (DeterministicScheduler.RunFailure f) {
                assertTrue(f.getMessage().contains("threads: [x parked on " + b + ", y parked on " + a + "]"), f.getMessage());
                deadlocked++;
            }
        }
        assertTrue(deadlocked > 0, "no seed of 1..20 deadlocked: the test checks nothing");
    }

    private static void lockBoth(Mutex first, Mutex second) {
        first.lock();
        try {
            second.lock();
            second.unlock();
        } finally {
            first.unlock();
        }
    }

    @Test
    void aFailedAssertionStopsTheRun() {
        DeterministicScheduler s = seeded(5);
        s.startWorker("worker", 0, () -> { throw new AssertionError("lock not held"); });
        s.spawn("app", () -> Scheduler.current().parkNanos("wait", 10));
        DeterministicScheduler.RunFailure f = assertThrows(DeterministicScheduler.RunFailure.class, s::run);
        assertTrue(f.getMessage().contains("worker threw java.lang.AssertionError: lock not held"), f.getMessage());
    }

    @Test
    void aThreadBlockedOutsideTheSeamIsReportedAsStuck() throws InterruptedException {
        CountDownLatch never = new CountDownLatch(1);
        DeterministicScheduler s = new DeterministicScheduler(DeterministicScheduler.Options.seed(9).withStuckMillis(300));
        s.spawn("blocked", () -> {
            try {
                never.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        DeterministicScheduler.RunFailure f = assertThrows(DeterministicScheduler.RunFailure.class, s::run);
        assertTrue(f.getMessage().contains("stuck: blocked ran 300 ms of real time without a scheduling point"), f.getMessage());
        assertTrue(f.getMessage().contains("CountDownLatch.await"), f.getMessage());
        never.countDown();
    }

    @Test
    void optionsAreChecked() {
        assertThrows(IllegalArgumentException.class, () -> DeterministicScheduler.Options.seed(1).withPreemptOneIn(0));
        assertNotEquals(seeded(1).decisionHash(), 0);
    }
}
