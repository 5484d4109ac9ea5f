package smpnet.witness;

/** What witness does when it finds a lock-order reversal or a misuse. */
public enum Policy {
    /** Throw a {@link WitnessException} from the hook that found it (before the lock is taken, for orders). */
    THROW,
    /** Print the report once per pair (per kind and classes for misuse) and go on. The default. */
    WARN,
    /** Only record and count: see {@link Witness#reports()}. */
    COUNT
}
