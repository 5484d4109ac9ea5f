package smpnet.locking;

/**
 * A superclass that starts an object with 128 bytes of fields nobody touches, so that the object's own
 * fields can never share a cache line (nor an adjacent-line prefetch pair) with the fields of the object
 * before it in memory.
 *
 * <p><b>Why it exists.</b> The garbage collector decides where objects live, and a moving collector packs
 * survivors in the order it finds them, not the order they were allocated: two sockets served by two CPUs
 * end up side by side. Then every write one CPU makes to its socket's lock word, buffer count or ready flag
 * takes the cache line away from the other CPU, which was writing its own socket next door (false sharing).
 * In the UDP benchmark that alone made two CPUs receive fewer packets than one, and the effect came and went
 * from one run to the next with the collector's layout. Kernels align such structures to cache lines;
 * Java cannot, so objects written on every packet extend this class, and the padding in front of each of
 * them keeps every two of them at least 128 bytes apart whatever the order.
 *
 * <p>It relies on how HotSpot lays out fields: a superclass's fields come before a subclass's (checked by
 * a test of this module). Arrays written on every packet get the same treatment by leaving their first
 * slots unused. The cost is 128 bytes per object, which is why only per-packet objects pay it.
 */
public abstract class CacheLinePadded {
    /**
     * Padding; never read or written. The int fills the 4-byte hole HotSpot leaves after a compressed
     * object header: left empty, the layout would put a subclass's int or boolean there, in front of the
     * padding (the layout test of this module caught exactly that).
     */
    @SuppressWarnings("unused")
    private long p00, p01, p02, p03, p04, p05, p06, p07, p08, p09, p10, p11, p12, p13, p14, p15;
    @SuppressWarnings("unused")
    private int hole;

    /** Bytes of padding in front of a subclass's fields. */
    public static final int PADDING_BYTES = 128;

    /** Object-reference slots that cover {@link #PADDING_BYTES} even without compressed references. */
    public static final int PADDING_REFS = PADDING_BYTES / 8 * 2;

    protected CacheLinePadded() {}
}
