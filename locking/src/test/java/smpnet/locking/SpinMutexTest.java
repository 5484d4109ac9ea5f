package smpnet.locking;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import smpnet.locking.scripted.ScriptedScheduler;
import smpnet.witness.LockFlags;

/** Behaviour of {@link SpinMutex}: a FIFO ticket lock that spins through the scheduler. */
class SpinMutexTest {
    private final List<String> log = new CopyOnWriteArrayList<>();

    @Test
    void waitersAreServedInTicketOrder() {
        SpinMutex spin = new SpinMutex("spin_fifo");
        // A holds it; C takes a ticket before B; once A is done B is offered the baton first but must
        // keep spinning until C, the older ticket, has had its turn.
        ScriptedScheduler s = new ScriptedScheduler("A C B A*");
        for (String name : List.of("A", "B", "C")) {
            s.startWorker(name, 0, () -> {
                spin.lock();
                log.add(name);
                spin.unlock();
            });
        }
        s.runAll();
        assertEquals(List.of("A", "C", "B"), log);
    }

    @Test
    void tryLockNeverSpins() {
        SpinMutex spin = new SpinMutex("spin_try");
        ScriptedScheduler s = new ScriptedScheduler("A B* A*");
        s.startWorker("A", 0, () -> {
            spin.lock();
            spin.unlock();
        });
        s.startWorker("B", 1, () -> log.add("B try " + spin.tryLock()));
        s.runAll();
        assertEquals(List.of("B try false"), log);
    }

    @Test
    void recursionAndAssertions() {
        SpinMutex plain = new SpinMutex("spin_plain");
        plain.lock();
        assertThrows(LockAssertionError.class, plain::lock);
        assertFalse(plain.tryLock());
        plain.assertNotRecursed();
        plain.unlock();
        LockAssertionError e = assertThrows(LockAssertionError.class, plain::unlock);
        assertEquals(plain + " unlocked but not owned by thread \"" + Thread.currentThread().getName()
                + "\" (held by nobody)", e.getMessage());
        assertTrue(plain.toString().startsWith("spin mutex \"spin_plain\" @"));

        SpinMutex rec = new SpinMutex("spin_rec", LockFlags.RECURSABLE);
        rec.lock();
        assertTrue(rec.tryLock());
        rec.assertRecursed();
        rec.unlock();
        rec.assertNotRecursed();
        rec.unlock();
        rec.assertNotOwned();
    }

    @Test
    void mutualExclusionOnFreeThreads() throws InterruptedException {
        SpinMutex spin = new SpinMutex("spin_many");
        long[] counter = {0};
        Thread a = Schedulers.current().startWorker("s0", 0, () -> bump(spin, counter));
        Thread b = Schedulers.current().startWorker("s1", 1, () -> bump(spin, counter));
        a.join();
        b.join();
        assertEquals(40_000, counter[0]);
    }

    private static void bump(SpinMutex spin, long[] counter) {
        for (int i = 0; i < 20_000; i++) {
            spin.lock();
            counter[0]++;
            spin.unlock();
        }
    }
}
