package smpnet.locking;

import java.util.concurrent.locks.ReentrantReadWriteLock;

/** A reader/writer lock whose holders never sleep (rwlock(9)). PLACEHOLDER implementation, to be replaced. */
public class RwLock implements SharedExclusiveLock {
    final ReentrantReadWriteLock l = new ReentrantReadWriteLock();
    final String name;

    public RwLock(String className) { this(className, 0); }
    public RwLock(String className, int flags) { this.name = className; }

    @Override public void lock() { l.writeLock().lock(); }
    @Override public boolean tryLock() { return l.writeLock().tryLock(); }
    @Override public void unlock() { l.writeLock().unlock(); }
    @Override public void lockShared() { l.readLock().lock(); }
    @Override public boolean tryLockShared() { return l.readLock().tryLock(); }
    @Override public void unlockShared() { l.readLock().unlock(); }
    @Override public boolean isOwned() { return l.isWriteLockedByCurrentThread(); }
    @Override public void assertOwned() { if (!isOwned()) throw new LockAssertionError(name + " not write-locked"); }
    @Override public void assertNotOwned() { if (isOwned() || l.getReadHoldCount() > 0) throw new LockAssertionError(name + " held"); }
    @Override public void assertLocked() { if (!isOwned() && l.getReadHoldCount() == 0) throw new LockAssertionError(name + " not held"); }
    @Override public String className() { return name; }
}
