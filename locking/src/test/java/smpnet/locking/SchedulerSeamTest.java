package smpnet.locking;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import smpnet.locking.scripted.ScriptedScheduler;
import smpnet.witness.LockFlags;

/** The scheduling seam: worker CPUs, virtual time, timers and the scripted scheduler's own guarantees. */
class SchedulerSeamTest {
    private final List<String> log = new CopyOnWriteArrayList<>();

    @Test
    void workersRunOnTheirCpuAndForeignThreadsGetOneByHash() throws InterruptedException {
        Scheduler free = FreeScheduler.INSTANCE;
        int[] seen = {-1};
        Thread t = free.startWorker("cpu3", 3, () -> seen[0] = Schedulers.current().currentCpu());
        t.join();
        assertEquals(3, seen[0]);
        assertTrue(free.currentCpu() >= 0);
        assertEquals(free.currentCpu(), free.currentCpu());
    }

    /**
     * Per-CPU data follows the processor a free thread runs on (sched_getcpu on Linux, where the tests run):
     * a number the process may run on, whatever simulated CPU the thread has; a deterministic scheduler keeps
     * the simulated CPU, so its runs stay reproducible.
     */
    @Test
    void freeThreadsTouchTheirProcessorsDataAndScriptedOnesTheirSimulatedCpus() throws Exception {
        assertTrue(Processors.available(), "sched_getcpu answers on Linux");
        int[] seen = {-1, -1};
        Thread t = FreeScheduler.INSTANCE.startWorker("cpu7", 7, () -> {
            seen[0] = Schedulers.current().processor();
            seen[1] = Processors.current();
        });
        t.join();
        int cpus = Runtime.getRuntime().availableProcessors();
        // the processor numbers of the machine: at most its configured count (a process may be confined to some)
        int configured = Math.max(cpus, (int) java.nio.file.Files.list(java.nio.file.Path.of("/sys/devices/system/cpu"))
                .filter(p -> p.getFileName().toString().matches("cpu[0-9]+")).count());
        assertTrue(seen[0] >= 0 && seen[0] < configured, "processor " + seen[0] + " of " + configured);
        assertTrue(seen[1] >= 0 && seen[1] < configured, "processor " + seen[1] + " of " + configured);
        ScriptedScheduler s = new ScriptedScheduler("A*");
        s.startWorker("A", 5, () -> log.add("processor " + Schedulers.current().processor()));
        s.runAll();
        assertEquals(List.of("processor 5"), log);
    }

    @Test
    void freeTimersRunAndCancelledOnesDoNot() throws InterruptedException {
        CountDownLatch ran = new CountDownLatch(1);
        Scheduler.Cancellable cancelled = FreeScheduler.INSTANCE.schedule(TimeUnit.HOURS.toNanos(1), ran::countDown);
        assertTrue(cancelled.cancel());
        FreeScheduler.INSTANCE.schedule(1_000, ran::countDown);
        assertTrue(ran.await(30, TimeUnit.SECONDS));
    }

    @Test
    void installationIsRestoredWhenClosed() {
        Scheduler before = Schedulers.current();
        ScriptedScheduler s = new ScriptedScheduler("");
        try (Schedulers.Installation ignored = Schedulers.use(s)) {
            assertSame(s, Scheduler.current());
        }
        assertSame(before, Scheduler.current());
        assertThrows(IllegalArgumentException.class, () -> Schedulers.install(null));
    }

    @Test
    void virtualTimersFireWhenEveryThreadIsBlocked() {
        ScriptedScheduler s = new ScriptedScheduler("A*");
        Mutex m = new Mutex("seam_timer");
        CondVar work = new CondVar("work");
        s.startWorker("A", 5, () -> {
            Scheduler sched = Schedulers.current();
            log.add("A on cpu " + sched.currentCpu());
            Scheduler.Cancellable never = sched.schedule(50, () -> log.add("cancelled timer ran"));
            sched.schedule(300, () -> {
                m.lock();
                log.add("timer at " + sched.nanoTime());
                work.signal();
                m.unlock();
            });
            log.add("cancel " + never.cancel());
            m.lock();
            work.await(m);
            log.add("A woken at " + sched.nanoTime());
            m.unlock();
        });
        s.runAll();
        assertEquals(List.of("A on cpu 5", "cancel true", "timer at 300", "A woken at 300"), log);
        assertEquals(List.of("A", "timer-1 (A parked on cv \"work\")", "timer-1 done", "A (timer-1 done)", "A done"),
                s.trace());
    }

    @Test
    void aDeadlockIsReportedNotHung() {
        // NOWITNESS: this test makes the deadlock happen on purpose; witness would flag the order first.
        Mutex a = new Mutex("seam_a", LockFlags.NOWITNESS);
        Mutex b = new Mutex("seam_b", LockFlags.NOWITNESS);
        ScriptedScheduler s = new ScriptedScheduler("X Y X*");
        s.startWorker("X", 0, () -> {
            a.lock();
            b.lock();
        });
        s.startWorker("Y", 1, () -> {
            b.lock();
            a.lock();
        });
        AssertionError e = assertThrows(AssertionError.class, s::runAll);
        assertEquals("deadlock: every thread is blocked and no timer is pending: [X parked on " + b + ", Y parked on "
                + a + "] at 0 ns", e.getMessage());
    }

    @Test
    void aScriptStepNamingABlockedThreadFailsTheRun() {
        Mutex m = new Mutex("seam_step");
        ScriptedScheduler s = new ScriptedScheduler("A B B");
        s.startWorker("A", 0, () -> {
            m.lock();
            m.unlock();
        });
        s.startWorker("B", 1, m::lock);
        AssertionError e = assertThrows(AssertionError.class, s::runAll);
        assertTrue(e.getMessage().startsWith("script step 3 (B) cannot run: B parked on " + m), e.getMessage());
        assertFalse(m.isOwned());
    }
}
