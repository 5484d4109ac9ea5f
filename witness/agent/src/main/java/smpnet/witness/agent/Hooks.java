package smpnet.witness.agent;

import java.util.Date;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.Lock;
import smpnet.witness.LockClass;
import smpnet.witness.SleepKind;
import smpnet.witness.ThreadState;
import smpnet.witness.Witness;
import smpnet.witness.WitnessException;

/**
 * What rewritten bytecode calls (see {@link LockRewriter}): every hook tells witness what the instruction
 * it stands next to does, following witness's hook contract. Public only because classes of every package
 * call it; not an API.
 *
 * <p>A monitor is checked and recorded right before {@code monitorenter} (so a reversal is reported
 * before the thread can block); its release is recorded before {@code monitorexit}. A release hook never
 * throws, whatever the policy: a {@code monitorexit} that failed would leave the monitor held, and javac's
 * handler around it would run it again.
 *
 * <p>Locking key: no state of its own; {@link #install} publishes the two fields once, before any class is
 * rewritten.
 */
public final class Hooks {
    private static Witness witness;
    private static LockNames names;
    /**
     * The monitors each thread holds, with their classes, so that a release finds its class without a
     * lookup: for a JDK object that lookup would hash an object while it is locked, which HotSpot does
     * only on its slow path (measured: ten times the cost of the whole block).
     */
    private static final ThreadLocal<MonitorStack> HELD = ThreadLocal.withInitial(MonitorStack::new);

    /** One thread's held monitors, innermost last (confined to its thread). */
    private static final class MonitorStack {
        private Object[] objects = new Object[8];
        private LockClass[] classes = new LockClass[8];
        private int depth;
        /** Witness's state of this thread (null until its first monitor): saves witness's own thread-local reads. */
        private ThreadState state;
        /** The last type this thread locked, and its class or LockNames.PER_OBJECT: loops lock one type often. */
        private Class<?> lastType;
        private Object lastKind;

        /** The class of monitor {@code o}; the shared map of types is read only when the type changes. */
        LockClass classOf(Object o, String hint) {
            Class<?> type = o.getClass();
            if (type != lastType) {
                lastKind = names.kind(type);
                lastType = type;
            }
            return lastKind != LockNames.PER_OBJECT ? (LockClass) lastKind : names.objectClass(o, hint);
        }

        void push(Object o, LockClass c) {
            if (depth == objects.length) {
                objects = java.util.Arrays.copyOf(objects, depth * 2);
                classes = java.util.Arrays.copyOf(classes, depth * 2);
            }
            objects[depth] = o;
            classes[depth++] = c;
        }

        /** The class {@code o} was entered with, removing its innermost entry; null if it is not here. */
        LockClass pop(Object o) {
            for (int i = depth - 1; i >= 0; i--) {
                if (objects[i] == o) {
                    LockClass c = classes[i];
                    System.arraycopy(objects, i + 1, objects, i, depth - i - 1);
                    System.arraycopy(classes, i + 1, classes, i, depth - i - 1);
                    objects[--depth] = null;
                    classes[depth] = null;
                    return c;
                }
            }
            return null;
        }
    }

    private Hooks() {}

    static void install(Witness w, LockNames n) {
        witness = w;
        names = n;
    }

    // ---- monitors ----

    /**
     * Right before {@code monitorenter}: checks and records the monitor as held (a thread blocked on it
     * shows it held). Nothing may run after monitorenter outside javac's handler range (see LockRewriter).
     */
    public static void monitorEnter(Object o, String hint) {
        if (o != null) { // else monitorenter throws the NullPointerException
            MonitorStack held = HELD.get();
            LockClass c = held.classOf(o, hint);
            held.state = witness.checkOrder(held.state, o, c, true);
            held.state = witness.locked(held.state, o, c, true, false);
            held.push(o, c);
        }
    }

    public static void monitorExit(Object o, String hint) {
        if (o != null) {
            MonitorStack held = HELD.get();
            LockClass c = held.pop(o);
            if (c == null) { // entered before the agent, or by code it did not rewrite
                c = names.monitor(o, hint);
            }
            try {
                held.state = witness.unlocked(held.state, o, c, true);
            } catch (WitnessException e) {
                // recorded and told to the listeners already; the monitor must still be released
            }
        }
    }

    /**
     * A synchronized method was entered: the JVM took the monitor before any code of the method ran, so it
     * is checked and recorded at once, and cannot be refused (a throw here would skip the exit hook).
     */
    public static void synchronizedEntered(Object o) {
        MonitorStack held = HELD.get();
        entered(held, o, held.classOf(o, null));
    }

