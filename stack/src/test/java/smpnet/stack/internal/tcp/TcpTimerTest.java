package smpnet.stack.internal.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import smpnet.locking.DeterministicScheduler;
import smpnet.locking.Scheduler;
import smpnet.stack.locks.LockMode;
import smpnet.stack.socket.TcpState;
import smpnet.witness.junit.WitnessExtension;

/**
 * A connection's five timers on one callout (FreeBSD 14's {@code t_timers} and {@code t_callout}), under the
 * deterministic scheduler, with the timers' work replaced by a recorder: the callout sits at the earliest armed
 * timer; disarming leaves it early until {@code Tcp.unlock} moves it (or it fires, finds nothing, and moves
 * itself); timers due together run in FreeBSD's order at their due nanosecond; and, in seeded races of two
 * threads against the softclock in every locking mode, a timer runs exactly once per arming unless disarmed or
 * re-armed first, never while disarmed, at its due nanosecond, and always as the first one due.
 */
@ExtendWith(WitnessExtension.class)
class TcpTimerTest {
    private static final long MS = 1_000_000L;

    /** One timer's run: which, and the scheduler's nanosecond. */
    record Run(int which, long at) {}

    /** Runs {@code body} in one thread of a deterministic scheduler, with a fresh TCP of {@code mode}. */
    private static void inScheduler(LockMode mode, long seed, Consumer<Tcp> body) {
        DeterministicScheduler s = new DeterministicScheduler(DeterministicScheduler.Options.seed(seed));
        Tcp tcp = new TcpFixture(mode, s).tcp();
        s.spawn("app", () -> body.accept(tcp));
        s.run();
    }

    private static Tcpcb recorded(Tcp tcp, List<Run> runs) {
        Tcpcb tp = tcp.newTcpcb(null);
        tcp.locks.enterEntryPoint();
        tp.lock.lock();
        try {
            tp.state = TcpState.ESTABLISHED;
            tp.timer.work((t, which) -> runs.add(new Run(which, tcp.scheduler.nanoTime())));
        } finally {
            tp.lock.unlock();
            tcp.locks.leaveEntryPoint();
        }
        return tp;
    }

    private static void locked(Tcpcb tp, Runnable r) {
        tp.tcp.locks.enterEntryPoint();
        tp.lock.lock();
        try {
            r.run();
        } finally {
            tp.tcp.unlock(tp);
            tp.tcp.locks.leaveEntryPoint();
        }
    }

    private static long now() { return Scheduler.current().nanoTime(); }

    private static void sleepUntil(long at) { Scheduler.current().parkNanos("until", at - now()); }

    @Test
    void theCalloutSitsAtTheEarliestTimerAndMovesLaterOnlyAtUnlock() {
        inScheduler(LockMode.FINE, 1, tcp -> {
            List<Run> runs = new ArrayList<>();
            Tcpcb tp = recorded(tcp, runs);
            TcpTimer t = tp.timer;
            assertSame(tp, t.owner(), "the timers' callout works for its control block");
            long t0 = now();
            locked(tp, () -> {
                t.arm(TcpTimer.KEEP, 7_200_000 * MS);
                t.arm(TcpTimer.REXMT, 200 * MS);
                t.arm(TcpTimer.DELACK, 40 * MS);
                assertEquals(1, tcp.callouts.pendingCount(), "three timers, one callout");
                assertEquals(3, t.armedCountUnlocked());
                assertEquals(t0 + 40 * MS, t.dueNanos());
                assertTrue(t.disarm(TcpTimer.DELACK));
                assertFalse(t.disarm(TcpTimer.DELACK), "disarmed already");
                assertEquals(t0 + 40 * MS, t.dueNanos(), "disarming leaves the callout where it was");
            });
            locked(tp, () -> {
                assertEquals(t0 + 200 * MS, t.dueNanos(), "the unlock moved it to the retransmit timer");
                t.arm(TcpTimer.PERSIST, 500 * MS);
                assertEquals(t0 + 200 * MS, t.dueNanos(), "a later timer leaves it");
                t.arm(TcpTimer.DELACK, 100 * MS);
                assertEquals(t0 + 100 * MS, t.dueNanos(), "a sooner one moves it at once");
            });
            sleepUntil(t0 + 300 * MS);
            assertEquals(List.of(new Run(TcpTimer.DELACK, t0 + 100 * MS), new Run(TcpTimer.REXMT, t0 + 200 * MS)), runs);
            locked(tp, () -> {
                assertFalse(t.armed(TcpTimer.REXMT));
                assertTrue(t.armed(TcpTimer.PERSIST));
                assertEquals(t0 + 500 * MS, t.dueNanos(), "after its run the callout went to the next timer");
                assertEquals(t0 + 500 * MS, t.due(TcpTimer.PERSIST));
                t.disarmAll();
                assertFalse(t.pending(), "disarmAll stops the callout at once");
                assertEquals(0, t.armedCountUnlocked());
            });
            assertEquals(0, tcp.callouts.pendingCount());
            sleepUntil(t0 + 8_000_000 * MS);
            assertEquals(2, runs.size(), "nothing more ran");
        });
    }

