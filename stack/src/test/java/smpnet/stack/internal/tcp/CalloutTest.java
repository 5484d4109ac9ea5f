package smpnet.stack.internal.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import smpnet.locking.ExclusiveLock;
import smpnet.locking.LockAssertionError;
import smpnet.stack.locks.LockInventory;
import smpnet.stack.locks.LockMode;
import smpnet.stack.locks.StackLocks;
import smpnet.stack.testing.ManualClock;

/** The callout wheel on a manual clock: exact firing times, reset/stop semantics, and the stop-versus-fire race. */
class CalloutTest {
    private static final long MS = 1_000_000L;
    /** Locks as a host in fine mode makes them (which also declares the lock order to witness). */
    private final StackLocks locks = new StackLocks(LockMode.FINE);
    private final ManualClock clock = new ManualClock();
    private final CalloutWheel wheel = new CalloutWheel(clock, calloutLock());
    private final ExclusiveLock inp = locks.mutex(LockInventory.INP);
    private final long t0 = clock.nanoTime();

    private ExclusiveLock calloutLock() { return locks.mutex(LockInventory.CALLOUT); }

    private boolean reset(Callout c, long delay, Runnable fn) {
        inp.lock();
        try {
            return c.reset(delay, fn);
        } finally {
            inp.unlock();
        }
    }

    private boolean stop(Callout c) {
        inp.lock();
        try {
            return c.stop();
        } finally {
            inp.unlock();
        }
    }

    @Test void firesAtItsDueNanosecondWithItsLockHeld() {
        Callout c = new Callout(wheel, inp);
        assertNull(c.owner(), "no owner named");
        List<Long> ran = new ArrayList<>();
        assertFalse(reset(c, 5 * MS + 17, () -> {
            inp.assertOwned();
            assertFalse(c.pending(), "taken off the wheel before it runs");
            assertTrue(c.active(), "still active: the handler deactivates it");
            c.deactivate();
            ran.add(clock.nanoTime() - t0);
        }));
        assertTrue(c.pending());
        assertTrue(c.active());
        assertEquals(t0 + 5 * MS + 17, c.dueNanos());
        clock.advance(5 * MS + 16);
        assertEquals(List.of(), ran);
        clock.advance(1);
        assertEquals(List.of(5 * MS + 17), ran);
        assertFalse(c.pending());
        assertFalse(c.active());
        assertEquals(0, wheel.pendingCount());
        assertEquals(0, clock.pendingTimers(), "nothing pending, nothing armed");
    }

    @Test void resetReplacesTheEarlierSchedule() {
        Callout c = new Callout(wheel, inp);
        List<String> ran = new ArrayList<>();
        assertFalse(reset(c, 10 * MS, () -> ran.add("a")));
        assertTrue(reset(c, 3 * MS, () -> ran.add("b")), "it was pending");
        clock.advance(20 * MS);
        assertEquals(List.of("b"), ran);
        assertFalse(reset(c, 1 * MS, () -> ran.add("c")), "idle again after running");
        assertTrue(reset(c, 30 * MS, () -> ran.add("d")), "pushed later");
        clock.advance(29 * MS);
        assertEquals(List.of("b"), ran);
        clock.advance(1 * MS);
        assertEquals(List.of("b", "d"), ran);
    }

    @Test void stopCancelsAndSaysWhether() {
        Callout c = new Callout(wheel, inp);
        AtomicInteger runs = new AtomicInteger();
        reset(c, 2 * MS, runs::incrementAndGet);
        assertTrue(stop(c));
        assertFalse(c.pending());
        assertFalse(c.active());
        assertFalse(stop(c), "nothing left to cancel");
        clock.advance(10 * MS);
        assertEquals(0, runs.get());
    }

    @Test void resetAndStopNeedTheCalloutsLock() {
        Callout c = new Callout(wheel, inp);
        assertThrows(LockAssertionError.class, () -> c.reset(1, () -> { }));
        assertThrows(LockAssertionError.class, c::stop);
    }

