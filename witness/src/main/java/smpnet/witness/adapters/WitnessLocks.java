package smpnet.witness.adapters;

import smpnet.witness.LockClass;
import smpnet.witness.LockFlags;
import smpnet.witness.LockKind;
import smpnet.witness.Witness;

/**
 * Factory of witness-checked {@code java.util.concurrent} locks. Each lock belongs to a named class; orders
 * are learned between class names. When witness is off (see {@link Witness#active()}) the locks are plain
 * ReentrantLock / ReentrantReadWriteLock with one null check per operation.
 *
 * <p>Classes are RECURSABLE (both JDK locks are reentrant) and MUTEX kind: a thread must not sleep (wait on
 * another lock's condition, park) while holding one. A ReentrantReadWriteLock is writer-preferring (a
 * queued writer blocks new readers), so cycles through its read lock are reported.
 */
public final class WitnessLocks {
    private WitnessLocks() {}

    /** A non-fair ReentrantLock of class {@code className}, checked by the JVM's witness (if on). */
    public static WitnessReentrantLock reentrantLock(String className) {
        return reentrantLock(Witness.active(), className, false);
    }

    /** A ReentrantLock of class {@code className} checked by {@code witness} (null: unchecked). */
    public static WitnessReentrantLock reentrantLock(Witness witness, String className, boolean fair) {
        return new WitnessReentrantLock(witness, classOf(witness, className, LockFlags.RECURSABLE), fair);
    }

    /** A non-fair ReentrantReadWriteLock of class {@code className}, checked by the JVM's witness (if on). */
    public static WitnessReadWriteLock readWriteLock(String className) {
        return readWriteLock(Witness.active(), className, false);
    }

    /** A ReentrantReadWriteLock of class {@code className} checked by {@code witness} (null: unchecked). */
    public static WitnessReadWriteLock readWriteLock(Witness witness, String className, boolean fair) {
        return new WitnessReadWriteLock(witness, classOf(witness, className, LockFlags.RECURSABLE), fair);
    }

    private static LockClass classOf(Witness w, String name, int flags) {
        return w == null ? null : w.lockClass(name, LockKind.MUTEX, flags);
    }
}
