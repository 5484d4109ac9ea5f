package smpnet.witness.agent;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import smpnet.witness.LockClass;
import smpnet.witness.LockFlags;
import smpnet.witness.LockKind;
import smpnet.witness.Witness;

/**
 * Which witness lock class an object belongs to, for code that never named its locks.
 *
 * <ul>
 *   <li>A monitor of an object of an application class: the object's class ({@code org.app.Account}), as
 *       {@code synchronized(this)} and synchronized methods lock "an account".</li>
 *   <li>A monitor of a {@code Class}: {@code org.app.Account.class} (static synchronized methods).</li>
 *   <li>A monitor of a JDK object ({@code new Object()}, a list) and every {@code java.util.concurrent}
 *       lock: the field it was stored in when allocated ({@code org.app.Bank.lock}) or else its allocation
 *       site ({@code org.app.Bank.transfer}); a lock allocated where the agent could not see it takes the
 *       field it was read from, or the method, at its first acquisition. The name sticks to the object.</li>
 * </ul>
 * Every class is a {@code MUTEX} (its holder should not sleep), {@code RECURSABLE} (monitors and the JDK
 * locks are reentrant) and, unless the agent's {@code dupok=off} option says otherwise, {@code DUPOK}:
 * two locks from one site may be held together, as two accounts are in a transfer.
 *
 * <p>Locking key: the maps are concurrent; a name is fixed by the first thread to store it.
 */
final class LockNames {
    /** A lock as witness sees it: the object it keys holds by, its class, and the mode of this view. */
    record Named(Object identity, LockClass cls, boolean exclusive) {}

    private final Witness witness;
    private final int flags;
    /** What {@link #byClass} holds for a JDK type: its objects are named one by one, in {@link #objects}. */
    static final Object PER_OBJECT = new Object();
    /**
     * The class of an application type's monitors, or PER_OBJECT: one lookup decides both (a hot path). A
     * ConcurrentHashMap, not a ClassValue: measured on JDK 25, ClassValue.get cost about ten times more here.
     */
    private final ConcurrentHashMap<Class<?>, Object> byClass = new ConcurrentHashMap<>();
    /** Monitors of Class objects (static synchronized methods), by the class's name: hashing a locked object is slow. */
    private final ConcurrentHashMap<String, LockClass> byClassName = new ConcurrentHashMap<>();
    private final IdentityWeakMap<Named> objects = new IdentityWeakMap<>();
    /** A condition's lock (the interlock its waits release). */
    private final IdentityWeakMap<Object> conditions = new IdentityWeakMap<>();
    /** ReentrantReadWriteLock.ReadLock.sync / WriteLock.sync: the state both views of one lock share. */
    private final VarHandle readSync;
    private final VarHandle writeSync;

    LockNames(Witness witness, boolean dupok) {
        this.witness = witness;
        this.flags = LockFlags.RECURSABLE | (dupok ? LockFlags.DUPOK : 0);
        this.readSync = syncField(ReentrantReadWriteLock.ReadLock.class);
        this.writeSync = syncField(ReentrantReadWriteLock.WriteLock.class);
    }

    /** Needs java.util.concurrent.locks opened to the agent (WitnessAgent does it); null when it is not. */
    private static VarHandle syncField(Class<?> view) {
        try {
            return MethodHandles.privateLookupIn(view, MethodHandles.lookup())
                    .findVarHandle(view, "sync", Class.forName("java.util.concurrent.locks.ReentrantReadWriteLock$Sync"));
        } catch (ReflectiveOperationException | IllegalAccessError | SecurityException e) {
            return null;
        }
    }

    LockClass lockClass(String name) {
        return witness.lockClass(name, LockKind.MUTEX, flags);
    }

    /** The class of a monitor; {@code hint} names it if it is a JDK object seen for the first time. */
    LockClass monitor(Object o, String hint) {
        Object k = kind(o.getClass());
        return k != PER_OBJECT ? (LockClass) k : objectClass(o, hint);
    }

    /** The class of every monitor of this type, or PER_OBJECT when its objects are named one by one. */
    Object kind(Class<?> type) {
        return type == Class.class ? PER_OBJECT : perType(type);
    }

    /** The class of a monitor whose type's {@link #kind} is PER_OBJECT: a Class, or a JDK object. */
    LockClass objectClass(Object o, String hint) {
        if (o instanceof Class) {
            return classMonitor(((Class<?>) o).getName());
        }
        Named n = objects.get(o);
        return n != null ? n.cls()
                : objects.putIfAbsent(o, new Named(o, lockClass(hint != null ? hint : o.getClass().getName()), true)).cls();
    }

    private Object perType(Class<?> type) {
        Object c = byClass.get(type);
        return c != null ? c : byClass.computeIfAbsent(type, t -> isJdk(t) ? PER_OBJECT : lockClass(t.getName()));
    }

    /** The class of the monitor of the class named {@code typeName} (static synchronized methods). */
    LockClass classMonitor(String typeName) {
        LockClass c = byClassName.get(typeName);
        return c != null ? c : byClassName.computeIfAbsent(typeName, n -> lockClass(n + ".class"));
    }

    private static boolean isJdk(Class<?> type) {
        String n = type.getName();
        return n.startsWith("java.") || n.startsWith("javax.") || n.startsWith("jdk.") || n.startsWith("sun.");
    }

    /** A java.util.concurrent lock as witness sees it, named by {@code hint} at first sight. */
    Named lock(Lock l, String hint) {
        Named n = objects.get(l);
        return n != null ? n : name(l, hint);
    }

    /** Gives a newly allocated lock (or monitor object) the name of its field or allocation site. */
    void allocated(Object o, String name) {
        if (o instanceof ReentrantReadWriteLock) {
            ReentrantReadWriteLock rw = (ReentrantReadWriteLock) o;
            LockClass c = lockClass(name);
            objects.putIfAbsent(rw.readLock(), new Named(rw, c, false));
            objects.putIfAbsent(rw.writeLock(), new Named(rw, c, true));
        } else {
            name(o, name);
        }
    }

    private Named name(Object l, String name) {
        boolean shared = l instanceof ReentrantReadWriteLock.ReadLock;
        Object identity = l;
        if (shared && readSync != null) {
            identity = readSync.get(l);
        } else if (l instanceof ReentrantReadWriteLock.WriteLock && writeSync != null) {
            identity = writeSync.get(l);
        }
        return objects.putIfAbsent(l, new Named(identity, lockClass(name), !shared));
    }

    void condition(Object condition, Object lockIdentity) {
        conditions.putIfAbsent(condition, lockIdentity);
    }

    /** The identity of the lock a condition belongs to, or null when its creation was not seen. */
    Object conditionLock(Object condition) {
        return conditions.get(condition);
    }
}
