package smpnet.locking;

import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The free-running scheduler: real platform threads, LockSupport parking, System.nanoTime(), and a timer
 * thread ("callout") for {@link #schedule}.
 *
 * <p>Mutexes spin adaptively here, while their owner is runnable and the mutex changes hands at least every
 * 50 microseconds, for at most 1 ms, unless this process may use only one CPU (then only the short fixed
 * spin). Three JVM properties exist for benchmarks that compare policies:
 * {@code smpnet.locking.mutex.spin=fixed} turns adaptive spinning off,
 * {@code smpnet.locking.mutex.spinMaxMicros=N} sets the ceiling, {@code smpnet.locking.mutex.spinStallMicros=N}
 * the stall budget (0: none).
 */
public final class FreeScheduler implements Scheduler {
    /**
     * The adaptive spin ceiling, about one time slice of the OS scheduler. FreeBSD spins for as long as
     * the owner is on a CPU; Linux also until the spinner's own CPU is wanted by another thread, which
     * the scheduler signals at its next tick. We can see neither, so a runnable owner may be waiting for
     * a CPU: within about a slice it runs again, and each mutex halves its ceiling after spins that ran
     * out (see Mutex). Measured on the giant-mode UDP benchmark, 2 CPUs against 1: 50 microseconds made
     * the waiting ithread give up and park while the other one kept re-taking Giant, 1 ms did not.
     */
    static final long DEFAULT_SPIN_MICROS = 1_000;
    /**
     * The stall budget: how long a spinner waits for one hold to end before it takes the owner for
     * preempted and parks (see Mutex.OwnerSpin). Some ten times the stack's longest common critical section,
     * and about what a park and an unpark cost on a loaded machine. Measured on the TCP connection benchmark
     * (about twenty threads on 2 CPUs), fine mode on 2 CPUs: without it 32% of the samples were spinners
     * waiting on preempted owners for up to the whole ceiling.
     */
    static final long DEFAULT_STALL_MICROS = 50;

    public static final FreeScheduler INSTANCE = new FreeScheduler();

    private final ScheduledThreadPoolExecutor timers;
    /** Read once: availableProcessors() is not free, and the CPU set of a process rarely changes. */
    private final long adaptiveSpinNanos = adaptiveSpinNanos(LockingSettings.mutexSpin(),
            Runtime.getRuntime().availableProcessors(), LockingSettings.mutexSpinMaxMicros(DEFAULT_SPIN_MICROS));
    private final long spinStallNanos = spinStallNanos(LockingSettings.mutexSpinStallMicros(DEFAULT_STALL_MICROS));
    /**
     * Pauses a spin-lock waiter spins before it yields: none with one CPU, where the holder cannot run while
     * we spin. Measured on one connection's bulk transfer in fine mode on 1 CPU: 16% of the CPU samples were
     * waiters of the allocator's spin locks pausing for a holder preempted on the same CPU.
     */
    private final int spinPauses = spinPauses(Runtime.getRuntime().availableProcessors());

    private FreeScheduler() {
        timers = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "callout");
            t.setDaemon(true);
            return t;
        });
        timers.setRemoveOnCancelPolicy(true);
    }

    @Override public long nanoTime() { return System.nanoTime(); }

    /**
     * A worker thread, which carries its simulated CPU and its {@link #processor} answers in fields of its own:
     * per-CPU counters and the allocator's caches ask for them several times per packet, and a field of the
     * current thread costs a type check and a load where a ThreadLocal costs a hash probe (the lookups were
     * about 5% of a receive thread's samples in a bulk transfer).
     */
    static final class Worker extends Thread {
        final int cpu;
        /** Its last processor answer, and how many more times it may be reused (see {@link #processor}). */
        final int[] processor = {-1, 0};

        Worker(String name, int cpu, Runnable body) {
            super(body, name);
            this.cpu = cpu;
        }
    }

    @Override
    public Thread startWorker(String name, int cpu, Runnable body) {
        Thread t = new Worker(name, cpu, body);
        t.setDaemon(true);
        t.start();
        return t;
    }

    @Override
    public int currentCpu() {
        Thread me = Thread.currentThread();
        if (me instanceof Worker w) return w.cpu;
        long id = me.threadId();
        return (int) ((id * 0x9E3779B97F4A7C15L) >>> 33);
    }

    /**
     * How many {@link #processor()} answers a thread reuses before it asks the system again. The call costs a
     * few nanoseconds where the JIT inlines it, but deep in the allocator it is not inlined and costs far more
     * (asked on every allocation and free it was 10% of a 2-CPU bulk transfer's samples, and every 64th
     * still 1%). A thread mostly changes processor when it wakes from a park, which starts a new count
     * ({@link #park}); one moved while running touches the old processor's cache for at most this many
     * operations: the data is guarded, so only locality suffers.
     */
    static final int PROCESSOR_REUSE = 1024;

    /** Per thread not a {@link Worker}: its last processor answer, and how many more times it may be reused. */
    private static final ThreadLocal<int[]> PROCESSOR = ThreadLocal.withInitial(() -> new int[] {-1, 0});

    /** The calling thread's processor answer and reuse count: a worker's own, else from {@link #PROCESSOR}. */
    private static int[] processorCache() {
        return Thread.currentThread() instanceof Worker w ? w.processor : PROCESSOR.get();
    }

    /**
     * The processor the calling thread runs on ({@link Processors#current()}), or its simulated CPU where that
     * is unknown; asked again after every park and every {@link #PROCESSOR_REUSE} answers.
     */
    @Override
    public int processor() {
        int[] p = processorCache();
        if (--p[1] < 0) {
            int c = Processors.current();
            p[0] = c >= 0 ? c : currentCpu();
            p[1] = PROCESSOR_REUSE - 1;
        }
        return p[0];
    }

    @Override public void park(Object blocker) {
        Schedulers.checkPark(blocker);
        LockSupport.park(blocker);
        processorCache()[1] = 0; // may wake on another processor: ask again
    }

    @Override public void parkNanos(Object blocker, long nanos) {
        Schedulers.checkPark(blocker);
        LockSupport.parkNanos(blocker, nanos);
        processorCache()[1] = 0;
    }
    @Override public void unpark(Thread thread) { LockSupport.unpark(thread); }

    /**
     * About as long as a park/unpark round trip costs on a loaded machine, no longer: for sx/rw locks, and
     * for mutexes when adaptive spinning is off.
     */
    @Override
    public int spinsBeforeBlocking() { return 100; }

    @Override
    public long adaptiveSpinNanos() { return adaptiveSpinNanos; }

    @Override
    public long spinStallNanos() { return spinStallNanos; }

    /** The stall budget for {@code micros} microseconds; 0 or less: no budget. */
    static long spinStallNanos(long micros) {
        return micros <= 0 ? Long.MAX_VALUE : TimeUnit.MICROSECONDS.toNanos(micros);
    }

    /**
     * The adaptive spin ceiling for policy {@code spin} ("fixed": none; null or "adaptive": the ceiling),
     * {@code cpus} CPUs available to this process and a ceiling of {@code maxMicros}. With one CPU (as under
     * {@code taskset -c 0}) a runnable owner is not running while we spin: it waits for our CPU.
     */
    static long adaptiveSpinNanos(String spin, int cpus, long maxMicros) {
        if (spin != null && !"adaptive".equals(spin) && !"fixed".equals(spin)) {
            throw new IllegalArgumentException(LockingSettings.MUTEX_SPIN + " must be adaptive or fixed, not " + spin);
        }
        if ("fixed".equals(spin) || cpus < 2 || maxMicros <= 0) return 0;
        return TimeUnit.MICROSECONDS.toNanos(maxMicros);
    }

    /**
     * The JVM's own thread state: RUNNABLE while the thread runs, waits for a CPU or sits in native I/O;
     * WAITING, TIMED_WAITING or BLOCKED once it parks, sleeps or waits for a monitor. The JVM updates it at
     * every such transition, so it sees every way an owner can block (not only waits through this seam),
     * and reading it is a few loads. A flag of our own would see only waits through the seam and would cost
     * every acquisition a thread-local lookup to publish it.
     */
    @Override
    public boolean isRunnable(Thread thread) { return thread.getState() == Thread.State.RUNNABLE; }

    @Override
    public void spinWait(int iteration) {
        if (iteration < spinPauses) Thread.onSpinWait(); else Thread.yield();
    }

    /** The pauses before a spin-lock waiter yields with {@code cpus} CPUs available to this process. */
    static int spinPauses(int cpus) { return cpus < 2 ? 0 : 64; }

    @Override
    public Cancellable schedule(long delayNanos, Runnable task) {
        ScheduledFuture<?> f = timers.schedule(task, delayNanos, TimeUnit.NANOSECONDS);
        return () -> f.cancel(false);
    }
}