    /** Checks and records a monitor the JVM already took: a report cannot refuse it. */
    private static void entered(MonitorStack held, Object o, LockClass c) {
        try {
            held.state = witness.checkOrder(held.state, o, c, true);
        } catch (WitnessException e) {
            // recorded and told to the listeners already
        }
        held.state = witness.locked(held.state, o, c, true, false);
        held.push(o, c);
    }

    public static void synchronizedExited(Object o) {
        monitorExit(o, null);
    }

    /** A static synchronized method was entered: its monitor is the class, named here by its name. */
    public static void staticSynchronizedEntered(Class<?> type, String typeName) {
        entered(HELD.get(), type, names.classMonitor(typeName));
    }

    public static void staticSynchronizedExited(Class<?> type, String typeName) {
        monitorExit(type, typeName + ".class");
    }

    /** The object a rewritten allocation just constructed, before it is stored or used. */
    public static void allocated(Object o, String name) {
        names.allocated(o, name);
    }

    // ---- sleeping ----

    public static void waitOn(Object o) throws InterruptedException {
        witness.sleeping(SleepKind.CV_WAIT, o);
        o.wait();
    }

    public static void waitOn(Object o, long ms) throws InterruptedException {
        witness.sleeping(SleepKind.CV_WAIT, o);
        o.wait(ms);
    }

    public static void waitOn(Object o, long ms, int ns) throws InterruptedException {
        witness.sleeping(SleepKind.CV_WAIT, o);
        o.wait(ms, ns);
    }

    /** Before Thread.sleep or LockSupport.park*: a sleep that releases nothing. */
    public static void sleeping() {
        witness.sleeping(SleepKind.PARK, null);
    }

    // ---- java.util.concurrent.locks ----

    public static void lock(Lock l, String hint) {
        LockNames.Named n = names.lock(l, hint);
        ThreadState ts = witness.checkOrder(null, n.identity(), n.cls(), n.exclusive());
        l.lock();
        taken(ts, l, n, false);
    }

    public static void lockInterruptibly(Lock l, String hint) throws InterruptedException {
        LockNames.Named n = names.lock(l, hint);
        ThreadState ts = witness.checkOrder(null, n.identity(), n.cls(), n.exclusive());
        l.lockInterruptibly();
        taken(ts, l, n, false);
    }

    /** An untimed try never waits: not checked against the held locks, recorded if it succeeded. */
    public static boolean tryLock(Lock l, String hint) {
        boolean ok = l.tryLock();
        if (ok) {
            taken(null, l, names.lock(l, hint), true);
        }
        return ok;
    }

    /** A timed try may wait: checked like a blocking acquisition. */
    public static boolean tryLock(Lock l, long time, TimeUnit unit, String hint) throws InterruptedException {
        LockNames.Named n = names.lock(l, hint);
        ThreadState ts = witness.checkOrder(null, n.identity(), n.cls(), n.exclusive());
        boolean ok = l.tryLock(time, unit);
        if (ok) {
            taken(ts, l, n, false);
        }
        return ok;
    }

    /**
     * Records a lock just taken. Under THROW witness may refuse a hold it sees only now (a recursion or
     * duplicate after a try): the lock is then released before the exception leaves, so a call that did
     * not return normally never leaves it taken.
     */
    private static void taken(ThreadState ts, Lock l, LockNames.Named n, boolean viaTry) {
        try {
            witness.locked(ts, n.identity(), n.cls(), n.exclusive(), viaTry);
        } catch (WitnessException e) {
            l.unlock();
            throw e;
        }
    }

    public static void unlock(Lock l, String hint) {
        LockNames.Named n = names.lock(l, hint);
        l.unlock(); // first: an unlock of a lock not held throws IllegalMonitorStateException as it always did
        try {
            witness.unlocked(n.identity(), n.cls(), n.exclusive());
        } catch (WitnessException e) {
            // recorded and told to the listeners already; the lock is released
        }
    }

    public static Condition newCondition(Lock l, String hint) {
        Condition c = l.newCondition();
        names.condition(c, names.lock(l, hint).identity());
        return c;
    }

    private static void awaiting(Condition c) {
        Object interlock = names.conditionLock(c);
        if (interlock != null) {
            witness.sleeping(SleepKind.CV_WAIT, interlock);
        }
    }

    public static void await(Condition c) throws InterruptedException {
        awaiting(c);
        c.await();
    }

    public static boolean await(Condition c, long time, TimeUnit unit) throws InterruptedException {
        awaiting(c);
        return c.await(time, unit);
    }

    public static long awaitNanos(Condition c, long nanos) throws InterruptedException {
        awaiting(c);
        return c.awaitNanos(nanos);
    }

    public static void awaitUninterruptibly(Condition c) {
        awaiting(c);
        c.awaitUninterruptibly();
    }

    public static boolean awaitUntil(Condition c, Date deadline) throws InterruptedException {
        awaiting(c);
        return c.awaitUntil(deadline);
    }
}
