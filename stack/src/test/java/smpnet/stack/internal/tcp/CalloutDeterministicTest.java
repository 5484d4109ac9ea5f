package smpnet.stack.internal.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import smpnet.locking.DeterministicScheduler;
import smpnet.locking.ExclusiveLock;
import smpnet.locking.Scheduler;
import smpnet.stack.locks.LockInventory;
import smpnet.stack.locks.LockMode;
import smpnet.stack.locks.StackLocks;
import smpnet.witness.junit.WitnessExtension;

/**
 * Seeded runs under the deterministic scheduler, in every locking mode: two threads reset and stop two
 * callouts that share one "pcb" lock (an {@code inp}, which is Giant in giant mode), at random virtual times,
 * while the wheels' timers fire them on the scheduler's callout thread. As a host's threads, both sides enter
 * the entry point (Giant in the giant modes) before the pcb lock; the wheel does so before it takes a
 * callout's lock, so witness sees one order. One callout's handler releases the pcb lock itself
 * (CALLOUT_RETURNUNLOCKED), which in giant mode leaves Giant held by the entry point. Under the lock, a
 * callout is armed (reset and its handler not yet run) exactly when stop() or reset() says it cancelled a
 * run; a handler never runs after a stop() made under the lock; every reset ends in exactly one run or one
 * cancellation; and no lock-order reversal or misuse is reported.
 */
@ExtendWith(WitnessExtension.class)
class CalloutDeterministicTest {
    private static final long MS = 1_000_000L;
    private static final int SEEDS = 24;
    private static final int OPS = 60;

    /** Per-callout bookkeeping, guarded by the pcb lock. */
    private static final class Tracked {
        Callout c;
        boolean armed;
        int resets;
        int cancelled;
        int runs;
    }

    @ParameterizedTest
    @EnumSource(LockMode.class)
    void stopAndResetAgreeWithTheHandlerUnderEverySeed(LockMode mode) {
        for (long seed = 1; seed <= SEEDS; seed++) runSeed(mode, seed);
    }

    private static void runSeed(LockMode mode, long seed) {
        DeterministicScheduler s = new DeterministicScheduler(DeterministicScheduler.Options.seed(seed).withPreemptOneIn(2));
        StackLocks locks = new StackLocks(mode);
        ExclusiveLock pcb = locks.mutex(LockInventory.INP);
        CalloutWheel wheel = new CalloutWheel(s, () -> locks.mutex(LockInventory.CALLOUT), 2, locks::runEntryPoint);
        Tracked[] t = {new Tracked(), new Tracked()};
        for (int i = 0; i < 2; i++) t[i].c = new Callout(wheel, pcb, i, i == 1); // callout 1 returns unlocked
        for (int thread = 0; thread < 2; thread++) {
            SplittableRandom rnd = new SplittableRandom(seed * 31 + thread);
            s.spawn("app" + thread, () -> {
                for (int op = 0; op < OPS; op++) {
                    Tracked x = t[rnd.nextInt(2)];
                    locks.enterEntryPoint();
                    pcb.lock();
                    try {
                        if (rnd.nextInt(3) == 0) {
                            assertEquals(x.armed, x.c.stop(), "stop() cancelled a run exactly when one was armed");
                            if (x.armed) x.cancelled++;
                            x.armed = false;
                        } else {
                            boolean was = x.c.reset(rnd.nextInt(4) * MS, () -> {
                                pcb.assertOwned();
                                assertTrue(x.armed, "a handler ran though stopped or already run");
                                x.armed = false;
                                x.runs++;
                                if (x == t[1]) pcb.unlock();
                            });
                            assertEquals(x.armed, was, "reset() cancelled a run exactly when one was armed");
                            if (was) x.cancelled++;
                            x.armed = true;
                            x.resets++;
                        }
                    } finally {
                        pcb.unlock();
                        locks.leaveEntryPoint();
                    }
                    // Whole milliseconds, as the delays: a thread often wakes at the very time a callout fires, so the
                    // softclock and the thread race for the pcb lock.
                    Scheduler.current().parkNanos("think", rnd.nextInt(3) * MS);
                }
                Scheduler.current().parkNanos("let the last ones fire", 10 * MS);
            });
        }
        s.run();
        int runs = 0;
        for (Tracked x : t) {
            assertEquals(x.resets, x.runs + x.cancelled, mode + " seed " + seed + ": each reset ran or was cancelled once");
            assertEquals(false, x.armed, mode + " seed " + seed);
            runs += x.runs;
        }
        assertTrue(runs > 0, mode + " seed " + seed + ": some handlers ran");
        assertEquals(0, wheel.pendingCount());
    }
}
