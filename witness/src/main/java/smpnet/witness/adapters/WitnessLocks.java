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
 * another lock's condition, park) while holding one. Other {@link LockFlags} are given with the
 * {@code flags} overloads (e.g. DUPOK for two "account" locks taken together in a known order) or by an
 * order file's class line, which a lock made without flags keeps. A ReentrantReadWriteLock is
 * writer-preferring (a queued writer blocks new readers), so cycles through its read lock are reported.
 */
public final class WitnessLocks {
    private WitnessLocks() {}

    /** A non-fair ReentrantLock of class {@code className}, checked by the JVM's witness (if on). */
    public static WitnessReentrantLock reentrantLock(String className) {
        return reentrantLock(className, 0);
    }

    /** A non-fair ReentrantLock of class {@code className} with these {@link LockFlags} (RECURSABLE is implied). */
    public static WitnessReentrantLock reentrantLock(String className, int flags) {
        Witness w = Witness.active();
        return new WitnessReentrantLock(w, className, classOf(w, className, flags), false, w == null);
    }

    /** A ReentrantLock of class {@code className} checked by {@code witness} (null: unchecked). */
    public static WitnessReentrantLock reentrantLock(Witness witness, String className, boolean fair) {
        return reentrantLock(witness, className, 0, fair);
    }

    /** A ReentrantLock of class {@code className} with these flags, checked by {@code witness} (null: unchecked). */
    public static WitnessReentrantLock reentrantLock(Witness witness, String className, int flags, boolean fair) {
        return new WitnessReentrantLock(witness, className, classOf(witness, className, flags), fair, false);
    }

    /** A non-fair ReentrantReadWriteLock of class {@code className}, checked by the JVM's witness (if on). */
    public static WitnessReadWriteLock readWriteLock(String className) {
        return readWriteLock(className, 0);
    }

    /** A non-fair ReentrantReadWriteLock of class {@code className} with these flags (RECURSABLE is implied). */
    public static WitnessReadWriteLock readWriteLock(String className, int flags) {
        Witness w = Witness.active();
        return new WitnessReadWriteLock(w, className, classOf(w, className, flags), false, w == null);
    }

    /** A ReentrantReadWriteLock of class {@code className} checked by {@code witness} (null: unchecked). */
    public static WitnessReadWriteLock readWriteLock(Witness witness, String className, boolean fair) {
        return readWriteLock(witness, className, 0, fair);
    }

    /** A ReentrantReadWriteLock of class {@code className} with these flags, checked by {@code witness}. */
    public static WitnessReadWriteLock readWriteLock(Witness witness, String className, int flags, boolean fair) {
        return new WitnessReadWriteLock(witness, className, classOf(witness, className, flags), fair, false);
    }

    private static LockClass classOf(Witness w, String name, int flags) {
        return w == null ? null : w.lockClassAtLeast(name, LockKind.MUTEX, flags | LockFlags.RECURSABLE);
    }
}
