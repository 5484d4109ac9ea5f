package smpnet.stack.internal.tcp;

import smpnet.locking.ExclusiveLock;

/**
 * One timer, FreeBSD's {@code struct callout} initialised with {@code callout_init_mtx}: it is created with
 * the lock that guards what its handler touches (a connection's pcb lock, {@code inp}, which is Giant in Giant
 * mode), and its handler always runs with that lock held. {@link #reset} and {@link #stop} are called with that
 * lock held (they assert it), which is what makes {@link #stop} final: once it returns, the handler will not
 * run, not even if it had already fired and was waiting for the lock (see {@link CalloutWheel}).
 *
 * <p>State, as callout(9): <em>pending</em> while on the wheel waiting for its time (cleared when the softclock
 * takes it off to run it); <em>active</em> from {@link #reset} until {@link #stop} or {@link #deactivate}
 * (a handler usually deactivates its callout first thing, and tests it to tell a stale run). Each reset or
 * stop starts a new generation; a fired callout runs only if its generation is still the current one when
 * the softclock holds its lock.
 *
 * <p>Locking key: the fields below are guarded by the lock of the callout's wheel ({@code callout} class),
 * taken inside the callout's own lock; pending, active and the due time are volatile, read without a lock;
 * {@code lock} and {@code home} are final.
 *
 * <p>It is not final: a connection's timers ({@link TcpTimer}) extend it, so that their five due times and the
 * callout they share are one object.
 */
public class Callout {
    /**
     * What the callout works for (callout(9)'s {@code c_arg}; a connection's control block for its timers), or
     * null. Declared first on purpose: the JDK's copying collectors copy an object's referents depth first in
     * field order, and the wheel reaches a connection's timers through its lists before anything else reaches
     * the connection. With {@link #prev} and {@link #next} first, a young collection copied the callouts of a
     * list one after another (and the control block's lock with each), hundreds of megabytes away from the
     * rest of their connections at 100,000 of them; with the owner first it copies the owner, and through it
     * the connection's socket, buffers and locks, beside the callout before it follows the list.
     */
    private final Object owner;
    private final CalloutWheel wheel;
    private final CalloutWheel.Cpu home;
    private final ExclusiveLock lock;
    /** The handler releases {@link #lock} itself before it returns (callout(9)'s CALLOUT_RETURNUNLOCKED). */
    private final boolean returnsUnlocked;

    // Guarded by home.lock; the three volatile ones are also read without it (as callout(9)'s flag tests).
    Callout prev;
    Callout next;
    int bucket;
    volatile long dueNanos;
    volatile boolean pendingFlag;
    /** Written with the callout's lock held (and the wheel's, but for deactivate). */
    private volatile boolean activeFlag;
    /** Taken off the wheel by the softclock, which has not yet decided (under this callout's lock) to run it. */
    private boolean firing;
    private int generation;
    private int firingGeneration;
    private Runnable fn;
    /** The thread running the handler now, or null. */
    Thread runningThread;

    /** A callout on the wheel of the calling thread's CPU, guarded by {@code lock}. */
    public Callout(CalloutWheel wheel, ExclusiveLock lock) { this(wheel, lock, wheel.cpuForCaller(), false); }

    /** A callout on the wheel of CPU {@code cpu} (modulo the wheel's CPUs), guarded by {@code lock}. */
    public Callout(CalloutWheel wheel, ExclusiveLock lock, int cpu) { this(wheel, lock, wheel.cpu(cpu), false); }

    /**
     * A callout on the wheel of the calling thread's CPU, guarded by {@code lock}; with {@code returnsUnlocked}
     * its handler always releases {@code lock} before it returns (CALLOUT_RETURNUNLOCKED), as a connection's
     * timer does to send what waited for the lock. The wheel then never touches the lock after the handler:
     * where the lock is a recursive Giant already held by the entry point, "still owned" would not tell.
     */
    public Callout(CalloutWheel wheel, ExclusiveLock lock, boolean returnsUnlocked) {
        this(wheel, lock, wheel.cpuForCaller(), returnsUnlocked);
    }

    /** As {@link #Callout(CalloutWheel, ExclusiveLock, boolean)}, on the wheel of CPU {@code cpu}. */
    public Callout(CalloutWheel wheel, ExclusiveLock lock, int cpu, boolean returnsUnlocked) {
        this(wheel, lock, wheel.cpu(cpu), returnsUnlocked);
    }

    /** As {@link #Callout(CalloutWheel, ExclusiveLock, boolean)}, working for {@code owner} (see {@link #owner()}). */
    protected Callout(Object owner, CalloutWheel wheel, ExclusiveLock lock, boolean returnsUnlocked) {
        this(owner, wheel, lock, wheel.cpuForCaller(), returnsUnlocked);
    }

