package smpnet.witness.adapters;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import smpnet.witness.LockClass;
import smpnet.witness.Witness;

/**
 * A ReentrantLock that reports to witness. A timed tryLock may wait, so it is checked like lock(); an
 * untimed tryLock never waits and adds no order (its lock still orders later acquisitions).
 */
public class WitnessReentrantLock extends ReentrantLock implements CheckedOps.Named {
    private static final long serialVersionUID = 1L;
    private final transient LockClass cls;
    private final transient CheckedOps ops;
    private final transient Runnable undoTry = super::unlock;

    private final String className;

    WitnessReentrantLock(Witness witness, String className, LockClass cls, boolean fair, boolean madeWhileOff) {
        super(fair);
        this.cls = cls;
        this.className = className;
        this.ops = new CheckedOps(witness, cls, this, madeWhileOff);
    }

    /** The class name it was made with (also when unchecked). */
    @Override
    public String className() { return className; }

    /** The witness class of this lock, or null when unchecked. */
    public LockClass lockClass() { return cls; }

    /**
     * A non-fair lock first tries to take the lock at once, as ReentrantLock's own lock() does, and then tells
     * witness in one hook; if it must wait, witness checks the order first (a reversal is reported before it
     * can deadlock). A fair lock never barges, so it always checks first.
     */
    @Override
    public void lock() {
        if (!isFair() && super.tryLock()) {
            ops.lockedWithoutWait(undoTry);
        } else {
            ops.lock(true, super::lock);
        }
    }

    @Override
    public void lockInterruptibly() throws InterruptedException { ops.lockInterruptibly(true, super::lockInterruptibly); }

    @Override
    public boolean tryLock() { return ops.tryLock(true, super.tryLock(), undoTry); }

    @Override
    public boolean tryLock(long timeout, TimeUnit unit) throws InterruptedException {
        return ops.tryLock(true, () -> super.tryLock(timeout, unit));
    }

    @Override
    public void unlock() { ops.unlock(true, super::unlock); }

    @Override
    public Condition newCondition() { return ops.condition(super.newCondition()); }
}
