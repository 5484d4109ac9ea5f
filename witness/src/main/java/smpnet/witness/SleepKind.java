package smpnet.witness;

/** Why a thread is about to block; reported to {@link Witness#sleeping}. */
public enum SleepKind {
    /** A condition variable wait; its interlock (the cv's own lock) is released by the wait. */
    CV_WAIT,
    /** A blocking acquisition of a sleepable lock (sx, sblock). */
    SX_ACQUIRE,
    /** An allocation that may wait for memory. */
    ALLOC_WAIT,
    /** Any other park: waiting for work, a timer, a socket. */
    PARK,
    /** Contention on a mutex: a short block, allowed while holding mutexes but not spin locks. */
    MUTEX_CONTENTION
}
