package smpnet.witness;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The lock-order verifier of one JVM (like a kernel's WITNESS). Lock implementations report events to it;
 * it learns the order of lock classes and reports reversals and misuse.
 *
 * <p>Hook contract for lock implementations (smpnet's {@code locking} module, or adapters):
 * <pre>
 *   blocking acquire:  checkOrder(lock, cls, excl, false); ...wait...; locked(lock, cls, excl, false)
 *   try acquire:       if (obtained) locked(lock, cls, excl, true)    (checkOrder is not called)
 *   release:           unlocked(lock, cls, excl)
 *   about to block:    sleeping(kind, interlockOrNull)
 * </pre>
 * A lock reads {@link #active()} once, when it is created, and keeps the result in a final field: when
 * witness is off that field is null and each hook costs one field read.
 */
public final class Witness {
    /** System property that switches witness on at start-up: {@code -Dsmpnet.witness=on}. */
    public static final String PROPERTY = "smpnet.witness";

    private static volatile Witness instance;

    private final ConcurrentHashMap<String, LockClass> classes = new ConcurrentHashMap<>();
    private final AtomicInteger nextClassId = new AtomicInteger();

    private Witness() {}

    /** The verifier if witness is on, else null. Locks call this once, at construction. */
    public static Witness active() {
        Witness w = instance;
        if (w == null && on(System.getProperty(PROPERTY))) {
            w = enable();
        }
        return w;
    }

    /** Switches witness on for this JVM (idempotent) and returns it. Locks created before stay unchecked. */
    public static synchronized Witness enable() {
        if (instance == null) {
            instance = new Witness();
        }
        return instance;
    }

    private static boolean on(String v) {
        return v != null && (v.equals("on") || v.equals("true") || v.equals("1") || v.isEmpty());
    }

    /** The class named {@code name}, registered on first use. */
    public LockClass lockClass(String name, LockKind kind, int flags) {
        return classes.computeIfAbsent(name, n -> new LockClass(n, kind, flags, nextClassId.getAndIncrement()));
    }

    /** Before a blocking acquisition: checks {@code cls} against every class the thread holds. */
    public void checkOrder(Object lock, LockClass cls, boolean exclusive, boolean tryLock) {}

    /** After the lock was obtained (blocking or try). Records it as held; checks recursion. */
    public void locked(Object lock, LockClass cls, boolean exclusive, boolean tryLock) {}

    /** On release. Reports a release of a lock the thread does not hold. */
    public void unlocked(Object lock, LockClass cls, boolean exclusive) {}

    /** A shared hold became exclusive (upgrade) or the reverse (downgrade). */
    public void upgraded(Object lock, LockClass cls) {}

    public void downgraded(Object lock, LockClass cls) {}

    /** The current thread is about to block; {@code interlock} is the lock the wait releases, or null. */
    public void sleeping(SleepKind kind, Object interlock) {}

    /** The current thread enters an ithread/netisr/callout handler. */
    public void enterHandler(HandlerKind kind, String name) {}

    /** The handler returned: reports any lock still held. */
    public void leaveHandler(HandlerKind kind, String name) {}
}
