package smpnet.stack.internal.locks;

/** The kind of lock an inventory row asks for (DESIGN.md, "Lock inventory and order"). */
public enum LockKindOfRow {
    /** A recursive sleep mutex: only Giant. */
    GIANT,
    /** A sleepable shared/exclusive lock (sx). */
    SX,
    /** A reader/writer lock whose holders never sleep. */
    RW,
    /**
     * A read-mostly reader/writer lock (FreeBSD's rmlock): the same rules as {@link #RW}, for tables read
     * on every packet and written only when the configuration changes; readers count themselves per CPU,
     * so they share no cache line, and writers pay for it.
     */
    RM,
    /** A sleep mutex (blocks briefly, its holder never sleeps). */
    MUTEX,
    /** A spin mutex: nothing that blocks may happen while it is held. */
    SPIN
}
