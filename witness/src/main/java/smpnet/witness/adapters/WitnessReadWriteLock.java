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
public class WitnessReadWriteLock extends ReentrantReadWriteLock implements CheckedOps.Named {
    private static final long serialVersionUID = 1L;
    private final transient LockClass cls;
    private final CheckedReadLock readView;
    private final CheckedWriteLock writeView;

    private final String className;

    WitnessReadWriteLock(Witness witness, String className, LockClass cls, boolean fair, boolean madeWhileOff) {
        super(fair);
        this.cls = cls;
        this.className = className;
        CheckedOps ops = new CheckedOps(witness, cls, this, madeWhileOff);
        this.readView = new CheckedReadLock(this, ops);
        this.writeView = new CheckedWriteLock(this, ops);
    }

    /** The class name it was made with (also when unchecked). */
    @Override
    public String className() { return className; }

    /** The witness class of this lock, or null when unchecked. */
    public LockClass lockClass() { return cls; }

    @Override
    public ReentrantReadWriteLock.ReadLock readLock() { return readView; }

    @Override
    public ReentrantReadWriteLock.WriteLock writeLock() { return writeView; }

    /** The read side: shared acquisitions. */
    static final class CheckedReadLock extends ReentrantReadWriteLock.ReadLock {
        private static final long serialVersionUID = 1L;
        private final transient CheckedOps ops;
        private final transient Runnable undoTry = super::unlock;

        CheckedReadLock(WitnessReadWriteLock outer, CheckedOps ops) {
            super(outer);
            this.ops = ops;
        }

        @Override
        public void lock() { ops.lock(false, super::lock); }

        @Override
        public void lockInterruptibly() throws InterruptedException { ops.lockInterruptibly(false, super::lockInterruptibly); }

        @Override
        public boolean tryLock() { return ops.tryLock(false, super.tryLock(), undoTry); }

        @Override
        public boolean tryLock(long timeout, TimeUnit unit) throws InterruptedException {
            return ops.tryLock(false, () -> super.tryLock(timeout, unit));
        }

        @Override
        public void unlock() { ops.unlock(false, super::unlock); }
    }

    /** The write side: exclusive acquisitions; its conditions release this lock. */
    static final class CheckedWriteLock extends ReentrantReadWriteLock.WriteLock {
        private static final long serialVersionUID = 1L;
        private final transient CheckedOps ops;
        private final transient Runnable undoTry = super::unlock;

        CheckedWriteLock(WitnessReadWriteLock outer, CheckedOps ops) {
            super(outer);
            this.ops = ops;
        }

        @Override
        public void lock() { ops.lock(true, super::lock); }

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
}
