package smpnet.locking;

import java.util.concurrent.locks.ReentrantLock;
import smpnet.witness.LockClass;
import smpnet.witness.LockKind;
import smpnet.witness.Witness;

/** A sleep mutex (FreeBSD mtx(9) MTX_DEF). PLACEHOLDER implementation, to be replaced. */
public class Mutex implements ExclusiveLock {
    final ReentrantLock l = new ReentrantLock();
    final String name;
    final boolean recursable;
    final Witness w = Witness.active();
    final LockClass cls;

    public Mutex(String className) { this(className, 0); }

    public Mutex(String className, int flags) { this(className, flags, LockKind.MUTEX); }

    Mutex(String className, int flags, LockKind kind) {
        this.name = className;
        this.recursable = (flags & smpnet.witness.LockFlags.RECURSABLE) != 0;
        this.cls = w == null ? null : w.lockClass(className, kind, flags);
    }

    @Override public void lock() {
        if (w != null) w.checkOrder(this, cls, true, false);
        if (l.isHeldByCurrentThread() && !recursable) throw new LockAssertionError("recursed on non-recursive " + name);
        l.lock();
        if (w != null) w.locked(this, cls, true, false);
    }
    @Override public boolean tryLock() {
        if (l.isHeldByCurrentThread() && !recursable) return false;
        boolean ok = l.tryLock();
        if (ok && w != null) w.locked(this, cls, true, true);
        return ok;
    }
    @Override public void unlock() {
        if (!l.isHeldByCurrentThread()) throw new LockAssertionError("unlock of " + name + " not owned");
        if (w != null) w.unlocked(this, cls, true);
        l.unlock();
    }
    @Override public boolean isOwned() { return l.isHeldByCurrentThread(); }
    @Override public void assertOwned() { if (!isOwned()) throw new LockAssertionError(name + " not owned"); }
    @Override public void assertNotOwned() { if (isOwned()) throw new LockAssertionError(name + " owned"); }
    @Override public String className() { return name; }
    public int recursionDepth() { return l.getHoldCount(); }
}
