package smpnet.locking;

/**
 * The scheduling seam (DESIGN.md): every wait, worker start, clock read and timer of smpnet goes through
 * one Scheduler, so the same stack code runs on free threads or under a deterministic scheduler.
 *
 * <p>Scheduling points, where a deterministic scheduler may switch threads, are: after every lock
 * acquisition and release ({@link #schedulingPoint()}), every {@link #park}/{@link #parkNanos}, every
 * {@link #spinWait}, condition variable signal and broadcast, and any queue hand-off that calls
 * {@link #schedulingPoint()} itself. The free scheduler treats them as no-ops.
 */
public interface Scheduler {

    /** The scheduler in force for this JVM: {@link FreeScheduler#INSTANCE} unless one was installed. */
    static Scheduler current() { return Schedulers.current(); }

    /** Monotonic time in nanoseconds (virtual under a deterministic scheduler). */
    long nanoTime();

    /** Starts a worker thread bound to simulated CPU {@code cpu}; {@link #currentCpu()} returns it there. */
    Thread startWorker(String name, int cpu, Runnable body);

    /** The simulated CPU of the calling thread; a thread the scheduler did not start gets one by hash (>= 0). */
    int currentCpu();

    /** Blocks the calling thread until {@link #unpark} (spurious returns allowed, as LockSupport). */
    void park(Object blocker);

    /** As {@link #park} with a timeout in nanoseconds. */
    void parkNanos(Object blocker, long nanos);

    /** Makes {@code thread}'s pending or next {@link #park} return (a permit, as LockSupport). */
    void unpark(Thread thread);

    /** Called in a spin loop: a hint, or a yield once spinning has gone on too long. */
    void spinWait(int iteration);

    /** Runs {@code task} once after {@code delayNanos}, on a scheduler-owned timer thread. */
    Cancellable schedule(long delayNanos, Runnable task);

    /**
     * How many times a contended acquisition of a mutex, sx or rw lock retries, spinning, before it queues
     * and parks. Spinning while the owner runs avoids a park/unpark for short holds and breaks the convoys
     * that strict hand-off would form (FreeBSD's mutexes spin while the owner is on a CPU). A spinner may
     * take a mutex before a woken waiter, once (see Mutex). A deterministic scheduler returns 0: under a
     * baton nobody else runs meanwhile.
     */
    default int spinsBeforeBlocking() { return 0; }

    /** A scheduling point (lock acquire/release, queue hand-off): free threads ignore it. */
    default void schedulingPoint() {}

    /** A timer or other pending action that can be cancelled. */
    interface Cancellable {
        /** Returns true if the action had not run and now never will. */
        boolean cancel();
    }
}
