package smpnet.locking;

/**
 * The scheduling seam (DESIGN.md): every wait, worker start, clock read and timer of smpnet goes through
 * one Scheduler, so the same stack code runs on free threads ({@link FreeScheduler}) or under the seeded
 * {@link DeterministicScheduler}.
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

    /**
     * The CPU whose per-CPU data (allocator caches, counters) the calling thread should touch now, as FreeBSD's
     * {@code curcpu}: the processor a thread runs on, which is what keeps such data in that processor's cache.
     * Free threads run wherever the operating system puts them, whatever their simulated CPU, so
     * {@link FreeScheduler} answers with the processor the thread is on at this instant
     * ({@link Processors#current()}); the answer may be stale a moment later, so data picked by it must still
     * be guarded (a try-lock, an atomic add). A deterministic scheduler runs one thread at a time and answers
     * with the simulated CPU ({@link #currentCpu()}, the default), which keeps its runs reproducible.
     */
    default int processor() { return currentCpu(); }

    /**
     * Blocks the calling thread until {@link #unpark} (spurious returns allowed, as LockSupport). A park is
     * a sleep: implementations call {@link Schedulers#checkPark} first, so witness reports a park with a spin
     * lock or a mutex held.
     */
    void park(Object blocker);

    /** As {@link #park} with a timeout in nanoseconds (checked the same way). */
    void parkNanos(Object blocker, long nanos);

    /** Makes {@code thread}'s pending or next {@link #park} return (a permit, as LockSupport). */
    void unpark(Thread thread);

    /** Called in a spin loop: a hint, or a yield once spinning has gone on too long. */
    void spinWait(int iteration);

    /** Runs {@code task} once after {@code delayNanos}, on a scheduler-owned timer thread. */
    Cancellable schedule(long delayNanos, Runnable task);

    /**
     * How many times a contended acquisition retries, spinning, before it queues and parks, when it does not
     * spin adaptively: always for sx and rw locks, and for a mutex when {@link #adaptiveSpinNanos()} is 0.
     * A short fixed spin catches a release that is only nanoseconds away without a park/unpark; a spinner
     * may take a mutex before a woken waiter, once (see Mutex). A deterministic scheduler returns 0: under a
     * baton nobody else runs meanwhile, so the lock cannot be released while the spinner spins.
     */
    default int spinsBeforeBlocking() { return 0; }

    /**
     * Adaptive spinning: the longest time, in {@link #nanoTime()} units, that one contended mutex acquisition
     * spins while the mutex's owner {@link #isRunnable runs}, before it queues and parks; 0 turns adaptive
     * spinning off (then {@link #spinsBeforeBlocking()} applies).
     *
     * <p>Why spin while the owner runs: a running owner is working through its critical section and will
     * release soon; blocking would cost the waiter a park and the releaser an unpark, two context switches
     * that take longer than most holds. Why never spin while the owner is blocked: a blocked owner cannot
     * release before something wakes it, which is a whole sleep away; every spin is a wasted CPU cycle, and on
     * a machine with fewer CPUs than threads it even delays the thread the owner waits for. FreeBSD's
     * adaptive mutexes and Linux's optimistic spinning decide the same way. The ceiling bounds what a wrong
     * guess costs (an owner that is runnable but was preempted, or stuck in I/O).
     *
     * <p>The default, 0, is right for a deterministic scheduler: under a baton the owner never runs while
     * someone else spins. It is also right for a process with a single CPU, where a spinner only takes the
     * CPU away from the owner it waits for.
     */
    default long adaptiveSpinNanos() { return 0; }

    /**
     * The stall budget of adaptive spinning: the longest time a spinner waits for one hold of the mutex to
     * end (the mutex to change hands) before it parks, although the owner looks runnable. An owner on a CPU
     * ends its critical section within microseconds; one that waits for a CPU (preempted with the lock
     * held) does not for a whole time slice, and the JVM calls both runnable. Only read when
     * {@link #adaptiveSpinNanos()} is positive; no budget by default.
     */
    default long spinStallNanos() { return Long.MAX_VALUE; }

    /**
     * Whether {@code thread} is running or ready to run (true), or blocked (false: parked, sleeping, waiting
     * on a monitor), as far as this scheduler can tell. Adaptive spinning asks it about a lock's owner, and
     * only when {@link #adaptiveSpinNanos()} is positive. A spinner reads it every few spins, so it must be
     * cheap and must not block.
     */
    default boolean isRunnable(Thread thread) { return false; }

    /** A scheduling point (lock acquire/release, queue hand-off): free threads ignore it. */
    default void schedulingPoint() {}

    /** A timer or other pending action that can be cancelled. */
    interface Cancellable {
        /** Returns true if the action had not run and now never will. */
        boolean cancel();
    }
}
