package smpnet.witness;

/**
 * A lock class: the name shared by all locks of one kind (e.g. "inp", "so_rcv"), with its kind and flags.
 * Orders are learned between classes, not between lock instances. Obtain one with
 * {@link Witness#lockClass(String, LockKind, int)}; the same name always yields the same class.
 */
public final class LockClass {
    private final String name;
    private final LockKind kind;
    private final int flags;
    private final int id;

    LockClass(String name, LockKind kind, int flags, int id) {
        this.name = name;
        this.kind = kind;
        this.flags = flags;
        this.id = id;
    }

    public String name() { return name; }
    public LockKind kind() { return kind; }
    public int flags() { return flags; }
    /** Dense id, 0..n-1, in order of registration. */
    public int id() { return id; }
    public boolean has(int flag) { return (flags & flag) != 0; }

    @Override
    public String toString() { return name; }
}