    private Callout(CalloutWheel wheel, ExclusiveLock lock, CalloutWheel.Cpu home, boolean returnsUnlocked) {
        this(null, wheel, lock, home, returnsUnlocked);
    }

    private Callout(Object owner, CalloutWheel wheel, ExclusiveLock lock, CalloutWheel.Cpu home, boolean returnsUnlocked) {
        if (lock == null) throw new IllegalArgumentException("a callout needs the lock its handler runs under");
        this.owner = owner;
        this.wheel = wheel;
        this.lock = lock;
        this.home = home;
        this.returnsUnlocked = returnsUnlocked;
    }

    /** What the callout works for ({@code c_arg}), or null where its creator named none. */
    public Object owner() { return owner; }

    /** The lock the handler runs under (callout_init_mtx's). */
    public ExclusiveLock lock() { return lock; }

    /** True if the handler releases {@link #lock()} itself. */
    boolean returnsUnlocked() { return returnsUnlocked; }

    /**
     * Schedules {@code fn} to run in {@code delayNanos} (0 or less: at the next softclock), replacing any
     * earlier schedule of this callout; makes it pending and active (callout_reset). Returns true if it was
     * pending, or had fired and not yet run, and that run is now cancelled. The caller holds {@link #lock()}.
     * After the wheel was drained it does nothing (and returns false).
     */
    public boolean reset(long delayNanos, Runnable fn) {
        long now = wheel.nanoTime();
        return resetAt(now + Math.min(Math.max(0, delayNanos), Long.MAX_VALUE / 2 - Math.max(0, now)), fn); // no overflow
    }

    /**
     * As {@link #reset}, due at {@code dueNanos} on the scheduler's clock rather than after a delay
     * (callout_reset_sbt with C_ABSOLUTE); a time already past runs at the next softclock.
     */
    public boolean resetAt(long dueNanos, Runnable fn) {
        lock.assertOwned();
        if (fn == null) throw new IllegalArgumentException("a callout needs a handler");
        home.lock.lock();
        try {
            boolean cancelled = cancelLocked();
            if (home.closed) return cancelled;
            this.fn = fn;
            activeFlag = true;
            this.dueNanos = dueNanos;
            wheel.insertLocked(home, this, dueNanos);
            return cancelled;
        } finally {
            home.lock.unlock();
        }
    }

    /**
     * Cancels the callout (callout_stop): it will not run for any earlier {@link #reset}, and is no longer
     * active. Returns true if that prevented a run (it was pending, or had fired and was waiting for the
     * lock); false if it was idle or its handler is the caller. The caller holds {@link #lock()}, so no
     * handler of it is running in another thread.
     */
    public boolean stop() {
        lock.assertOwned();
        home.lock.lock();
        try {
            activeFlag = false;
            return cancelLocked();
        } finally {
            home.lock.unlock();
        }
    }

    /**
     * Stops the callout and waits until its handler is not running (callout_drain), before the structure it
     * serves is freed. The caller does not hold {@link #lock()} (the handler may be waiting for it), nor call
     * it from the handler. Returns as {@link #stop()}.
     */
    public boolean drain() {
        lock.assertNotOwned();
        home.lock.lock();
        try {
            activeFlag = false;
            boolean cancelled = cancelLocked();
            wheel.awaitNotRunningLocked(home, this);
            return cancelled;
        } finally {
            home.lock.unlock();
        }
    }

    /** True while on the wheel, waiting for its time (callout_pending). */
    public boolean pending() { return pendingFlag; }

    /** True from {@link #reset} until {@link #stop}, {@link #drain} or {@link #deactivate} (callout_active). */
    public boolean active() { return activeFlag; }

    /**
     * Clears active, leaving a pending run in place (callout_deactivate); called by the handler, or by anyone
     * holding {@link #lock()}.
     */
    public void deactivate() {
        lock.assertOwned();
        activeFlag = false;
    }

    /** When the last {@link #reset} asked it to run, in the scheduler's nanoseconds (meaningful while pending). */
    public long dueNanos() { return dueNanos; }

    // ---- the wheel's side, with home.lock held ----

    /** Cancels a pending or fired-but-not-started run; true if there was one. */
    private boolean cancelLocked() {
        generation++;
        if (pendingFlag) {
            wheel.unlinkLocked(home, this);
            return true;
        }
        return cancelFiringLocked();
    }

    boolean cancelFiringLocked() {
        boolean was = firing;
        firing = false;
        return was;
    }

    /** The softclock took it off the wheel: remember which generation fired. */
    void expireLocked() {
        firing = true;
        firingGeneration = generation;
    }

    /** The softclock holds the callout's lock: the handler to run now, or null if the firing was cancelled. */
    Runnable startLocked() {
        if (!firing || firingGeneration != generation) return null;
        firing = false;
        runningThread = Thread.currentThread();
        return fn;
    }
}
