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
 * created it. A callout due at time {@code t} (nanoseconds) is due at tick {@code floor(t / tick)}; ticks come in
 * turns of {@code buckets} ticks. Each wheel has two arrays of {@code buckets} lists, so reset and stop are O(1):
 *
 * <pre>
 *   near:  one list per tick of the current turn (bucket tick mod buckets): only this turn's callouts
 *   far:   one list per later turn (bucket turn mod buckets): the callouts of every later turn
 * </pre>
 *
 * When the softclock passes into a new turn it moves that turn's far list into the near lists (a cascade, as
 * in Varghese and Lauck's hierarchical wheels). So a near list holds the callouts of one tick only, and the
 * next due callout is the earliest in the first non-empty near list from the current tick on (a bitmap says
 * which are non-empty), or, when the turn holds none, the next turn's start, where the cascade runs. FreeBSD's
 * single wheel mixes turns in a bucket and its softclock steps one bucket per tick; this wheel sleeps until
 * its next callout instead, and one wheel holding every turn made finding that callout a walk over all of
 * them: with 100,000 connections' retransmit timers (due in later turns) on it, most of a core. Each wheel
 * keeps one timer of the scheduler armed at its earliest due callout (or the next turn's start); its task,
 * the wheel's softclock, takes the due callouts off and runs them one after the other on the scheduler's
 * timer thread ({@code Scheduler.schedule}'s other end). In deterministic runs that is virtual time, and a
 * callout fires at exactly its due nanosecond.
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
        /**
         * Heads of doubly linked lists of callouts (through Callout.prev/next), {@code 2 * buckets} of them: the
         * near lists first (one per tick of the current turn), then the far ones (one per later turn). A
         * callout's {@code bucket} is its list's index here. Guarded by lock.
         */
        final Callout[] lists;
        /** Which near lists are non-empty, a bit each. Guarded by lock. */
        final long[] occupied;
        /** Callouts on the near lists. Guarded by lock. */
        int near;
        /** List entries the softclock, the cascade and the search for the next due callout looked at. Guarded by lock. */
        long visits;
        /**
         * The tick the last softclock reached: near lists before it hold nothing; the current turn is its turn.
         * Guarded by lock.
         */
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
            this.lists = new Callout[2 * buckets];
            this.occupied = new long[(buckets + 63) >>> 6];
        }

        /** Ticks in a turn: the number of near lists (and of far ones). */
        int buckets() { return lists.length >>> 1; }
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
    public int pendingCount() { return (int) sumOverCpus(c -> c.pending); }

    /**
     * List entries looked at so far by the softclocks, cascades and searches for the next due callout of all
     * wheels (a test's: the work per softclock must not grow with the callouts of later turns).
     */
    long visits() { return sumOverCpus(c -> c.visits); }

    /** The sum of {@code field} over every CPU's wheel, each read under its wheel's lock. */
    private long sumOverCpus(java.util.function.ToLongFunction<Cpu> field) {
        long sum = 0;
        for (Cpu c : cpus) {
            c.lock.lock();
            try {
                sum += field.applyAsLong(c);
            } finally {
                c.lock.unlock();
            }
        }
        return sum;
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
                for (int b = 0; b < c.lists.length; b++) {
                    for (Callout x; (x = c.lists[b]) != null; ) {
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

    /**
     * Puts {@code x} on its wheel, due at {@code due}, and arms the wheel's timer if that is now sooner than it
     * fires: at {@code due} for a callout of the current turn, at the next turn's start for a later one.
     */
    void insertLocked(Cpu c, Callout x, long due) {
        x.pendingFlag = true;
        c.pending++;
        long at = placeLocked(c, x, due);
        if (at < c.armedAt) armLocked(c, at);
    }

    /**
     * Links {@code x}, due at {@code due}, on its list: the near list of its tick (never before the current
     * one) when that is in the current turn, else the far list of its turn. Returns when the timer must fire
     * for it: {@code due}, or the start of the next turn (where the cascade brings it near).
     */
    private long placeLocked(Cpu c, Callout x, long due) {
        int n = c.buckets();
        long t = Math.max(Math.floorDiv(due, tick), c.lastTick);
        long turn = Math.floorDiv(c.lastTick, n);
        int b;
        long at;
        if (Math.floorDiv(t, n) == turn) {
            b = (int) (t - turn * n);
            if (c.lists[b] == null) c.occupied[b >>> 6] |= 1L << b;
            c.near++;
            at = due;
        } else {
            b = n + (int) Math.floorMod(Math.floorDiv(t, n), (long) n);
            at = (turn + 1) * n * tick;
        }
        x.bucket = b;
        x.prev = null;
        x.next = c.lists[b];
        if (x.next != null) x.next.prev = x;
        c.lists[b] = x;
        return at;
    }

    /** Takes {@code x} off its wheel. */
    void unlinkLocked(Cpu c, Callout x) {
        detachLocked(c, x);
        x.pendingFlag = false;
        c.pending--;
    }

    /** Takes {@code x} off its list, leaving it pending (the cascade moves it to another list). */
    private void detachLocked(Cpu c, Callout x) {
        int b = x.bucket;
        if (x.prev != null) x.prev.next = x.next; else c.lists[b] = x.next;
        if (x.next != null) x.next.prev = x.prev;
        if (b < c.buckets()) {
            c.near--;
            if (c.lists[b] == null) c.occupied[b >>> 6] &= ~(1L << b);
        }
        x.prev = null;
        x.next = null;
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
            int n = c.buckets();
            while (true) {
                // the current turn's near lists up to now (or to the turn's end), then the next turn's cascade
                long turn = Math.floorDiv(c.lastTick, n), end = Math.min(nowTick, (turn + 1) * n - 1);
                for (int b = nextOccupied(c, (int) (c.lastTick - turn * n)); b >= 0 && b <= end - turn * n;
                     b = nextOccupied(c, b + 1)) {
                    for (Callout x = c.lists[b], next; x != null; x = next) {
                        next = x.next;
                        c.visits++;
                        if (x.dueNanos > now) continue; // due later in the current tick
                        unlinkLocked(c, x);
                        x.expireLocked();
                        due.add(x);
                    }
                }
                if (end >= nowTick) break;
                c.lastTick = (turn + 1) * n;
                cascadeLocked(c);
            }
            c.lastTick = Math.max(c.lastTick, nowTick);
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
     * The cascade at the start of the current turn (the softclock's {@code lastTick} has just entered it): the
     * far list of this turn's number moves to the near lists, except callouts of a turn a whole wheel of turns
     * later, which share the list and stay. A wheel that slept through turns moves the callouts of those
     * turns too, at the current tick (they are overdue, and the softclock runs them next).
     */
    private void cascadeLocked(Cpu c) {
        int n = c.buckets();
        long turn = Math.floorDiv(c.lastTick, n);
        if (c.pending == c.near) return; // nothing far
        int f = n + (int) Math.floorMod(turn, (long) n);
        for (Callout x = c.lists[f], next; x != null; x = next) {
            next = x.next;
            c.visits++;
            if (Math.floorDiv(Math.floorDiv(x.dueNanos, tick), n) > turn) continue;
            // detached, not unlinked: pending() (read without the wheel's lock) never sees it drop meanwhile
            detachLocked(c, x);
            placeLocked(c, x, x.dueNanos);
        }
    }

    /** The first non-empty near list at or after {@code from}, or -1. */
    private static int nextOccupied(Cpu c, int from) {
        long[] bits = c.occupied;
        int w = from >>> 6;
        if (from < 0 || w >= bits.length) return -1;
        long word = bits[w] & (-1L << from);
        while (true) {
            if (word != 0) return (w << 6) + Long.numberOfTrailingZeros(word);
            if (++w == bits.length) return -1;
            word = bits[w];
        }
    }

    /**
     * When the wheel's timer should fire next: the earliest due time in the first non-empty near list from
     * the current tick on (its callouts all share one tick); when the current turn holds none, the start of
     * the next turn if a later turn holds any (the cascade there finds the next callout exactly); never when
     * nothing is pending.
     */
    private long nextDueLocked(Cpu c) {
        int n = c.buckets();
        long turn = Math.floorDiv(c.lastTick, n);
        if (c.near > 0) {
            int b = nextOccupied(c, (int) (c.lastTick - turn * n));
            if (b >= 0) {
                long best = Long.MAX_VALUE;
                for (Callout x = c.lists[b]; x != null; x = x.next) {
                    c.visits++;
                    best = Math.min(best, x.dueNanos);
                }
                return best;
            }
        }
        return c.pending > c.near ? (turn + 1) * n * tick : Long.MAX_VALUE;
    }
}
