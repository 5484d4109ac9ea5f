package smpnet.witness;

/**
 * What a lock of a class may be held across. Witness uses it to decide who may sleep holding what
 * (DESIGN.md, "Lock kinds, and who may sleep").
 */
public enum LockKind {
    /** Spins briefly, then yields. Nothing that blocks may happen while one is held. */
    SPIN,
    /** Blocks briefly when contended; its holder never sleeps (mutexes and rw locks). */
    MUTEX,
    /** May be held across a sleep (sx locks, sblock, Giant). */
    SLEEPABLE
}
