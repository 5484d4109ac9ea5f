package smpnet.sim.servers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import smpnet.locking.FreeScheduler;
import smpnet.locking.Scheduler;

/** The counting seam behaves as the free-running scheduler in every respect but the count. */
class ParkCounterTest {
    @Test
    void everySchedulerMethodIsForwarded() throws Exception {
        List<String> inherited = new ArrayList<>();
        for (Method m : Scheduler.class.getMethods()) {
            if (Modifier.isStatic(m.getModifiers())) continue;
            Method impl = ParkCounter.class.getMethod(m.getName(), m.getParameterTypes());
            if (impl.getDeclaringClass() != ParkCounter.class) inherited.add(m.getName());
        }
        assertEquals(List.of(), inherited, "Scheduler methods ParkCounter leaves to the interface's defaults");
    }

    @Test
    void spinningSettingsAreTheFreeSchedulers() {
        ParkCounter c = new ParkCounter();
        Scheduler f = FreeScheduler.INSTANCE;
        assertEquals(f.spinStallNanos(), c.spinStallNanos());
        assertEquals(f.adaptiveSpinNanos(), c.adaptiveSpinNanos());
        assertEquals(f.spinsBeforeBlocking(), c.spinsBeforeBlocking());
    }

    @Test
    void countsOnlyTheServersParks() throws Exception {
        ParkCounter c = new ParkCounter();
        Thread other = Thread.ofPlatform().start(() -> c.parkNanos(this, 1_000));
        other.join();
        Thread server = Thread.ofPlatform().start(() -> {
            ParkCounter.markServerThread();
            c.parkNanos(this, 1_000);
            c.parkNanos(this, 1_000);
        });
        server.join();
        assertEquals(2, c.parks());
    }

    @Test
    void countsOnlyTheWakeUpsTheServerGives() throws Exception {
        ParkCounter c = new ParkCounter();
        Thread target = Thread.ofPlatform().start(() -> {});
        target.join();
        Thread other = Thread.ofPlatform().start(() -> c.unpark(target));
        other.join();
        Thread server = Thread.ofPlatform().start(() -> {
            ParkCounter.markServerThread();
            for (int i = 0; i < 3; i++) c.unpark(target);
        });
        server.join();
        assertEquals(3, c.unparks());
        assertEquals(0, c.parks());
    }

    @Test
    void measuresTheCpuOfAMeasuredThreadsParksAndWakeUpsAlone() throws Exception {
        ParkCounter c = new ParkCounter();
        Thread target = Thread.ofPlatform().start(() -> {});
        target.join();
        SchedulerCpu[] tallies = new SchedulerCpu[2];
        Thread marked = Thread.ofPlatform().start(() -> {
            ParkCounter.markServerThread();
            for (int i = 0; i < 8; i++) c.parkNanos(this, 1_000_000);
            for (int i = 0; i < 8; i++) c.unpark(target);
        });
        marked.join();
        Thread measured = Thread.ofPlatform().start(() -> {
            ParkCounter.markServerThread();
            SchedulerCpu t = ParkCounter.measureServerThread();
            tallies[0] = t;
            // a timed park of 1 ms: a system call and two context switches, more CPU than two reads of the clock
            for (int i = 0; i < 8; i++) c.parkNanos(this, 1_000_000);
            for (int i = 0; i < 8; i++) c.unpark(target);
            tallies[1] = new SchedulerCpu(false);
        });
        measured.join();
        // both threads' parks and wake-ups are counted; only the measured one's CPU in them is measured
        assertEquals(16, c.parks());
        assertEquals(16, c.unparks());
        assertTrue(tallies[0].waitNanos() > 0 && tallies[0].wakeNanos() >= 0, "measured");
        assertTrue(tallies[0].bracketNanos() >= 0, "the clock reads' own cost");
        // a tally that only marks a thread measures nothing
        assertEquals(0, tallies[1].waitNanos());
        assertEquals(0, tallies[1].bracketNanos());
        assertEquals(-1, tallies[1].sampleWait());
        assertEquals(-1, tallies[1].sampleWake());
    }

    @Test
    void theWorkIsTheCpuLessTheSchedulersPartsPerEvent() {
        // two parts of 1,000 and 500 events: 4 ms of CPU with 1 ms in parks and 0.5 ms in wake-ups, then 3 ms with
        // 2 ms in parks and none in wake-ups
        List<LoopWindow.Mark> marks = List.of(mark(0, 0, 0, 0), mark(4_000_000, 1_000, 1_000_000, 500_000),
                mark(7_000_000, 1_500, 3_000_000, 500_000), mark(7_000_000, 1_500, 3_000_000, 500_000));
        double[] work = LoopWindow.Mark.workParts(marks);
        assertArrayEquals(new double[] {2_500, 2_000, Double.NaN}, work, 0);
        assertArrayEquals(new double[] {4_000, 6_000, Double.NaN}, LoopWindow.Mark.parts(marks, false), 0);
        ServerResult.LoopCost l = LoopWindow.Mark.over(marks, 0, true, 0, 0, 0, "");
        assertEquals(3_000_000, l.waitNanos());
        assertEquals(500_000, l.wakeNanos());
        assertArrayEquals(work, l.workParts(), 0);
    }

    private static LoopWindow.Mark mark(long cpu, long events, long waits, long wakes) {
        return new LoopWindow.Mark(cpu, 0, events, events, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, new long[0], 0, ThreadSched.NONE,
                0, 0, -1, waits, wakes);
    }
}