    @Test
    void aCalloutLeftEarlyFiresEmptyAndMovesItself() {
        inScheduler(LockMode.FINE, 2, tcp -> {
            List<Run> runs = new ArrayList<>();
            Tcpcb tp = recorded(tcp, runs);
            TcpTimer t = tp.timer;
            long t0 = now();
            tp.lock.lock();
            t.arm(TcpTimer.DELACK, 10 * MS);
            t.arm(TcpTimer.KEEP, 1_000 * MS);
            t.disarm(TcpTimer.DELACK);
            tp.lock.unlock(); // not Tcp.unlock: nothing moves the callout
            assertEquals(t0 + 10 * MS, t.dueNanos());
            sleepUntil(t0 + 20 * MS);
            assertEquals(List.of(), runs, "the disarmed delayed ACK did not run");
            assertEquals(t0 + 1_000 * MS, t.dueNanos(), "the empty firing moved the callout to keepalive");
            assertTrue(t.pending());
            sleepUntil(t0 + 2_000 * MS);
            assertEquals(List.of(new Run(TcpTimer.KEEP, t0 + 1_000 * MS)), runs);
            assertEquals(0, tcp.callouts.pendingCount(), "nothing armed, the callout stopped");
        });
    }

    @Test
    void timersDueTogetherRunInFreeBsdOrderAtTheirNanosecond() {
        inScheduler(LockMode.GIANT, 3, tcp -> {
            List<Run> runs = new ArrayList<>();
            Tcpcb tp = recorded(tcp, runs);
            long t0 = now();
            locked(tp, () -> {
                for (int which : new int[] {TcpTimer.TWO_MSL, TcpTimer.KEEP, TcpTimer.PERSIST, TcpTimer.REXMT}) {
                    tp.timer.arm(which, 50 * MS);
                }
                tp.timer.arm(TcpTimer.DELACK, 50 * MS + 1);
            });
            sleepUntil(t0 + 60 * MS);
            assertEquals(List.of(new Run(TcpTimer.REXMT, t0 + 50 * MS), new Run(TcpTimer.PERSIST, t0 + 50 * MS),
                    new Run(TcpTimer.KEEP, t0 + 50 * MS), new Run(TcpTimer.TWO_MSL, t0 + 50 * MS),
                    new Run(TcpTimer.DELACK, t0 + 50 * MS + 1)), runs);
        });
    }

