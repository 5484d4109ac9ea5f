package smpnet.locking;

/** Holds the scheduler in force for this JVM. */
final class Schedulers {
    private static volatile Scheduler current = FreeScheduler.INSTANCE;

    private Schedulers() {}

    static Scheduler current() { return current; }

    /** Installs {@code s}; returns the previous one. Tests and the simulator use it. */
    static Scheduler install(Scheduler s) {
        Scheduler prev = current;
        current = s;
        return prev;
    }
}
