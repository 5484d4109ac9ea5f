package smpnet.locking;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import smpnet.locking.scripted.ScriptedScheduler;

/**
 * Adaptive spinning of {@link Mutex}: the decision (owner runnable, blocked, changed; the ceiling) driven by
 * a fake scheduler, the free scheduler's policy, and contended acquisitions on real threads that must stop
 * spinning for the stated reason, counted by the clock reads they make.
 */
class AdaptiveSpinTest {
    /** Real-time bound on waiting for another thread's progress: a failure, never a sleep. */
    private static final long PATIENCE_NANOS = TimeUnit.SECONDS.toNanos(30);

    /**
     * A scheduler that delegates waits to the free one, but whose clock advances by one at every read
     * (and counts the reads), and which says a thread is runnable only if the test put it in
     * {@link #runnable} (or, with {@link #realStates}, as the free scheduler does).
     */
    private static final class FakeScheduler implements Scheduler {
        final AtomicLong clock = new AtomicLong();
        final Set<Thread> runnable = ConcurrentHashMap.newKeySet();
        final long ceiling;
        final boolean realStates;
        final long stall;

        FakeScheduler(long ceiling, boolean realStates) { this(ceiling, realStates, NO_STALL); }

        FakeScheduler(long ceiling, boolean realStates, long stall) {
            this.ceiling = ceiling;
            this.realStates = realStates;
            this.stall = stall;
        }

        @Override public long nanoTime() { return clock.getAndIncrement(); }
        @Override public long adaptiveSpinNanos() { return ceiling; }
        @Override public long spinStallNanos() { return stall; }

        @Override
        public boolean isRunnable(Thread t) {
            return realStates ? FreeScheduler.INSTANCE.isRunnable(t) : runnable.contains(t);
        }

        @Override
        public Thread startWorker(String name, int cpu, Runnable body) {
            return FreeScheduler.INSTANCE.startWorker(name, cpu, body);
        }

        @Override public int currentCpu() { return FreeScheduler.INSTANCE.currentCpu(); }
        @Override public void park(Object blocker) { FreeScheduler.INSTANCE.park(blocker); }
        @Override public void parkNanos(Object blocker, long n) { FreeScheduler.INSTANCE.parkNanos(blocker, n); }
        @Override public void unpark(Thread thread) { FreeScheduler.INSTANCE.unpark(thread); }
        @Override public void spinWait(int iteration) { Thread.onSpinWait(); }

        @Override
        public Cancellable schedule(long delayNanos, Runnable task) {
            return FreeScheduler.INSTANCE.schedule(delayNanos, task);
        }
    }

    private static Thread idle(String name) { return new Thread(() -> {}, name); }

    /** No stall budget: a hold may last the whole ceiling. */
    private static final long NO_STALL = Long.MAX_VALUE;

    // ---- the decision, with a fake clock and fake thread states ----

    @Test
    void aRunnableOwnerIsSpunOnUntilTheCeiling() {
        FakeScheduler s = new FakeScheduler(3, false);
        Thread a = idle("a");
        s.runnable.add(a);
        Mutex.OwnerSpin spin = new Mutex.OwnerSpin(s, 3, 0, NO_STALL);   // clock 0: deadline 3
        assertTrue(spin.worthSpinning(a, 0));                  // clock 1
        assertTrue(spin.worthSpinning(a, 0));                  // clock 2
        assertFalse(spin.worthSpinning(a, 0));                 // clock 3: the ceiling
        assertEquals(4, s.clock.get());
    }

    @Test
    void aBlockedOwnerStopsTheSpinAtOnceWithoutReadingTheClock() {
        FakeScheduler s = new FakeScheduler(1_000, false);
        Mutex.OwnerSpin spin = new Mutex.OwnerSpin(s, 1_000, 0, NO_STALL);
        assertFalse(spin.worthSpinning(idle("blocked"), 0));
        assertEquals(1, s.clock.get());
    }

