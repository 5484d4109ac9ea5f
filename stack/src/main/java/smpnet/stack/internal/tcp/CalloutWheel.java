package smpnet.stack.internal.tcp;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Supplier;
import smpnet.locking.ExclusiveLock;
import smpnet.locking.Scheduler;

/**
 * One host's callout wheel: FreeBSD's callout(9) (kern_timeout.c), on the scheduler's clock.
 *
 * <p>There is one wheel per CPU ({@link #cpus()}), each with its own lock of class {@code callout} (a leaf,
 * row 13), as FreeBSD's per-CPU {@code callout_cpu}: a connection's timers are reset on every segment, and
 * one host-wide lock would make every CPU queue on it. A {@link Callout} stays on the wheel of the CPU that
 * created it. Each wheel is an array of {@code buckets} lists; a callout due at time {@code t} (nanoseconds)
 * sits in bucket {@code floor(t / tick) mod buckets}, so reset and stop are O(1). Each wheel keeps one timer of
 * the scheduler armed at its earliest due callout; its task, the wheel's softclock, takes the due callouts
 * off and runs them one after the other on the scheduler's timer thread ({@code Scheduler.schedule}'s
 * other end). In deterministic runs that is virtual time, and a callout fires at exactly its due nanosecond.
 *
 * <p>Running a callout (FreeBSD's softclock_call_cc): the softclock takes it off the wheel, releases the
 * wheel's lock, enters the host's entry point (Giant in Giant and giant-over-fine mode), takes the callout's
 * lock, then looks again under the wheel's lock: if the callout was stopped or reset meanwhile, it returns
 * without running the handler. So {@link Callout#stop()} called with the callout's lock held guarantees that
 * the handler does not run afterwards, even if it had fired and was waiting for that lock: the race of a
 * timer firing while its connection is being closed.
 *
 * <p>Locking key: each wheel's buckets, its armed timer and the state of its callouts are guarded by that
 * wheel's lock; a handler runs with its callout's lock held and no wheel lock.
 */
public final class CalloutWheel {
    /** FreeBSD's hz = 1000: one bucket per millisecond. */
    public static final long DEFAULT_TICK_NANOS = 1_000_000L;
    /** Buckets per wheel: one turn is 4.096 s at the default tick. */
    public static final int DEFAULT_BUCKETS = 4096;

    private final Scheduler scheduler;
    private final long tick;
    private final Consumer<Runnable> entryPoint;
    private final Cpu[] cpus;

    /** The wheel of one CPU (FreeBSD's struct callout_cpu). */
    static final class Cpu {
        final int index;
        final ExclusiveLock lock;
        /** Bucket heads of doubly linked lists of callouts (through Callout.prev/next); guarded by lock. */
        final Callout[] buckets;
        /** The tick the last softclock reached: buckets before it hold nothing due before it. Guarded by lock. */
        long lastTick;
        /** The armed scheduler timer and the time it fires at (Long.MAX_VALUE if none). Guarded by lock. */
        Scheduler.Cancellable armed;
        long armedAt = Long.MAX_VALUE;
        /** Callouts on this wheel. Guarded by lock. */
        int pending;
        /** Handlers running now. Guarded by lock. */
        int running;
        /** Set by drain: nothing is armed or run any more. Guarded by lock. */
        boolean closed;
        /** Threads waiting in a drain for running handlers to end. Guarded by lock. */
        final List<Thread> drainers = new ArrayList<>(1);

        Cpu(int index, ExclusiveLock lock, int buckets) {
            this.index = index;
            this.lock = lock;
            this.buckets = new Callout[buckets];
        }
    }

    /** One wheel (one CPU) locked by {@code wheelLock}, with the default tick and size, handlers run bare. */
    public CalloutWheel(Scheduler scheduler, ExclusiveLock wheelLock) {
        this(scheduler, new ExclusiveLock[] {wheelLock}, DEFAULT_TICK_NANOS, DEFAULT_BUCKETS, Runnable::run);
    }

    /** One wheel locked by {@code wheelLock}, with {@code buckets} buckets of {@code tickNanos}, handlers run bare. */
    public CalloutWheel(Scheduler scheduler, ExclusiveLock wheelLock, long tickNanos, int buckets) {
        this(scheduler, new ExclusiveLock[] {wheelLock}, tickNanos, buckets, Runnable::run);
    }

    /**
     * A wheel for each of {@code cpus} CPUs, each locked by a new lock of class {@code callout} from
     * {@code wheelLocks}; {@code entryPoint} brackets each handler (with the callout's lock taken inside),
     * for a host: {@code StackLocks::runEntryPoint}.
     */
    public CalloutWheel(Scheduler scheduler, Supplier<ExclusiveLock> wheelLocks, int cpus, Consumer<Runnable> entryPoint) {
        this(scheduler, locks(wheelLocks, cpus), DEFAULT_TICK_NANOS, DEFAULT_BUCKETS, entryPoint);
    }

