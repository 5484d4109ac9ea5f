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
public class WitnessReentrantLock extends ReentrantLock {
    private static final long serialVersionUID = 1L;
    private final transient Witness witness;
    private final transient LockClass cls;

    WitnessReentrantLock(Witness witness, LockClass cls, boolean fair) {
        super(fair);
        this.witness = witness;
        this.cls = cls;
    }

    /** The witness class of this lock, or null when unchecked. */
    public LockClass lockClass() { return cls; }

    @Override
    public void lock() {
        if (witness != null) {
            witness.checkOrder(this, cls, true, false);
        }
        super.lock();
        held(false);
    }

    @Override
    public void lockInterruptibly() throws InterruptedException {
        if (witness != null) {
            witness.checkOrder(this, cls, true, false);
        }
        super.lockInterruptibly();
        held(false);
    }

    @Override
    public boolean tryLock() {
        boolean ok = super.tryLock();
        if (ok) {
            held(true);
        }
        return ok;
    }

    @Override
    public boolean tryLock(long timeout, TimeUnit unit) throws InterruptedException {
        if (witness != null) {
            witness.checkOrder(this, cls, true, false);
        }
        boolean ok = super.tryLock(timeout, unit);
        if (ok) {
            held(false);
        }
        return ok;
    }

    private void held(boolean viaTry) {
        if (witness != null) {
            witness.locked(this, cls, true, viaTry);
        }
    }

    @Override
    public void unlock() {
        if (witness != null) {
            witness.unlocked(this, cls, true);
        }
        super.unlock();
    }

    @Override
    public Condition newCondition() {
        Condition c = super.newCondition();
        return witness == null ? c : new WitnessCondition(witness, this, c);
    }
}
