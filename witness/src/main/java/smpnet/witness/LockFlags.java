package smpnet.witness;

/** Bit flags of a lock class, as in FreeBSD's lock_init(9) options. */
public final class LockFlags {
    private LockFlags() {}

    /** A thread may take a lock of this class again while holding it. */
    public static final int RECURSABLE = 1;
    /** Several locks of this class may be held at once (e.g. a listener's pcb and its new connection's). */
    public static final int DUPOK = 1 << 1;
    /** Witness ignores locks of this class entirely. */
    public static final int NOWITNESS = 1 << 2;
    /** Witness checks this class but never prints about it (reports still count). */
    public static final int QUIET = 1 << 3;
    /**
     * Readers may enter while a writer waits (recursive read): a cycle that passes only through read
     * acquisitions of such classes cannot deadlock and is not reported.
     */
    public static final int READERS_PASS_WRITERS = 1 << 4;
}
