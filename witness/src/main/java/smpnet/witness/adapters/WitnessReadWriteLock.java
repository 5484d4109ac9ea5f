package smpnet.witness.adapters;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import smpnet.witness.LockClass;
import smpnet.witness.Witness;

/**
 * A ReentrantReadWriteLock that reports to witness: the read lock as a shared, the write lock as an
 * exclusive acquisition of one lock (this object) of one class. Taking the write lock while holding the
 * read lock is reported as a recursion (the JDK lock would wait for itself forever).
 */
public class WitnessReadWriteLock extends ReentrantReadWriteLock {
    private static final long serialVersionUID = 1L;
    private final transient Witness witness;
    private final transient LockClass cls;
    private final CheckedReadLock readView;
    private final CheckedWriteLock writeView;

    WitnessReadWriteLock(Witness witness, LockClass cls, boolean fair) {
        super(fair);
        this.witness = witness;
        this.cls = cls;
        this.readView = new CheckedReadLock(this);
        this.writeView = new CheckedWriteLock(this);
    }

    /** The witness class of this lock, or null when unchecked. */
    public LockClass lockClass() { return cls; }

    @Override
    public ReentrantReadWriteLock.ReadLock readLock() { return readView; }

    @Override
    public ReentrantReadWriteLock.WriteLock writeLock() { return writeView; }

    void before(boolean exclusive) {
        if (witness != null) {
            witness.checkOrder(this, cls, exclusive, false);
        }
    }

    void after(boolean exclusive, boolean viaTry) {
        if (witness != null) {
            witness.locked(this, cls, exclusive, viaTry);
        }
    }

    void released(boolean exclusive) {
        if (witness != null) {
            witness.unlocked(this, cls, exclusive);
        }
    }

    /** The read side. */
    static final class CheckedReadLock extends ReentrantReadWriteLock.ReadLock {
        private static final long serialVersionUID = 1L;
        private final WitnessReadWriteLock outer;

        CheckedReadLock(WitnessReadWriteLock outer) {
            super(outer);
            this.outer = outer;
        }

        @Override
        public void lock() {
            outer.before(false);
            super.lock();
            outer.after(false, false);
        }

        @Override
        public void lockInterruptibly() throws InterruptedException {
            outer.before(false);
            super.lockInterruptibly();
            outer.after(false, false);
        }

        @Override
        public boolean tryLock() {
            boolean ok = super.tryLock();
            if (ok) {
                outer.after(false, true);
            }
            return ok;
        }

        @Override
        public boolean tryLock(long timeout, TimeUnit unit) throws InterruptedException {
            outer.before(false);
            boolean ok = super.tryLock(timeout, unit);
            if (ok) {
                outer.after(false, false);
            }
            return ok;
        }

        @Override
        public void unlock() {
            outer.released(false);
            super.unlock();
        }
    }

    /** The write side. */
    static final class CheckedWriteLock extends ReentrantReadWriteLock.WriteLock {
        private static final long serialVersionUID = 1L;
        private final WitnessReadWriteLock outer;

        CheckedWriteLock(WitnessReadWriteLock outer) {
            super(outer);
            this.outer = outer;
        }

        @Override
        public void lock() {
            outer.before(true);
            super.lock();
            outer.after(true, false);
        }

        @Override
        public void lockInterruptibly() throws InterruptedException {
            outer.before(true);
            super.lockInterruptibly();
            outer.after(true, false);
        }

        @Override
        public boolean tryLock() {
            boolean ok = super.tryLock();
            if (ok) {
                outer.after(true, true);
            }
            return ok;
        }

        @Override
        public boolean tryLock(long timeout, TimeUnit unit) throws InterruptedException {
            outer.before(true);
            boolean ok = super.tryLock(timeout, unit);
            if (ok) {
                outer.after(true, false);
            }
            return ok;
        }

        @Override
        public void unlock() {
            outer.released(true);
            super.unlock();
        }

        @Override
        public Condition newCondition() {
            Condition c = super.newCondition();
            return outer.witness == null ? c : new WitnessCondition(outer.witness, outer, c);
        }
    }
}
