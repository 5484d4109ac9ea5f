package smpnet.witness.adapters;

import java.util.concurrent.locks.Condition;
import smpnet.witness.LockClass;
import smpnet.witness.ThreadState;
import smpnet.witness.Witness;
import smpnet.witness.WitnessException;

/**
 * The witness side of every adapter operation, shared by the ReentrantLock and ReentrantReadWriteLock
 * adapters: report, run the JDK operation, report. With a null witness it only runs the operation.
 */
final class CheckedOps {
    /** A JDK acquisition that may be interrupted. */
    interface Interruptible {
        void run() throws InterruptedException;
    }

    /** A timed JDK try-acquisition. */
    interface Timed {
        boolean run() throws InterruptedException;
    }

    private final Witness witness;
    private final LockClass cls;
    private final Object lock;
    /** Witness's state of the thread that last used the lock: a hint any thread may overwrite (see ThreadState). */
    private ThreadState wts;

    /** Made unchecked because the JVM's witness was off: its use once witness is on is reported. */
    private final boolean madeWhileOff;

    CheckedOps(Witness witness, LockClass cls, Object lock, boolean madeWhileOff) {
        this.witness = witness;
        this.cls = cls;
        this.lock = lock;
        this.madeWhileOff = madeWhileOff;
    }

    void lock(boolean exclusive, Runnable acquire) {
        before(exclusive);
        acquire.run();
        after(exclusive, false);
    }

    /**
     * A blocking acquisition that took the lock at once (it was free, or already the caller's): order check
     * and hold in one witness hook. If witness refuses it (THROW), {@code undo} gives back what was taken.
     */
    void lockedWithoutWait(Runnable undo) {
        if (witness == null) {
            after(true, false);
            return;
        }
        try {
            keep(witness.acquired(wts, lock, cls, true));
        } catch (WitnessException e) {
            undo.run();
            throw e;
        }
    }

    void lockInterruptibly(boolean exclusive, Interruptible acquire) throws InterruptedException {
        before(exclusive);
        acquire.run();
        after(exclusive, false);
    }

    /**
     * An untimed try never waits: no order check; a success is recorded as a try. If witness refuses it
     * (THROW: DUPLICATE, RECURSION), {@code undo} releases what the JDK lock took before the exception goes
     * on: the caller, who gets no "true", must not be left holding it.
     */
    boolean tryLock(boolean exclusive, boolean obtained, Runnable undo) {
        if (obtained && witness == null) {
            after(exclusive, true);
        } else if (obtained) {
            try {
                keep(witness.locked(wts, lock, cls, exclusive, true));
            } catch (WitnessException e) {
                undo.run();
                throw e;
            }
        }
        return obtained;
    }

    /** A timed try may wait, so it is checked like a blocking acquisition. */
    boolean tryLock(boolean exclusive, Timed attempt) throws InterruptedException {
        before(exclusive);
        boolean ok = attempt.run();
        if (ok) {
            after(exclusive, false);
        }
        return ok;
    }

    void unlock(boolean exclusive, Runnable release) {
        if (witness != null) {
            keep(witness.unlocked(wts, lock, cls, exclusive));
        }
        release.run();
    }

    Condition condition(Condition c) {
        return witness == null ? c : new WitnessCondition(witness, lock, c);
    }

    private void before(boolean exclusive) {
        if (witness != null) {
            keep(witness.checkOrder(wts, lock, cls, exclusive));
        }
    }

    private void after(boolean exclusive, boolean viaTry) {
        if (witness != null) {
            keep(witness.locked(wts, lock, cls, exclusive, viaTry));
        } else if (madeWhileOff && Witness.switchedOnLate()) {
            Witness.uncheckedLockUsed(((Named) lock).className());
        }
    }

    /** An adapter lock knows the class name it was made with, checked or not. */
    interface Named {
        String className();
    }

    private void keep(ThreadState ts) {
        if (ts != wts) {
            wts = ts;
        }
    }
}
