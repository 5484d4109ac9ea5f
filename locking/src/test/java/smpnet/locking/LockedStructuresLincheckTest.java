package smpnet.locking;

import java.util.HashMap;
import java.util.Map;
import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.StressOptions;
import org.junit.jupiter.api.Test;
import smpnet.witness.LockFlags;
import smpnet.witness.testing.TestSettings;

/**
 * Linearizability of small data structures behind each primitive: a counter behind a mutex, a spin mutex and
 * (recursively taken) Giant, a map read shared and written exclusive behind an sx lock, an rw lock and a
 * read-mostly lock. Each
 * structure is its own sequential specification. The locks are NOWITNESS (witness is not what is checked
 * here, and the model checker would explore its code too), except Giant, whose class is fixed. Small settings by default; {@code -Dsmpnet.lincheck=long}
 * for large ones.
 */
class LockedStructuresLincheckTest {
    private static final boolean LONG = TestSettings.LINCHECK_LONG;

    private static ModelCheckingOptions modelChecking() {
        return new ModelCheckingOptions().iterations(LONG ? 50 : 3).invocationsPerIteration(LONG ? 5_000 : 300)
                .threads(2).actorsPerThread(LONG ? 4 : 2);
    }

    /**
     * The reader/writer structures, and Giant (whose class is witnessed, so the model checker explores
     * witness too), have many more interleavings per operation: smaller CI settings.
     */
    private static ModelCheckingOptions modelCheckingShared() {
        return LONG ? modelChecking() : new ModelCheckingOptions().iterations(2).invocationsPerIteration(100)
                .threads(2).actorsPerThread(2);
    }

    private static StressOptions stress() {
        return new StressOptions().iterations(LONG ? 50 : 3).invocationsPerIteration(LONG ? 5_000 : 300)
                .threads(2).actorsPerThread(LONG ? 4 : 2);
    }

    /** A counter guarded by a sleep mutex. */
    public static class MutexCounter {
        private final Mutex lock = new Mutex("lin_mtx", LockFlags.NOWITNESS);
        @GuardedBy("lock")
        private int n;

        @Operation
        public int increment() {
            lock.lock();
            try {
                return ++n;
            } finally {
                lock.unlock();
            }
        }

        @Operation
        public int get() {
            lock.lock();
            try {
                return n;
            } finally {
                lock.unlock();
            }
        }
    }

    /** A counter guarded by a spin mutex. */
    public static class SpinCounter {
        private final SpinMutex lock = new SpinMutex("lin_spin", LockFlags.NOWITNESS);
        @GuardedBy("lock")
        private int n;

        @Operation
        public int increment() {
            lock.lock();
            try {
                return ++n;
            } finally {
                lock.unlock();
            }
        }

        @Operation
        public int get() {
            lock.lock();
            try {
                return n;
            } finally {
                lock.unlock();
            }
        }
    }

    /** A counter whose increment takes Giant twice, as nested giant-mode code does. */
    public static class GiantCounter {
        private final Giant giant = new Giant();
        @GuardedBy("Giant")
        private int n;

        @Operation
        public int increment() {
            giant.lock();
            try {
                giant.lockShared();
                try {
                    return ++n;
                } finally {
                    giant.unlockShared();
                }
            } finally {
                giant.unlock();
            }
        }
    }

    /**
     * A map read under the shared lock and written under the exclusive one; keys folded to 0..1, and the
     * upgrade path in {@link #incrementOrInit}.
     */
    public abstract static class SharedMap {
        private final AbstractSharedLock lock;
        @GuardedBy("lock")
        private final Map<Integer, Integer> map = new HashMap<>();

        SharedMap(AbstractSharedLock lock) { this.lock = lock; }

        @Operation
        public Integer put(int key, int value) {
            lock.lock();
            try {
                return map.put(Math.floorMod(key, 2), value);
            } finally {
                lock.unlock();
            }
        }

        @Operation
        public Integer get(int key) {
            lock.lockShared();
            try {
                return map.get(Math.floorMod(key, 2));
            } finally {
                lock.unlockShared();
            }
        }

        /** Read, then upgrade if alone, else fall back to a fresh exclusive acquisition. */
        @Operation
        public int incrementOrInit(int key) {
            int k = Math.floorMod(key, 2);
            lock.lockShared();
            if (!lock.tryUpgrade()) {
                lock.unlockShared();
                lock.lock();
            }
            try {
                return map.merge(k, 1, Integer::sum);
            } finally {
                lock.unlock();
            }
        }
    }

    /** The map behind a writer-preferring sx lock. */
    public static class SxMap extends SharedMap {
        public SxMap() { super(new SxLock("lin_sx", LockFlags.NOWITNESS)); }
    }

    /** The map behind an rw lock whose readers pass waiting writers. */
    public static class RwMap extends SharedMap {
        public RwMap() { super(new RwLock("lin_rw", LockFlags.READERS_PASS_WRITERS | LockFlags.NOWITNESS)); }
    }

    /**
     * A map behind a read-mostly lock (per-CPU reader counts, a writer flag, a draining writer that parks):
     * reads shared, writes exclusive, and a read-modify-write under the writer.
     */
    public static class RmMap {
        private final RmLock lock = new RmLock("lin_rm", LockFlags.NOWITNESS);
        @GuardedBy("lock")
        private final Map<Integer, Integer> map = new HashMap<>();

        @Operation
        public Integer put(int key, int value) {
            lock.lock();
            try {
                return map.put(Math.floorMod(key, 2), value);
            } finally {
                lock.unlock();
            }
        }

        @Operation
        public Integer get(int key) {
            lock.lockShared();
            try {
                return map.get(Math.floorMod(key, 2));
            } finally {
                lock.unlockShared();
            }
        }

        @Operation
        public int increment(int key) {
            lock.lock();
            try {
                return map.merge(Math.floorMod(key, 2), 1, Integer::sum);
            } finally {
                lock.unlock();
            }
        }
    }

    @Test
    void mutexCounterModelChecking() { modelChecking().check(MutexCounter.class); }

    @Test
    void mutexCounterStress() { stress().check(MutexCounter.class); }

    @Test
    void spinCounterModelChecking() { modelChecking().check(SpinCounter.class); }

    @Test
    void giantCounterModelChecking() { modelCheckingShared().check(GiantCounter.class); }

    @Test
    void sxMapModelChecking() { modelCheckingShared().check(SxMap.class); }

    @Test
    void rwMapModelChecking() { modelCheckingShared().check(RwMap.class); }

    @Test
    void rmMapModelChecking() { modelCheckingShared().check(RmMap.class); }

    @Test
    void rmMapStress() { stress().check(RmMap.class); }

}