    @Test
    void theSpinFollowsTheOwnerOfTheMomentWhenTheMutexChangesHands() {
        FakeScheduler s = new FakeScheduler(1_000, false);
        Thread a = idle("a");
        Thread b = idle("b");
        Thread c = idle("c");
        s.runnable.add(a);
        s.runnable.add(b);
        Mutex.OwnerSpin spin = new Mutex.OwnerSpin(s, 1_000, 0, NO_STALL);
        assertTrue(spin.worthSpinning(a, 0));
        assertTrue(spin.worthSpinning(b, 0), "a barger that runs: go on");
        assertTrue(spin.worthSpinning(a, 0));
        s.runnable.remove(a);
        assertFalse(spin.worthSpinning(a, 0), "the same owner blocked");
        assertFalse(spin.worthSpinning(c, 0), "handed to a thread that is not running");
    }

    @Test
    void noOwnerYetCountsAsRunning() {
        FakeScheduler s = new FakeScheduler(2, false);
        Mutex.OwnerSpin spin = new Mutex.OwnerSpin(s, 2, 0, NO_STALL);
        assertTrue(spin.worthSpinning(null, 0));
        assertFalse(spin.worthSpinning(null, 0));
    }

    @Test
    void aCutbackShortensTheCeiling() {
        FakeScheduler s = new FakeScheduler(8, false);
        Thread a = idle("a");
        s.runnable.add(a);
        Mutex.OwnerSpin spin = new Mutex.OwnerSpin(s, 8, 2, NO_STALL);   // clock 0: deadline 8 >> 2 = 2
        assertTrue(spin.worthSpinning(a, 0));
        assertFalse(spin.worthSpinning(a, 0));
    }

    @Test
    void spinsThatRunOutHalveTheNextCeilingAndSpinsThatWinDoubleItBack() {
        FakeScheduler s = new FakeScheduler(1, false);
        Thread a = idle("a");
        s.runnable.add(a);
        for (int cutback : new int[] {0, 3, Mutex.OwnerSpin.MAX_CUTBACK}) {
            Mutex.OwnerSpin ranOut = new Mutex.OwnerSpin(s, 1L << cutback, cutback, NO_STALL);
            assertFalse(ranOut.worthSpinning(a, 0));
            assertEquals(Math.min(cutback + 1, Mutex.OwnerSpin.MAX_CUTBACK), ranOut.nextCutback(false));
            assertEquals(Math.max(cutback - 1, 0), ranOut.nextCutback(true), "the mutex was free at the last try");
        }
        Mutex.OwnerSpin won = new Mutex.OwnerSpin(s, 1_000, 3, NO_STALL);
        assertTrue(won.worthSpinning(a, 0));
        assertEquals(2, won.nextCutback(true));
        assertEquals(0, new Mutex.OwnerSpin(s, 1_000, 0, NO_STALL).nextCutback(true));
    }

    @Test
    void aSpinStoppedByABlockedOwnerLeavesTheCutbackAlone() {
        FakeScheduler s = new FakeScheduler(1, false);
        Mutex.OwnerSpin spin = new Mutex.OwnerSpin(s, 1, 3, NO_STALL);
        assertFalse(spin.worthSpinning(idle("blocked"), 0));
        assertEquals(3, spin.nextCutback(false));
    }

    @Test
    void aHoldThatOutlastsTheStallBudgetStopsTheSpinAndLeavesTheCutbackAlone() {
        FakeScheduler s = new FakeScheduler(1_000, false);
        Thread a = idle("a");
        s.runnable.add(a);
        Mutex.OwnerSpin spin = new Mutex.OwnerSpin(s, 1_000, 2, 3); // clock 0
        assertTrue(spin.worthSpinning(a, 7));                       // clock 1: hold 7 first seen
        assertTrue(spin.worthSpinning(a, 7));                       // clock 2
        assertTrue(spin.worthSpinning(a, 7));                       // clock 3
        assertFalse(spin.worthSpinning(a, 7), "hold 7 lasted the budget of 3: the owner is taken for preempted");
        assertEquals(5, s.clock.get());
        assertEquals(2, spin.nextCutback(false));
    }

