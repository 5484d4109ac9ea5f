package smpnet.witness;

/** A lock that only reports to witness (it never blocks): lets tests replay orders without deadlocking. */
final class FakeLock {
    final Witness w;
    final LockClass cls;

    FakeLock(Witness w, LockClass cls) {
        this.w = w;
        this.cls = cls;
    }

    static FakeLock mutex(Witness w, String name) { return of(w, name, LockKind.MUTEX, 0); }

    /** One MUTEX-kind lock per name. */
    static FakeLock[] mutexes(Witness w, String... names) {
        FakeLock[] ls = new FakeLock[names.length];
        for (int i = 0; i < names.length; i++) {
            ls[i] = mutex(w, names[i]);
        }
        return ls;
    }

    /** A fresh witness that only counts: the tests read its reports. */
    static Witness countingWitness() {
        Witness w = Witness.newInstanceForTesting();
        w.setPolicy(Policy.COUNT);
        return w;
    }

    static FakeLock of(Witness w, String name, LockKind kind, int flags) {
        return new FakeLock(w, w.lockClass(name, kind, flags));
    }

    FakeLock lock() { return lock(true); }

    FakeLock lockShared() { return lock(false); }

    FakeLock lock(boolean exclusive) {
        w.checkOrder(this, cls, exclusive, false);
        w.locked(this, cls, exclusive, false);
        return this;
    }

    /** A blocking acquisition that found the lock free: the one-step hook ({@link Witness#acquired}). */
    FakeLock acquire() {
        w.acquired(null, this, cls, true);
        return this;
    }

    FakeLock tryLock() {
        w.locked(this, cls, true, true);
        return this;
    }

    void unlock() { w.unlocked(this, cls, true); }

    void unlockShared() { w.unlocked(this, cls, false); }

    @Override
    public String toString() { return cls.name(); }
}
