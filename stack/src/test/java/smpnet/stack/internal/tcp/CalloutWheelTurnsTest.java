package smpnet.stack.internal.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import smpnet.locking.DeterministicScheduler;
import smpnet.locking.ExclusiveLock;
import smpnet.locking.Scheduler;
import smpnet.stack.locks.LockInventory;
import smpnet.stack.locks.LockMode;
import smpnet.stack.locks.StackLocks;
import smpnet.witness.junit.WitnessExtension;

/**
 * The wheel's turns, under the deterministic scheduler (virtual time): callouts of the current turn, of later
 * turns and of turns a whole wheel of turns away (which share a far list) fire at exactly their due nanosecond,
 * in order, whatever resets and stops come between; and the softclock's work does not grow with the callouts
 * of later turns (the search for the next callout once walked all of them).
 */
@ExtendWith(WitnessExtension.class)
class CalloutWheelTurnsTest {
    private static final long MS = 1_000_000L;

    private record Fired(int id, long due, long at) {}

    @Test
    void callsOfManyTurnsFireAtTheirDueNanosecondInOrder() {
        for (long seed = 1; seed <= 6; seed++) {
            DeterministicScheduler s = new DeterministicScheduler(DeterministicScheduler.Options.seed(seed));
            StackLocks locks = new StackLocks(LockMode.FINE);
            ExclusiveLock pcb = locks.mutex(LockInventory.INP);
            // 8 buckets of 1 ms: a turn is 8 ms, and delays up to 200 ms reach 25 turns ahead
            CalloutWheel wheel = new CalloutWheel(s, () -> locks.mutex(LockInventory.CALLOUT), 1, MS, 8, locks::runEntryPoint);
            int n = 300;
            Callout[] c = new Callout[n];
            long[] due = new long[n];
            boolean[] armed = new boolean[n];
            List<Fired> fired = new ArrayList<>();
            SplittableRandom rnd = new SplittableRandom(seed);
            long seedNow = seed;
            s.spawn("app", () -> {
                for (int i = 0; i < n; i++) c[i] = new Callout(wheel, pcb);
                for (int op = 0; op < 3 * n; op++) {
                    int i = rnd.nextInt(n);
                    pcb.lock();
                    try {
                        if (rnd.nextInt(5) == 0) {
                            assertEquals(armed[i], c[i].stop(), "seed " + seedNow + ": stop cancelled exactly an armed callout");
                            armed[i] = false;
                        } else {
                            // sub-millisecond delays too: a callout due later within the current tick waits for it
                            long delay = rnd.nextInt(4) == 0 ? rnd.nextLong(MS) : rnd.nextLong(200 * MS);
                            due[i] = s.nanoTime() + delay;
                            armed[i] = true;
                            int id = i;
                            c[i].reset(delay, () -> {
                                assertTrue(armed[id], "a stopped callout ran");
                                armed[id] = false;
                                fired.add(new Fired(id, due[id], Scheduler.current().nanoTime()));
                            });
                        }
                    } finally {
                        pcb.unlock();
                    }
                    Scheduler.current().parkNanos("think", rnd.nextLong(2 * MS));
                }
                Scheduler.current().parkNanos("let the last ones fire", 300 * MS);
            });
            s.run();
            assertFalse(fired.isEmpty());
            for (Fired f : fired) assertEquals(f.due(), f.at(), "seed " + seed + ": callout " + f.id() + " fired at its due time");
            for (int k = 1; k < fired.size(); k++) {
                assertTrue(fired.get(k - 1).at() <= fired.get(k).at(), "seed " + seed + ": callouts fired in due order");
            }
            for (int i = 0; i < n; i++) assertFalse(armed[i], "seed " + seed + ": callout " + i + " never fired");
            assertEquals(0, wheel.pendingCount());
        }
    }

    @Test
    void theSoftclockDoesNotWalkTheCalloutsOfLaterTurns() {
        DeterministicScheduler s = new DeterministicScheduler(DeterministicScheduler.Options.seed(3));
        StackLocks locks = new StackLocks(LockMode.FINE);
        ExclusiveLock pcb = locks.mutex(LockInventory.INP);
        CalloutWheel wheel = new CalloutWheel(s, () -> locks.mutex(LockInventory.CALLOUT), 1, locks::runEntryPoint);
        int far = 20_000, cycles = 100;
        long[] visits = new long[2];
        int[] runs = {0};
        s.spawn("app", () -> {
            // 20,000 idle connections' timers, due 30 to 90 s ahead (later turns of a 4.096 s wheel), five to a list
            SplittableRandom rnd = new SplittableRandom(7);
            List<Callout> idle = new ArrayList<>();
            pcb.lock();
            try {
                for (int i = 0; i < far; i++) {
                    Callout x = new Callout(wheel, pcb);
                    x.reset(30_000 * MS + rnd.nextLong(60_000 * MS), () -> { });
                    idle.add(x);
                }
            } finally {
                pcb.unlock();
            }
            // one busy connection's delayed ACK, 50 ms ahead: the next callout is 50 lists away
            Callout busy = new Callout(wheel, pcb);
            visits[0] = wheel.visits();
            for (int k = 0; k < cycles; k++) {
                pcb.lock();
                try {
                    busy.reset(50 * MS, () -> runs[0]++);
                } finally {
                    pcb.unlock();
                }
                Scheduler.current().parkNanos("until it fired", 50 * MS + 1);
            }
            visits[1] = wheel.visits();
            pcb.lock();
            try {
                for (Callout x : idle) x.stop();
            } finally {
                pcb.unlock();
            }
        });
        s.run();
        assertEquals(cycles, runs[0], "the busy callout fired every time");
        // an entry or two looked at per firing, whatever waits in later turns (a search through the 50 lists
        // before it, five idle callouts each, looked at about 250)
        double perFiring = (double) (visits[1] - visits[0]) / cycles;
        assertTrue(perFiring <= 3, "list entries looked at per firing: " + perFiring + " (" + far + " callouts in later turns)");
        assertEquals(0, wheel.pendingCount());
    }
}
