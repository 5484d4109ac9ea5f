package smpnet.witness;

/**
 * A lock class: the name shared by all locks of one kind (e.g. "inp", "so_rcv"), with its kind and flags.
 * Orders are learned between classes, not between lock instances. Obtain one with
 * {@link Witness#lockClass(String, LockKind, int)}; the same name always yields the same class.
 *
 * <p>A class named by a declared order, a blessing or an imported order before any lock of it exists is
 * <em>provisional</em>: it takes its kind and flags from the first {@code lockClass} call that names it.
 */
public final class LockClass {
    private final String name;
    private final int id;
    final Witness owner;
    /**
     * The owner, unless the class is NOWITNESS (then null): lets a hook decide with one compare. Plain: it
     * changes only when a provisional class settles, before the class reaches any lock (see below).
     */
    Witness checkedBy;
    // Written once when a provisional class settles (under the owner's registry monitor), before the
    // class is returned to the lock that will use it; locks keep it in final fields, which publishes it.
    private LockKind kind;
    private int flags;
    private volatile boolean provisional;
    /** What this class adds to a chain key when taken exclusive / shared (see ThreadState#extend). */
    private final long tokenExclusive;
    private final long tokenShared;

    LockClass(Witness owner, String name, LockKind kind, int flags, int id, boolean provisional) {
        this.owner = owner;
        this.name = name;
        this.kind = kind;
        this.flags = flags;
        this.id = id;
        this.tokenExclusive = ThreadState.tokenOf(id, true);
        this.tokenShared = ThreadState.tokenOf(id, false);
        this.provisional = provisional;
        this.checkedBy = (flags & LockFlags.NOWITNESS) != 0 ? null : owner;
    }

    public String name() { return name; }
    public LockKind kind() { return kind; }
    public int flags() { return flags; }
    /** Dense id, 0..n-1, in order of registration. */
    public int id() { return id; }
    public boolean has(int flag) { return (flags & flag) != 0; }

    long token(boolean exclusive) { return exclusive ? tokenExclusive : tokenShared; }

    boolean provisional() { return provisional; }

    /** Gives a provisional class the kind and flags of its first real registration. */
    void settle(LockKind k, int f) {
        kind = k;
        flags = f;
        checkedBy = (f & LockFlags.NOWITNESS) != 0 ? null : owner;
        provisional = false;
    }

    @Override
    public String toString() { return name; }
}
