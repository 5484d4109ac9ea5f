package smpnet.locking;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.Test;
import smpnet.witness.LockKind;
import smpnet.witness.Policy;
import smpnet.witness.Report;
import smpnet.witness.ReportKind;
import smpnet.witness.Witness;
import smpnet.witness.WitnessException;

/**
 * Sleeps witness used to miss: a park through the scheduler with a spin lock or mutex held, a lock left
 * taken by a thread that died; and a cv wait with a spin lock held, reported once instead of three times.
 */
class SleepChecksTest {
    @Test
    void aParkThroughTheSchedulerWithASpinLockOrMutexHeldIsReported() {
        ConcurrentLinkedQueue<Report> seen = new ConcurrentLinkedQueue<>();
        SpinMutex spin = new SpinMutex("park_spin");
        Mutex mutex = new Mutex("park_mutex");
        Policy before = Witness.active().policy();
        Witness.active().setPolicy(Policy.COUNT);
        try (Witness.Registration r = Witness.listen(seen::add)) {
            spin.lock();
            Schedulers.current().parkNanos(this, 1);
            spin.unlock();
            mutex.lock();
            Schedulers.current().unpark(Thread.currentThread()); // a permit: the park returns at once
            Schedulers.current().park(this);
            mutex.unlock();
        } finally {
            Witness.active().setPolicy(before);
        }
        List<Report> mine = seen.stream().filter(r -> r.thread().equals(Thread.currentThread().getName())).toList();
        assertEquals(List.of(ReportKind.SLEEP_WITH_LOCK, ReportKind.SLEEP_WITH_LOCK), mine.stream().map(Report::kind).toList());
        assertTrue(mine.get(0).text().contains("offending lock: park_spin (spin, exclusive)"), mine.get(0).text());
        assertTrue(mine.get(1).text().contains("offending lock: park_mutex (mutex, exclusive)"), mine.get(1).text());
    }

    @Test
    void aThreadThatDiesHoldingALockIsReportedToTheNextWaiterAndShown() throws Exception {
        Witness w = Witness.newInstanceForTesting();
        w.setPolicy(Policy.THROW);
        Mutex m = new Mutex("died_holding", 0, LockKind.MUTEX, w);
        Thread t = new Thread(m::lock, "leaver");
        t.start();
        t.join();
        WitnessException e = assertThrows(WitnessException.class, m::lock, "the waiter would block for good");
        assertEquals(ReportKind.THREAD_DIED_HOLDING, e.report().kind());
        assertEquals("leaver", e.report().thread());
        assertEquals(List.of("died_holding"), e.report().classes());
        assertTrue(e.report().text().contains("thread \"leaver\" ended holding 1 lock"), e.report().text());
        assertEquals("witness: show locks\n  thread \"leaver\" (ended):\n    1. died_holding (mutex, exclusive)\n",
                w.showLocks().replaceAll(" at .*", ""));
        assertEquals(1, w.reportCount(), "reported once");
    }

    @Test
    void aCvWaitWithASpinLockHeldIsOneReport() {
        Witness w = Witness.newInstanceForTesting();
        w.setPolicy(Policy.COUNT);
        Mutex m = new Mutex("cv_interlock", 0, LockKind.MUTEX, w);
        SpinMutex s = new SpinMutex("cv_spin", 0, w);
        CondVar cv = new CondVar("cv_once", w);
        m.lock();
        s.lock();
        cv.awaitNanos(m, 1);
        s.unlock();
        m.unlock();
        assertEquals(List.of(ReportKind.SLEEP_WITH_LOCK), w.reports().stream().map(Report::kind).toList());
        assertEquals(List.of(), w.heldLocks());
    }
}
