package smpnet.locking;

import smpnet.witness.LockKind;
import smpnet.witness.SleepKind;
import smpnet.witness.Witness;

/**
 * A shared/exclusive sleepable lock (FreeBSD sx(9)), e.g. {@code sblock}: it may be held across a sleep (a
 * cv wait on another lock, a blocking allocation), so a mutex holder may not acquire one. Writer-preferring
 * unless its class has {@link smpnet.witness.LockFlags#READERS_PASS_WRITERS}; see {@link AbstractSharedLock}
 * for the fairness rule, hand-off, {@link #tryUpgrade} and {@link #downgrade}.
 */
@LockImplementation
public final class SxLock extends AbstractSharedLock {
    /** An sx lock of lock class {@code className}. */
    public SxLock(String className) { this(className, 0); }

    /** An sx lock of lock class {@code className} with {@link smpnet.witness.LockFlags} {@code flags}. */
    public SxLock(String className, int flags) { this(className, flags, Witness.active()); }

    SxLock(String className, int flags, Witness witness) { super(className, flags, LockKind.SLEEPABLE, witness); }

    @Override
    String kindName() { return "sx"; }

    @Override
    SleepKind blockKind() { return SleepKind.SX_ACQUIRE; }
}
