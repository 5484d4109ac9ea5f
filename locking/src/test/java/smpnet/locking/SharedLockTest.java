package smpnet.locking;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiFunction;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import smpnet.locking.scripted.ScriptedScheduler;
import smpnet.witness.LockFlags;

/** Behaviour of {@link SxLock} and {@link RwLock}: the same rules, run against both. */
class SharedLockTest {
    private final List<String> log = new CopyOnWriteArrayList<>();

    private static AbstractSharedLock make(String kind, String name, int flags) {
        BiFunction<String, Integer, AbstractSharedLock> f = kind.equals("sx") ? SxLock::new : RwLock::new;
        return f.apply(name, flags);
    }

    private static String me() { return "thread \"" + Thread.currentThread().getName() + "\""; }

    @ParameterizedTest
    @ValueSource(strings = {"sx", "rw"})
    void readersShareAndAWriterExcludesThem(String kind) {
        AbstractSharedLock l = make(kind, kind + "_share", 0);
        ScriptedScheduler s = new ScriptedScheduler("A B W A* B*");
        s.startWorker("A", 0, () -> reader(l, "A"));
        s.startWorker("B", 1, () -> reader(l, "B"));
        s.startWorker("W", 2, () -> writer(l, "W"));
        s.runAll();
        // A logs after B got in beside it; W waited for both.
        assertEquals(List.of("A reads with 2 readers", "A done", "B reads with 1 readers", "B done", "W writes"), log);
    }

    @ParameterizedTest
    @ValueSource(strings = {"sx", "rw"})
    void aWaitingWriterBlocksNewReadersByDefault(String kind) {
        AbstractSharedLock l = make(kind, kind + "_wpref", 0);
        ScriptedScheduler s = new ScriptedScheduler("A W B A*");
        s.startWorker("A", 0, () -> reader(l, "A"));
        s.startWorker("W", 2, () -> writer(l, "W"));
        s.startWorker("B", 1, () -> {
            log.add("B try " + l.tryLockShared());
            reader(l, "B");
        });
        s.runAll();
        assertEquals(List.of("B try false", "A reads with 1 readers", "A done", "W writes", "B reads with 1 readers",
                "B done"), log);
    }

    @ParameterizedTest
    @ValueSource(strings = {"sx", "rw"})
    void readersPassWaitingWritersWhenTheClassSaysSo(String kind) {
        AbstractSharedLock l = make(kind, kind + "_rpass", LockFlags.READERS_PASS_WRITERS);
        ScriptedScheduler s = new ScriptedScheduler("A W B* A*");
        s.startWorker("A", 0, () -> reader(l, "A"));
        s.startWorker("W", 2, () -> writer(l, "W"));
        s.startWorker("B", 1, () -> {
            log.add("B try " + l.tryLockShared());
            l.unlockShared();
            reader(l, "B");
        });
        s.runAll();
        assertEquals(List.of("B try true", "B reads with 2 readers", "B done", "A reads with 1 readers", "A done",
                "W writes"), log);
    }

    @ParameterizedTest
    @ValueSource(strings = {"sx", "rw"})
    void aReaderMayRecurseSharedPastAWaitingWriter(String kind) {
        AbstractSharedLock l = make(kind, kind + "_rrec", 0);
        ScriptedScheduler s = new ScriptedScheduler("A W A*");
        s.startWorker("A", 0, () -> {
            l.lockShared();
            Schedulers.current().schedulingPoint();
            l.lockShared();
            l.assertRecursed();
            log.add("A recursed shared");
            l.unlockShared();
            l.unlockShared();
        });
        s.startWorker("W", 2, () -> writer(l, "W"));
        s.runAll();
        assertEquals(List.of("A recursed shared", "W writes"), log);
    }

    @ParameterizedTest
    @ValueSource(strings = {"sx", "rw"})
    void writerReleaseLetsInTheReadersQueuedBehindIt(String kind) {
        AbstractSharedLock l = make(kind, kind + "_phase", 0);
        ScriptedScheduler s = new ScriptedScheduler("W R V W*");
        s.startWorker("W", 0, () -> {
            l.lock();
            Schedulers.current().schedulingPoint();
            log.add("W writes");
            l.unlock();
            writer(l, "W again");
        });
        s.startWorker("R", 1, () -> reader(l, "R"));
        s.startWorker("V", 2, () -> writer(l, "V"));
        s.runAll();
        assertEquals(List.of("W writes", "R reads with 1 readers", "R done", "V writes", "W again writes"), log);
    }

    @ParameterizedTest
    @ValueSource(strings = {"sx", "rw"})
    void upgradeAndDowngrade(String kind) {
        AbstractSharedLock l = make(kind, kind + "_updown", 0);
        ScriptedScheduler s = new ScriptedScheduler("A* B* A*");
        s.startWorker("A", 0, () -> {
            l.lockShared();
            log.add("A alone upgrades " + l.tryUpgrade());
            l.assertOwned();
            l.downgrade();
            l.assertShared();
            log.add("A downgraded, readers " + l.readers());
            Schedulers.current().parkNanos(this, 5);
            log.add("A upgrades beside B " + l.tryUpgrade());
            l.unlockShared();
        });
        s.startWorker("B", 1, () -> {
            l.lockShared();
            Schedulers.current().parkNanos(this, 10);
            l.unlockShared();
        });
        s.runAll();
        assertEquals(List.of("A alone upgrades true", "A downgraded, readers 1", "A upgrades beside B false"), log);
    }

    @ParameterizedTest
    @ValueSource(strings = {"sx", "rw"})
    void assertionsAndMisuseFailLoudly(String kind) {
        AbstractSharedLock l = make(kind, kind + "_assert", 0);
        LockAssertionError notHeld = assertThrows(LockAssertionError.class, l::assertLocked);
        assertEquals(kind + " \"" + kind + "_assert\" @" + Integer.toHexString(System.identityHashCode(l))
                + " not held by " + me() + " (held by nobody)", notHeld.getMessage());
        assertThrows(LockAssertionError.class, l::unlockShared);
        l.lockShared();
        l.assertShared();
        l.assertLocked();
        l.assertNotRecursed();
        assertFalse(l.isOwned());
        LockAssertionError excl = assertThrows(LockAssertionError.class, l::assertExclusive);
        assertEquals(l + " not held exclusive by " + me() + " (held by 1 reader)", excl.getMessage());
        assertThrows(LockAssertionError.class, l::assertNotOwned);
        l.unlockShared();
        l.lock();
        assertTrue(l.isOwned());
        l.assertExclusive();
        assertThrows(LockAssertionError.class, l::assertShared);
        LockAssertionError recursed = assertThrows(LockAssertionError.class, l::lock);
        assertEquals(l + " recursed on a non-recursive lock by " + me() + " (held by " + me() + ")", recursed.getMessage());
        assertFalse(l.tryLockShared());
        l.unlock();
        l.assertNotOwned();
    }

    private void reader(AbstractSharedLock l, String name) {
        l.lockShared();
        log.add(name + " reads with " + l.readers() + " readers");
        Schedulers.current().schedulingPoint();
        l.unlockShared();
        log.add(name + " done");
    }

    private void writer(AbstractSharedLock l, String name) {
        l.lock();
        log.add(name + " writes");
        l.unlock();
    }
}
