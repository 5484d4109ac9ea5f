package smpnet.stack.mbuf;

import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import smpnet.stack.mbuf.Mbuf;
import smpnet.stack.mbuf.MbufMisuseException;

/**
 * External storage of mbufs (FreeBSD's m_ext): a cluster from the cluster zone or a caller's region, shared
 * by every mbuf that references it. Its completion runs exactly once, on the thread that drops the last
 * reference, and never while a reference remains: that is how a zero-copy sender learns its region is free.
 *
 * <p>Lock-free: {@code refs} changes only by compare-and-set; a reference can only be added by an owner of
 * an existing one, so once the count reaches 0 nobody can raise it again.
 */
final class ExtStorage {
    private static final VarHandle REFS;

    static {
        try {
            REFS = MethodHandles.lookup().findVarHandle(ExtStorage.class, "refs", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final MemorySegment segment;
    private final boolean readOnly;
    private final Runnable completion;
    /** Its name's parts (see {@link #name}): the name is built only when asked for, never per packet. */
    private final String kind;
    private final long id;
    private final int generation;
    @SuppressWarnings("unused") // through REFS
    private volatile int refs = 1;

    /** Storage named {@code kind#id}, or {@code kind#id.generation} when {@code generation} is not negative. */
    ExtStorage(MemorySegment segment, boolean readOnly, Runnable completion, String kind, long id, int generation) {
        this.segment = segment;
        this.readOnly = readOnly;
        this.completion = completion;
        this.kind = kind;
        this.id = id;
        this.generation = generation;
    }

    /** The whole region (an mbuf uses a window of it). */
    MemorySegment segment() { return segment; }

    /** The number of mbufs referencing it (0 once completed). */
    public int refCount() { return (int) REFS.getVolatile(this); }

    /** True if its owner declared it read-only (a shared region sent from); shared clusters are read-only too. */
    public boolean isReadOnly() { return readOnly; }

    /** E.g. {@code cluster#4.2} or {@code ext#9}. */
    public String name() { return kind + "#" + id + (generation < 0 ? "" : "." + generation); }

    /** Adds a reference for {@code by}, which must already hold one through another mbuf. */
    void acquire(Mbuf by) {
        int r;
        do {
            r = refCount();
            if (r <= 0) throw new MbufMisuseException("reference to completed storage " + name(), by);
        } while (!REFS.compareAndSet(this, r, r + 1));
    }

    /** Drops {@code by}'s reference; the last one runs the completion. */
    void release(Mbuf by) {
        int r;
        do {
            r = refCount();
            if (r <= 0) throw new MbufMisuseException("release of completed storage " + name(), by);
        } while (!REFS.compareAndSet(this, r, r - 1));
        if (r == 1) completion.run();
    }

    @Override
    public String toString() { return name() + " refs " + refCount() + (readOnly ? " read-only" : ""); }
}