    @Test void aHandlerReArmsItselfPeriodically() {
        Callout c = new Callout(wheel, inp);
        List<Long> at = new ArrayList<>();
        Runnable[] tick = new Runnable[1];
        tick[0] = () -> {
            at.add((clock.nanoTime() - t0) / MS);
            if (at.size() < 5) c.reset(10 * MS, tick[0]);
        };
        reset(c, 10 * MS, tick[0]);
        clock.advance(100 * MS);
        assertEquals(List.of(10L, 20L, 30L, 40L, 50L), at);
    }

    @Test void manyCalloutsFireInOrderAcrossTurnsOfTheWheel() {
        // A small wheel (8 buckets of 1 ms) so that most callouts are several turns away.
        CalloutWheel small = new CalloutWheel(clock, calloutLock(), MS, 8);
        long[] delays = {3 * MS, 20 * MS, 7 * MS + 500, 8 * MS, 100 * MS, 0, 2 * 3600 * 1000 * MS, 16 * MS, 1};
        List<Long> fired = new ArrayList<>();
        for (long d : delays) reset(new Callout(small, inp), d, () -> fired.add(clock.nanoTime() - t0));
        assertEquals(delays.length, small.pendingCount());
        clock.advance(100 * MS);
        assertEquals(1, small.pendingCount());
        assertEquals(1, clock.pendingTimers(), "one timer armed, at the far callout: no wake-up per turn");
        clock.advance(3 * 3600 * 1000 * MS);
        assertEquals(List.of(0L, 1L, 3 * MS, 7 * MS + 500, 8 * MS, 16 * MS, 20 * MS, 100 * MS, 2 * 3600 * 1000 * MS), fired);
        assertEquals(0, small.pendingCount());
    }

    @Test void aNegativeClockAndAnEndlessDelayWork() {
        ManualClock c = new ManualClock(-5_000_000_000L - 300);
        CalloutWheel w = new CalloutWheel(c, calloutLock());
        List<Long> fired = new ArrayList<>();
        Callout a = new Callout(w, inp);
        reset(a, 2 * MS, () -> fired.add(c.nanoTime()));
        reset(new Callout(w, inp), Long.MAX_VALUE, () -> fired.add(-1L));
        c.advance(2 * MS - 1);
        assertEquals(List.of(), fired);
        c.advance(1);
        assertEquals(List.of(c.nanoTime()), fired);
        assertEquals(1, w.pendingCount(), "the endless one waits");
    }

    @Test void calloutsOnSeveralCpusEachRunOnTime() {
        CalloutWheel two = new CalloutWheel(clock, this::calloutLock, 2, Runnable::run);
        assertEquals(2, two.cpus());
        List<String> fired = new ArrayList<>();
        reset(new Callout(two, inp, 0), 2 * MS, () -> fired.add("cpu0"));
        reset(new Callout(two, inp, 1), 1 * MS, () -> fired.add("cpu1"));
        assertEquals(2, two.pendingCount());
        clock.advance(5 * MS);
        assertEquals(List.of("cpu1", "cpu0"), fired);
    }

    @Test void theEntryPointBracketsEachHandler() {
        List<String> log = new ArrayList<>();
        CalloutWheel w = new CalloutWheel(clock, this::calloutLock, 1, r -> {
            log.add("enter");
            r.run();
            log.add("leave");
        });
        reset(new Callout(w, inp), MS, () -> log.add("handler"));
        clock.advance(MS);
        assertEquals(List.of("enter", "handler", "leave"), log);
    }

