package smpnet.stack.locks;

import smpnet.locking.ExclusiveLock;
import smpnet.locking.Giant;
import smpnet.locking.Mutex;
import smpnet.locking.RmLock;
import smpnet.locking.RwLock;
import smpnet.locking.SharedExclusiveLock;
import smpnet.locking.SpinMutex;
import smpnet.locking.SxLock;
import smpnet.stack.internal.StackProperties;
import smpnet.stack.internal.locks.LockKindOfRow;
import smpnet.stack.internal.locks.WitnessOrderLoader;
import smpnet.witness.HandlerKind;
import smpnet.witness.Witness;

/**
 * The lock factory of one stack instance (one simulated host). Protocol code never constructs a lock: it asks
 * here for "a lock of class X" when it creates the object X guards, and gets
 * <ul>
 *   <li>in {@link LockMode#FINE} and {@link LockMode#GIANT_OVER_FINE}: a new lock of that class and kind
 *       (rw → {@link RwLock}, rm → {@link RmLock}, mutex → {@link Mutex}, sx → {@link SxLock},
 *       spin → {@link SpinMutex});</li>
 *   <li>in {@link LockMode#GIANT}: the instance's one {@link Giant} for rows 3-10 (Giant is a
 *       {@link SharedExclusiveLock}, so an rw request gets it too, and shared acquisitions of it are
 *       exclusive), and a lock of its own for rows 2 and 11-13.</li>
 * </ul>
 * So the protocol code, its {@code assertOwned()} calls and its condition variables are the same in every
 * mode. Entry points bracket their work with {@link #enterEntryPoint()} / {@link #leaveEntryPoint()} (socket
 * calls, timers) or, where witness's rules for a handler apply (ithreads, netisr workers),
 * {@link #enterHandler} / {@link #leaveHandler}, which also enter witness's handler context: both take
 * Giant in giant and giant-over-fine mode and do nothing more in fine mode. In giant mode it is what
 * FreeBSD did around handlers not marked MPSAFE: the handler's own Giant requests are then recursions, which
 * never wait, so a handler (which may not sleep) never blocks on the sleepable Giant inside its context.
 *
 * <p>Locking key: the factory itself is immutable after construction; {@link #giant()} is the instance's Giant.
 */
public final class StackLocks {
    /**
     * The system property that, set to {@code off} when a stack is created, gives its read-mostly classes
     * plain rw locks: the experiment that shows why they are read-mostly (DESIGN.md, "rm").
     */
    public static final String READ_MOSTLY_PROPERTY = StackProperties.READ_MOSTLY;

    private final LockMode mode;
    private final Giant giant;
    private final boolean readMostly;
    /** Witness if it was on when the host was created; its handler contexts are told of each entry. */
    private final Witness witness = Witness.active();

    /** A factory for a new stack instance in {@code mode}; declares the lock order to witness if it is on. */
    public StackLocks(LockMode mode) {
        this.mode = mode;
        this.giant = new Giant();
        this.readMostly = StackProperties.readMostly();
        WitnessOrderLoader.load();
    }

    public LockMode mode() { return mode; }

    /** The instance's Giant (held by nobody in fine mode unless a lecture takes it by hand). */
    public Giant giant() { return giant; }

    /** A mutex (or spin mutex) of class {@code c}: its own in fine mode, Giant for rows 3-10 in giant mode. */
    public ExclusiveLock mutex(LockInventory c) {
        requireKind(c, LockKindOfRow.MUTEX, LockKindOfRow.SPIN);
        if (usesGiant(c)) return giant;
        return c.kind() == LockKindOfRow.SPIN ? new SpinMutex(c.className(), c.flags())
                                             : new Mutex(c.className(), c.flags());
    }

    /**
     * A reader/writer lock of class {@code c} (an rw or a read-mostly class): its own in fine mode, Giant for
     * rows 3-10 in giant mode.
     */
    public SharedExclusiveLock rwlock(LockInventory c) {
        requireKind(c, LockKindOfRow.RW, LockKindOfRow.RM);
        if (usesGiant(c)) return giant;
        return c.kind() == LockKindOfRow.RM && readMostly ? new RmLock(c.className(), c.flags())
                                                         : new RwLock(c.className(), c.flags());
    }

    /** A sleepable sx lock of class {@code c} (sblock): its own in every mode. */
    public SharedExclusiveLock sxlock(LockInventory c) {
        requireKind(c, LockKindOfRow.SX);
        return new SxLock(c.className(), c.flags());
    }

    /** True if a request for {@code c} returns Giant in this instance's mode. */
    public boolean usesGiant(LockInventory c) {
        return mode == LockMode.GIANT && c.isGiantInGiantMode();
    }

    /**
     * Called by an entry point (ithread, netisr handler, timer, socket call after its sblock) before it runs
     * stack code and before it enters witness's handler context, with no stack lock held (sblock excepted).
     * Takes Giant in giant and giant-over-fine mode; no-op in fine mode.
     */
    public void enterEntryPoint() {
        if (mode != LockMode.FINE) giant.lock();
    }

    /** Undoes {@link #enterEntryPoint()}. */
    public void leaveEntryPoint() {
        if (mode != LockMode.FINE) giant.unlock();
    }

    /**
     * Enters a handler context, called by an ithread before it hands a batch up and by a netisr worker
     * before it runs a queued packet's handler, with no stack lock held: the entry point (Giant unless in
     * fine mode), then witness's context of {@code kind} (no sleeping, nothing held on return) inside it.
     */
    public void enterHandler(HandlerKind kind, String name) {
        enterEntryPoint();
        if (witness != null) witness.enterHandler(kind, name);
    }

    /** Undoes {@link #enterHandler}. */
    public void leaveHandler(HandlerKind kind, String name) {
        if (witness != null) witness.leaveHandler(kind, name);
        leaveEntryPoint();
    }

    /** Runs {@code body} between {@link #enterEntryPoint()} and {@link #leaveEntryPoint()}. */
    public void runEntryPoint(Runnable body) {
        enterEntryPoint();
        try {
            body.run();
        } finally {
            leaveEntryPoint();
        }
    }

    /**
     * Before a sleep that does not wait on Giant itself (FreeBSD's DROP_GIANT): releases every recursion
     * level of Giant if the caller holds it, so no other entry point stalls behind a sleeper. Returns the
     * depth to pass to {@link #pickupGiant(int)}. A condition-variable wait whose lock <em>is</em> Giant
     * needs no call: the wait drops Giant itself.
     */
    public int dropGiant() {
        return giant.isOwned() ? giant.releaseAll() : 0;
    }

    /** After the sleep: retakes Giant to the depth {@link #dropGiant()} returned (PICKUP_GIANT). */
    public void pickupGiant(int depth) {
        if (depth > 0) giant.reacquire(depth);
    }

    private static void requireKind(LockInventory c, LockKindOfRow... kinds) {
        for (LockKindOfRow k : kinds) if (c.kind() == k) return;
        throw new IllegalArgumentException(c.className() + " is a " + c.kind() + " class, not "
                + java.util.Arrays.toString(kinds));
    }

    @Override public String toString() { return "StackLocks[" + mode + "]"; }
}