    /** As the constructor above, with {@code buckets} buckets of {@code tickNanos} (small wheels for tests). */
    public CalloutWheel(Scheduler scheduler, Supplier<ExclusiveLock> wheelLocks, int cpus, long tickNanos, int buckets,
                        Consumer<Runnable> entryPoint) {
        this(scheduler, locks(wheelLocks, cpus), tickNanos, buckets, entryPoint);
    }

    private CalloutWheel(Scheduler scheduler, ExclusiveLock[] locks, long tickNanos, int buckets, Consumer<Runnable> entryPoint) {
        if (tickNanos <= 0 || buckets <= 0) throw new IllegalArgumentException("tick and buckets must be positive");
        this.scheduler = scheduler;
        this.tick = tickNanos;
        this.entryPoint = entryPoint;
        this.cpus = new Cpu[locks.length];
        long nowTick = Math.floorDiv(scheduler.nanoTime(), tickNanos);
        for (int i = 0; i < locks.length; i++) {
            cpus[i] = new Cpu(i, locks[i], buckets);
            cpus[i].lastTick = nowTick;
        }
    }

    private static ExclusiveLock[] locks(Supplier<ExclusiveLock> wheelLocks, int cpus) {
        if (cpus < 1) throw new IllegalArgumentException("a callout wheel needs a CPU");
        ExclusiveLock[] l = new ExclusiveLock[cpus];
        for (int i = 0; i < cpus; i++) l[i] = wheelLocks.get();
        return l;
    }

    public Scheduler scheduler() { return scheduler; }

    /** The scheduler's clock (virtual in deterministic runs). */
    public long nanoTime() { return scheduler.nanoTime(); }

    public long tickNanos() { return tick; }

    /** The number of per-CPU wheels. */
    public int cpus() { return cpus.length; }

    /** The wheel a new callout of the calling thread goes on: its CPU's. */
    Cpu cpuForCaller() { return cpus[Math.floorMod(scheduler.currentCpu(), cpus.length)]; }

    Cpu cpu(int index) { return cpus[Math.floorMod(index, cpus.length)]; }

    /** Callouts waiting on all wheels (a test's and a leak check's: no timer left behind). */
    public int pendingCount() {
        int n = 0;
        for (Cpu c : cpus) {
            c.lock.lock();
            try {
                n += c.pending;
            } finally {
                c.lock.unlock();
            }
        }
        return n;
    }

    /**
     * Runs every callout due now, on every wheel, in the calling thread: what the armed timers do. For tests
     * that drive the wheel by hand; harmless at any time (nothing due, nothing runs).
     */
    public void softclock() {
        for (Cpu c : cpus) softclock(c);
    }

    /**
     * Shutdown: stops every callout (none will run again, and resets are ignored from now on), disarms the
     * timers and waits for handlers running now to end. Returns how many callouts were stopped. The caller
     * holds no callout's lock (a running handler may be waiting for it).
     */
    public int drain() {
        int stopped = 0;
        for (Cpu c : cpus) {
            c.lock.lock();
            try {
                c.closed = true;
                if (c.armed != null) c.armed.cancel();
                c.armed = null;
                c.armedAt = Long.MAX_VALUE;
                for (int b = 0; b < c.buckets.length; b++) {
                    for (Callout x; (x = c.buckets[b]) != null; ) {
                        unlinkLocked(c, x);
                        x.cancelFiringLocked();
                        stopped++;
                    }
                }
                awaitIdleLocked(c);
            } finally {
                c.lock.unlock();
            }
        }
        return stopped;
    }

    // ---- called by Callout with its wheel's lock held ----

    /** Puts {@code x} on its wheel, due at {@code due}, and arms the wheel's timer if it is now the earliest. */
    void insertLocked(Cpu c, Callout x, long due) {
        long t = Math.max(Math.floorDiv(due, tick), c.lastTick);
        int b = (int) Math.floorMod(t, (long) c.buckets.length);
        x.bucket = b;
        x.prev = null;
        x.next = c.buckets[b];
        if (x.next != null) x.next.prev = x;
        c.buckets[b] = x;
        x.pendingFlag = true;
        c.pending++;
        if (due < c.armedAt) armLocked(c, due);
    }

    /** Takes {@code x} off its wheel. */
    void unlinkLocked(Cpu c, Callout x) {
        if (x.prev != null) x.prev.next = x.next; else c.buckets[x.bucket] = x.next;
        if (x.next != null) x.next.prev = x.prev;
        x.prev = null;
        x.next = null;
        x.pendingFlag = false;
        c.pending--;
    }