    /**
     * Two threads arm, re-arm and disarm a connection's five timers at random, in whole milliseconds, releasing
     * the lock through Tcp.unlock or not, while the softclock fires the callout; one timer's work re-arms
     * another, as the real handlers do. A model kept under the pcb lock checks each run.
     */
    @ParameterizedTest
    @EnumSource(LockMode.class)
    void racesWithTheSoftclockRunEachArmingOnceOrCancelIt(LockMode mode) {
        for (long seed = 1; seed <= 16; seed++) {
            DeterministicScheduler s = new DeterministicScheduler(DeterministicScheduler.Options.seed(seed).withPreemptOneIn(2));
            Tcp tcp = new TcpFixture(mode, s).tcp();
            long[] due = new long[TcpTimer.COUNT];
            java.util.Arrays.fill(due, TcpTimer.OFF);
            int[] counts = new int[4]; // arms, runs, cancelled (disarmed or re-armed while armed), re-arms by work
            Tcpcb[] holder = new Tcpcb[1];
            long fseed = seed;
            s.spawn("setup", () -> {
                Tcpcb tp = tcp.newTcpcb(null);
                holder[0] = tp;
                tcp.locks.enterEntryPoint();
                tp.lock.lock();
                try {
                    tp.state = TcpState.ESTABLISHED;
                    tp.timer.work((t, which) -> {
                        long now = tcp.scheduler.nanoTime();
                        assertTrue(due[which] != TcpTimer.OFF, "ran a disarmed timer " + which);
                        assertEquals(due[which], now, "ran at its due nanosecond (virtual time stands still while the lock is held)");
                        for (int i = 0; i < TcpTimer.COUNT; i++) {
                            boolean before = due[i] < due[which] || (due[i] == due[which] && i < which);
                            assertFalse(before && due[i] <= now, "timer " + which + " ran before " + i + ", due sooner");
                        }
                        assertFalse(t.timer.armed(which), "its due time is cleared before its work");
                        due[which] = TcpTimer.OFF;
                        counts[1]++;
                        if (which == TcpTimer.REXMT) { // the retransmit timer's work arms persist, as tcp_setpersist
                            if (due[TcpTimer.PERSIST] != TcpTimer.OFF) counts[2]++;
                            t.timer.arm(TcpTimer.PERSIST, MS);
                            due[TcpTimer.PERSIST] = now + MS;
                            counts[0]++;
                            counts[3]++;
                        }
                    });
                } finally {
                    tp.lock.unlock();
                    tcp.locks.leaveEntryPoint();
                }
                for (int thread = 0; thread < 2; thread++) {
                    SplittableRandom rnd = new SplittableRandom(fseed * 31 + thread);
                    s.spawn("app" + thread, () -> {
                        for (int op = 0; op < 50; op++) {
                            tcp.locks.enterEntryPoint();
                            tp.lock.lock();
                            boolean viaTcp = rnd.nextBoolean();
                            try {
                                int which = rnd.nextInt(TcpTimer.COUNT);
                                int kind = rnd.nextInt(8);
                                if (kind < 4) {
                                    long delay = rnd.nextInt(4) * MS;
                                    if (due[which] != TcpTimer.OFF) counts[2]++;
                                    tp.timer.arm(which, delay);
                                    due[which] = tcp.scheduler.nanoTime() + delay;
                                    counts[0]++;
                                    assertEquals(due[which], tp.timer.due(which));
                                } else if (kind < 7) {
                                    boolean was = tp.timer.disarm(which);
                                    assertEquals(due[which] != TcpTimer.OFF, was, "disarm said whether it was armed");
                                    if (was) counts[2]++;
                                    due[which] = TcpTimer.OFF;
                                } else {
                                    for (int i = 0; i < TcpTimer.COUNT; i++) {
                                        if (due[i] != TcpTimer.OFF) counts[2]++;
                                        due[i] = TcpTimer.OFF;
                                    }
                                    tp.timer.disarmAll();
                                }
                                for (int i = 0; i < TcpTimer.COUNT; i++) {
                                    assertEquals(due[i] != TcpTimer.OFF, tp.timer.armed(i), "armed " + i);
                                }
                            } finally {
                                if (viaTcp) tcp.unlock(tp); else tp.lock.unlock();
                                tcp.locks.leaveEntryPoint();
                            }
                            Scheduler.current().parkNanos("think", rnd.nextInt(3) * MS);
                        }
                        Scheduler.current().parkNanos("let the last ones fire", 20 * MS);
                    });
                }
            });
            s.run();
            String at = mode + " seed " + seed;
            assertEquals(counts[0], counts[1] + counts[2], at + ": each arming ran once or was cancelled");
            assertTrue(counts[1] > 10, at + ": timers ran (" + counts[1] + ")");
            assertEquals(0, holder[0].timer.armedCountUnlocked(), at);
            assertEquals(0, tcp.callouts.pendingCount(), at + ": nothing armed, no callout on the wheel");
        }
    }
}
