package smpnet.locking;

import smpnet.witness.LockKind;
import smpnet.witness.SleepKind;
import smpnet.witness.Witness;

/**
 * A reader/writer lock whose holders never sleep (FreeBSD rwlock(9)), e.g. {@code tcbinfo}: contention
 * blocks briefly, as on a mutex. Writer-preferring unless its class has
 * {@link smpnet.witness.LockFlags#READERS_PASS_WRITERS}; see {@link AbstractSharedLock} for the fairness
 * rule, hand-off, {@link #tryUpgrade} and {@link #downgrade}.
 */
@LockImplementation
public final class RwLock extends AbstractSharedLock {
    /** An rw lock of lock class {@code className}. */
    public RwLock(String className) { this(className, 0); }

    /** An rw lock of lock class {@code className} with {@link smpnet.witness.LockFlags} {@code flags}. */
    public RwLock(String className, int flags) { this(className, flags, Witness.active()); }

    RwLock(String className, int flags, Witness witness) { super(className, flags, LockKind.MUTEX, witness); }

    @Override
    String kindName() { return "rw"; }

    @Override
    SleepKind blockKind() { return SleepKind.MUTEX_CONTENTION; }
}