    @Test
    void aMutexThatChangesHandsIsSpunOnPastTheStallBudgetUntilTheCeiling() {
        FakeScheduler s = new FakeScheduler(6, false);
        Thread a = idle("a");
        Thread b = idle("b");
        s.runnable.add(a);
        s.runnable.add(b);
        Mutex.OwnerSpin spin = new Mutex.OwnerSpin(s, 6, 0, 2);    // clock 0: deadline 6
        assertTrue(spin.worthSpinning(a, 1));                       // clock 1
        assertTrue(spin.worthSpinning(a, 1));                       // clock 2: hold 1 for 1 < 2
        assertTrue(spin.worthSpinning(a, 2), "a re-took it: a new hold, the budget starts again");
        assertTrue(spin.worthSpinning(b, 3));                       // clock 4
        assertTrue(spin.worthSpinning(a, 4));                       // clock 5
        assertFalse(spin.worthSpinning(b, 5), "the ceiling");       // clock 6
        assertEquals(1, spin.nextCutback(false), "ran out at the ceiling: halve the next ceiling");
    }

    // ---- the free scheduler's policy ----

    @Test
    void freeSchedulerSpinsAdaptivelyOnlyWithTwoCpusOrMoreAndUnlessFixed() {
        assertEquals(50_000, FreeScheduler.adaptiveSpinNanos(null, 2, 50));
        assertEquals(200_000, FreeScheduler.adaptiveSpinNanos("adaptive", 8, 200));
        assertEquals(0, FreeScheduler.adaptiveSpinNanos(null, 1, 50), "one CPU: the owner waits for ours");
        assertEquals(0, FreeScheduler.adaptiveSpinNanos("fixed", 2, 50));
        assertEquals(0, FreeScheduler.adaptiveSpinNanos(null, 2, 0));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> FreeScheduler.adaptiveSpinNanos("always", 2, 50));
        assertEquals("smpnet.locking.mutex.spin must be adaptive or fixed, not always", e.getMessage());
    }

    @Test
    void spinLockWaitersYieldAtOnceWithOneCpu() {
        assertEquals(0, FreeScheduler.spinPauses(1), "one CPU: the holder waits for ours");
        assertEquals(64, FreeScheduler.spinPauses(2));
        assertEquals(64, FreeScheduler.spinPauses(16));
    }

    @Test
    void freeSchedulerStallBudgetIsInMicrosecondsAndZeroMeansNone() {
        assertEquals(50_000, FreeScheduler.spinStallNanos(50));
        assertEquals(Long.MAX_VALUE, FreeScheduler.spinStallNanos(0));
        assertEquals(Long.MAX_VALUE, FreeScheduler.spinStallNanos(-1));
    }

    @Test
    void freeSchedulerSeesTheJvmThreadState() throws InterruptedException {
        Thread notStarted = idle("new");
        assertFalse(FreeScheduler.INSTANCE.isRunnable(notStarted));
        assertTrue(FreeScheduler.INSTANCE.isRunnable(Thread.currentThread()));
        notStarted.start();
        notStarted.join();
        assertFalse(FreeScheduler.INSTANCE.isRunnable(notStarted));
    }

    @Test
    void theDeterministicSchedulerNeverSpins() {
        ScriptedScheduler s = new ScriptedScheduler("");
        assertEquals(0, s.adaptiveSpinNanos());
        assertEquals(0, s.spinsBeforeBlocking());
    }

    // ---- contended acquisitions on real threads ----

    /** Waits (running) until {@code done}, failing after {@link #PATIENCE_NANOS} instead of hanging. */
    private static void await(String what, BooleanSupplier done) {
        long end = System.nanoTime() + PATIENCE_NANOS;
        while (!done.getAsBoolean()) {
            if (System.nanoTime() - end > 0) throw new AssertionError("still waiting: " + what);
            Thread.onSpinWait();
        }
    }

    /**
     * Starts a thread that takes {@code m}; returns once it queued, logging the clock reads it made and the
     * cutback it left.
     */
    private static Thread contendUntilQueued(FakeScheduler s, Mutex m, List<String> log) {
        Thread contender = s.startWorker("contender", 1, () -> {
            m.lock();
            log.add("contender in");
            m.unlock();
        });
        await("the contender queues", m::hasWaiters);
        log.add("clock reads before queueing: " + s.clock.get() + ", cutback " + m.spinCutback());
        return contender;
    }

    /** This thread holds {@code m}, running, until a contender queued; then releases it: the contender's log. */
    private static List<String> contendOnBusyOwner(FakeScheduler s, Mutex m) throws InterruptedException {
        List<String> log = new CopyOnWriteArrayList<>();
        try (Schedulers.Installation ignored = Schedulers.use(s)) {
            m.lock();
            Thread contender = contendUntilQueued(s, m, log);
            m.unlock();
            contender.join();
        }
        return log;
    }

    /**
     * The owner (this thread) runs, busy, for longer than the ceiling: the contender spins while the clock
     * moves from 0 to the ceiling of 3, one read per check, then queues. It read the clock four times, and
     * halved the mutex's next ceiling; once woken, its spin takes the mutex and doubles it back.
     */
    @Test
    void aContenderOnARunningOwnerQueuesAtTheCeiling() throws InterruptedException {
        Mutex m = new Mutex("spin_ceiling");
        List<String> log = contendOnBusyOwner(new FakeScheduler(3, true), m);
        assertEquals(List.of("clock reads before queueing: 4, cutback 1", "contender in"), log);
        assertEquals(0, m.spinCutback(), "the woken contender's spin took the mutex");
    }

    /**
     * The owner (this thread) runs, busy, holding the mutex all along, under a ceiling of an hour and a stall
     * budget of 5 clock ticks: the contender sees one hold that does not end, takes the owner for preempted
     * and queues after the clock read of its deadline and one per check until the budget passed, leaving
     * the mutex's cutback alone.
     */
    @Test
    void aContenderOnAHoldThatDoesNotEndQueuesAtTheStallBudget() throws InterruptedException {
        Mutex m = new Mutex("spin_stalled");
        List<String> log = contendOnBusyOwner(new FakeScheduler(TimeUnit.HOURS.toNanos(1), true, 5), m);
        // clock 0: deadline; 1: the hold first seen; 2..5: the same hold; at 6 it has lasted 5
        assertEquals(List.of("clock reads before queueing: 7, cutback 0", "contender in"), log);
        assertEquals(0, m.spinCutback());
    }

    /**
     * One adaptive spinner per mutex: while a first contender spins on this (running) owner under a ceiling
     * of an hour, a second one does the scheduler's fixed spin (none here) and queues at once; both get the
     * mutex once it is released.
     */
    @Test
    void aSecondContenderQueuesWhileTheFirstSpins() throws InterruptedException {
        FakeScheduler s = new FakeScheduler(TimeUnit.HOURS.toNanos(1), true);
        Mutex m = new Mutex("spin_one");
        List<String> log = new CopyOnWriteArrayList<>();
        try (Schedulers.Installation ignored = Schedulers.use(s)) {
            m.lock();
            Thread first = s.startWorker("first", 1, () -> {
                m.lock();
                log.add("first in");
                m.unlock();
            });
            await("the first contender spins (reads the clock at its checks)", () -> s.clock.get() >= 3);
            Thread second = s.startWorker("second", 1, () -> {
                m.lock();
                log.add("second in");
                m.unlock();
            });
            await("the second contender queues while the first spins", m::hasWaiters);
            assertTrue(first.isAlive());
            m.unlock();
            first.join();
            second.join();
        }
        assertEquals(Set.of("first in", "second in"), Set.copyOf(log));
    }

    /**
     * The owner holds the mutex parked: a contender with a ceiling of an hour queues after one look at the
     * owner, having read the clock only to set its deadline. Spinning on a blocked owner would hang here.
     */
    @Test
    void aContenderOnABlockedOwnerQueuesWithoutSpinning() throws InterruptedException {
        FakeScheduler s = new FakeScheduler(TimeUnit.HOURS.toNanos(1), true);
        Mutex m = new Mutex("spin_blocked");
        List<String> log = new CopyOnWriteArrayList<>();
        AtomicBoolean release = new AtomicBoolean();
        try (Schedulers.Installation ignored = Schedulers.use(s)) {
            Thread owner = s.startWorker("owner", 0, () -> {
                m.lock();
                while (!release.get()) s.park(m);
                m.unlock();
            });
            await("the owner parks holding the mutex",
                    () -> owner.getState() == Thread.State.WAITING && m.owner() == owner);
            Thread contender = contendUntilQueued(s, m, log);
            release.set(true);
            s.unpark(owner);
            owner.join();
            contender.join();
        }
        assertEquals(List.of("clock reads before queueing: 1, cutback 0", "contender in"), log);
        assertEquals(0, m.spinCutback());
    }
}