    /** Waits, releasing and retaking the wheel's lock, until no handler runs on wheel {@code c}. */
    void awaitIdleLocked(Cpu c) {
        while (c.running > 0) parkLocked(c);
    }

    /** Waits, releasing and retaking the wheel's lock, until {@code x}'s handler is not running. */
    void awaitNotRunningLocked(Cpu c, Callout x) {
        if (x.runningThread == Thread.currentThread()) throw new IllegalStateException("a callout drained from its own handler");
        while (x.runningThread != null) parkLocked(c);
    }

    private void parkLocked(Cpu c) {
        Thread me = Thread.currentThread();
        c.drainers.add(me);
        c.lock.unlock();
        try {
            scheduler.park(this); // other end: the unpark at the end of run()
        } finally {
            c.lock.lock();
            c.drainers.remove(me);
        }
    }

    // ---- the softclock ----

    private void armLocked(Cpu c, long at) {
        if (c.closed) return;
        if (c.armed != null) c.armed.cancel();
        c.armedAt = at;
        c.armed = scheduler.schedule(Math.max(0, at - scheduler.nanoTime()), () -> softclock(c));
    }

    private void softclock(Cpu c) {
        List<Callout> due = new ArrayList<>();
        c.lock.lock();
        try {
            c.armed = null;
            c.armedAt = Long.MAX_VALUE;
            if (c.closed) return;
            long now = scheduler.nanoTime();
            long nowTick = Math.floorDiv(now, tick); // the clock may be negative (System.nanoTime)
            long span = Math.min(nowTick - c.lastTick + 1, c.buckets.length);
            for (long t = nowTick - span + 1; t <= nowTick; t++) {
                int b = (int) Math.floorMod(t, (long) c.buckets.length);
                for (Callout x = c.buckets[b], n; x != null; x = n) {
                    n = x.next;
                    if (x.dueNanos > now) continue;
                    unlinkLocked(c, x);
                    x.expireLocked();
                    due.add(x);
                }
            }
            c.lastTick = nowTick;
        } finally {
            c.lock.unlock();
        }
        for (Callout x : due) entryPoint.accept(() -> run(c, x));
        c.lock.lock();
        try {
            // Handlers may have armed the timer for a callout they reset; one pending before may be due sooner.
            if (c.pending > 0) {
                long next = nextDueLocked(c);
                if (next < c.armedAt) armLocked(c, next);
            }
        } finally {
            c.lock.unlock();
        }
    }

    /** Runs one expired callout (softclock_call_cc): its lock, the last look, the handler. */
    private void run(Cpu c, Callout x) {
        ExclusiveLock l = x.lock();
        l.lock();
        boolean handlerReleases = false;
        try {
            Runnable fn;
            c.lock.lock();
            try {
                if (c.closed) x.cancelFiringLocked();
                fn = x.startLocked();
                if (fn == null) return; // stopped or reset while we waited for its lock (or drained)
                c.running++;
            } finally {
                c.lock.unlock();
            }
            handlerReleases = x.returnsUnlocked();
            try {
                fn.run();
            } finally {
                c.lock.lock();
                try {
                    x.runningThread = null;
                    c.running--;
                    for (Thread t : c.drainers) scheduler.unpark(t); // other end: awaitIdleLocked
                } finally {
                    c.lock.unlock();
                }
            }
        } finally {
            // CALLOUT_RETURNUNLOCKED: the handler released it; otherwise it may still have given it up itself
            if (!handlerReleases && l.isOwned()) l.unlock();
        }
    }

    /**
     * When the wheel's timer should fire next: the earliest due time in the first bucket, from the current
     * tick on, holding a callout due in this turn of the wheel; if none is, the earliest of all (a wheel
     * holding only far callouts, such as keepalives, sleeps until the first of them).
     */
    private long nextDueLocked(Cpu c) {
        int n = c.buckets.length;
        for (long t = c.lastTick; t < c.lastTick + n; t++) {
            long best = Long.MAX_VALUE;
            for (Callout x = c.buckets[(int) Math.floorMod(t, (long) n)]; x != null; x = x.next) {
                if (Math.floorDiv(x.dueNanos, tick) <= t) best = Math.min(best, x.dueNanos);
            }
            if (best != Long.MAX_VALUE) return best;
        }
        long best = Long.MAX_VALUE;
        for (Callout head : c.buckets) {
            for (Callout x = head; x != null; x = x.next) best = Math.min(best, x.dueNanos);
        }
        return best;
    }
}