    /**
     * The race that matters: the callout fires while a thread holds its lock (a connection being closed); the
     * softclock has taken it off the wheel and waits for the lock. stop() under the lock cancels that run.
     */
    @Test void stopWithTheLockHeldBeatsAFiringWaitingForTheLock() throws Exception {
        Callout c = new Callout(wheel, inp);
        AtomicInteger runs = new AtomicInteger();
        reset(c, MS, runs::incrementAndGet);
        inp.lock();
        Thread softclock = new Thread(() -> clock.advance(MS), "softclock");
        try {
            softclock.start();
            awaitNotPending(c); // fired: off the wheel, the softclock now on its way to inp
            assertTrue(c.stop(), "a fired run not yet started counts as cancelled");
            assertFalse(c.active());
        } finally {
            inp.unlock();
        }
        softclock.join(10_000);
        assertFalse(softclock.isAlive());
        assertEquals(0, runs.get(), "the handler did not run after stop() returned");
        assertEquals(0, wheel.pendingCount());
    }

    @Test void resetWithTheLockHeldReplacesAFiringWaitingForTheLock() throws Exception {
        Callout c = new Callout(wheel, inp);
        List<String> ran = new ArrayList<>();
        reset(c, MS, () -> ran.add("old"));
        inp.lock();
        Thread softclock = new Thread(() -> clock.advance(MS), "softclock");
        try {
            softclock.start();
            awaitNotPending(c);
            assertTrue(c.reset(4 * MS, () -> ran.add("new")));
        } finally {
            inp.unlock();
        }
        softclock.join(10_000);
        assertEquals(List.of(), ran, "the old firing returned without running");
        assertTrue(c.pending());
        clock.advance(4 * MS);
        assertEquals(List.of("new"), ran);
    }

    @Test void drainWaitsForARunningHandler() throws Exception {
        Callout c = new Callout(wheel, inp);
        CountDownLatch inHandler = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        reset(c, MS, () -> {
            inHandler.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        Thread softclock = new Thread(() -> clock.advance(MS), "softclock");
        softclock.start();
        assertTrue(inHandler.await(10, TimeUnit.SECONDS));
        boolean[] drained = new boolean[2];
        Thread drainer = new Thread(() -> {
            drained[1] = c.drain();
            drained[0] = true;
        }, "drainer");
        drainer.start();
        long until = System.nanoTime() + 10_000_000_000L;
        while (drainer.getState() != Thread.State.WAITING && System.nanoTime() < until) Thread.onSpinWait();
        assertEquals(Thread.State.WAITING, drainer.getState(), "drain parks while the handler runs");
        assertFalse(drained[0]);
        release.countDown();
        drainer.join(10_000);
        softclock.join(10_000);
        assertTrue(drained[0]);
        assertFalse(drained[1], "nothing was pending: the run had started");
    }

    @Test void drainRefusesTheLockHeldAndItsOwnHandler() {
        Callout c = new Callout(wheel, inp);
        inp.lock();
        try {
            assertThrows(LockAssertionError.class, c::drain);
        } finally {
            inp.unlock();
        }
        List<Throwable> thrown = new ArrayList<>();
        reset(c, MS, () -> {
            inp.unlock(); // as a handler that gave up its lock (the connection was freed) and then drains
            try {
                c.drain();
            } catch (IllegalStateException e) {
                thrown.add(e);
            } finally {
                inp.lock();
            }
        });
        clock.advance(MS);
        assertEquals(1, thrown.size());
    }

    @Test void wheelDrainStopsEverythingAndIgnoresLaterResets() {
        AtomicInteger runs = new AtomicInteger();
        Callout a = new Callout(wheel, inp);
        Callout b = new Callout(wheel, inp);
        reset(a, MS, runs::incrementAndGet);
        reset(b, 10_000 * MS, runs::incrementAndGet);
        assertEquals(2, wheel.drain());
        assertEquals(0, wheel.pendingCount());
        assertEquals(0, clock.pendingTimers(), "the armed timer is cancelled");
        assertFalse(reset(a, MS, runs::incrementAndGet));
        assertFalse(a.pending());
        clock.advance(20_000 * MS);
        assertEquals(0, runs.get());
    }

    private static void awaitNotPending(Callout c) {
        long until = System.nanoTime() + 10_000_000_000L;
        while (c.pending()) {
            if (System.nanoTime() > until) throw new AssertionError("the softclock never took the callout");
            Thread.onSpinWait();
        }
    }
}
