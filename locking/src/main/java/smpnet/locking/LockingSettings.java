package smpnet.locking;

/**
 * The JVM properties the locking module reads, all of them, here (the README lists them with their
 * defaults). Each is a start-up switch for a benchmark or an experiment, read once by the class it steers.
 */
final class LockingSettings {
    /** {@code off}: locks call no witness hook at all, not even the "is witness on" test. Default: on. */
    static final String HOOKS = "smpnet.locking.hooks";
    /** {@code always}: every mutex release hands off to the oldest waiter (benchmarks only). Default: not. */
    static final String MUTEX_HANDOFF = "smpnet.locking.mutex.handoff";
    /** {@code adaptive} (the default) or {@code fixed}: how long a mutex waiter spins before it parks. */
    static final String MUTEX_SPIN = "smpnet.locking.mutex.spin";
    /** The adaptive spin's ceiling in microseconds (default {@link FreeScheduler#DEFAULT_SPIN_MICROS}). */
    static final String MUTEX_SPIN_MAX_MICROS = "smpnet.locking.mutex.spinMaxMicros";

    /** The adaptive spin's stall budget in microseconds (default {@link FreeScheduler#DEFAULT_STALL_MICROS}). */
    static final String MUTEX_SPIN_STALL_MICROS = "smpnet.locking.mutex.spinStallMicros";

    private LockingSettings() {}

    /** Whether locks call witness hooks (read once, into {@link LockBase#HOOKS}). */
    static boolean hooks() {
        return !"off".equals(System.getProperty(HOOKS));
    }

    /** Whether a mutex hands off to its oldest waiter on every release (read once, into Mutex). */
    static boolean mutexAlwaysHandsOff() {
        return "always".equals(System.getProperty(MUTEX_HANDOFF));
    }

    /** The spin policy as given, or null for the default. */
    static String mutexSpin() {
        return System.getProperty(MUTEX_SPIN);
    }

    /** The adaptive spin's ceiling in microseconds, {@code byDefault} when not given. */
    static long mutexSpinMaxMicros(long byDefault) {
        return Long.getLong(MUTEX_SPIN_MAX_MICROS, byDefault);
    }

    /** The adaptive spin's stall budget in microseconds, {@code byDefault} when not given. */
    static long mutexSpinStallMicros(long byDefault) {
        return Long.getLong(MUTEX_SPIN_STALL_MICROS, byDefault);
    }
}
