package smpnet.locking;

import smpnet.witness.SleepKind;
import smpnet.witness.Witness;

/**
 * Holds the scheduler in force for this JVM. Tests and the simulator install their own, and put the
 * previous one back when they are done:
 * <pre>
 *   try (Schedulers.Installation ignored = Schedulers.use(scripted)) { ... }
 * </pre>
 */
public final class Schedulers {
    private static volatile Scheduler current = FreeScheduler.INSTANCE;

    private Schedulers() {}

    /** The scheduler in force: {@link FreeScheduler#INSTANCE} unless another was installed. */
    public static Scheduler current() { return current; }

    /** Installs {@code s} for the whole JVM and returns the previous one. */
    public static Scheduler install(Scheduler s) {
        if (s == null) throw new IllegalArgumentException("scheduler must not be null");
        Scheduler prev = current;
        current = s;
        return prev;
    }

    /** Installs {@code s} until the returned installation is closed, which restores the previous one. */
    public static Installation use(Scheduler s) {
        return new Installation(install(s));
    }

    /** A scheduler installation that puts back the previous scheduler when closed. */
    public static final class Installation implements AutoCloseable {
        private final Scheduler previous;

        private Installation(Scheduler previous) { this.previous = previous; }

        @Override
        public void close() { install(previous); }
    }

    /**
     * Witness's check of a park through the scheduler ({@link Scheduler#park}, {@link Scheduler#parkNanos}):
     * a thread must not sleep holding a spin lock or a mutex. Every Scheduler calls it before it parks. A
     * lock's or condition variable's own wait (its blocker is that lock or cv) is skipped: the lock checked
     * it already, as the kind of wait it is (contention, cv wait).
     */
    public static void checkPark(Object blocker) {
        if (!LockBase.HOOKS || blocker instanceof LockBase || blocker instanceof CondVar) return;
        Witness w = Witness.active();
        if (w != null) w.sleeping(SleepKind.PARK, null);
    }

    /**
     * The scheduling point every lock passes after an acquisition and after a release. Under the free
     * scheduler (whose points do nothing) it is one read and one compare, no call through the interface.
     */
    static void point() {
        Scheduler s = current;
        if (s != FreeScheduler.INSTANCE) s.schedulingPoint();
    }
}
