package smpnet.stack.locks;

import smpnet.witness.LockFlags;
import smpnet.stack.internal.locks.LockKindOfRow;
import smpnet.stack.internal.locks.LockOrder;

/**
 * The rows of DESIGN.md's lock inventory, one constant per lock class, in the order they are taken. The
 * {@link #rank()} is that order: a thread holding a lock of rank r may only block on locks of greater rank
 * (the inventory's rows, with its "then" inside a row: so_snd then so_rcv, rib then rtentry, lle_table then
 * lle). {@link LockOrder} turns it into witness's declared order.
 *
 * <p>One deliberate difference from the printed table: {@code sblock} (row 2) is taken <em>before</em>
 * Giant. A socket call takes its sblock and may sleep holding it; in giant mode the first protocol lock it
 * then asks for is Giant. Holding Giant while blocking on an sblock would deadlock against the sblock
 * holder that dropped Giant in a condition-variable wait, so Giant is never held while taking sblock.
 *
 * <p>The tables every packet reads and only configuration writes ({@code tcbinfo}, {@code udbinfo},
 * {@code rib}, {@code if_addr}) are read-mostly locks ({@link LockKindOfRow#RM}), as FreeBSD made its
 * routing and interface-address locks rmlocks: with a plain rw lock, the shared reader count alone moved a
 * cache line between the CPUs twice per lock per packet, and two CPUs received fewer packets than one.
 * The ARP table stays rw: a miss writes it from the packet path.
 */
public enum LockInventory {
    SBLOCK(2, 0, "sblock", LockKindOfRow.SX, 0, false),
    GIANT(1, 1, "Giant", LockKindOfRow.GIANT, LockFlags.RECURSABLE, false),
    TCBINFO(3, 2, "tcbinfo", LockKindOfRow.RM, 0, true),
    UDBINFO(3, 2, "udbinfo", LockKindOfRow.RM, 0, true),
    /** DUPOK: a listener's pcb and its new connection's are held together. */
    INP(4, 3, "inp", LockKindOfRow.MUTEX, LockFlags.DUPOK, true),
    /**
     * A bucket of the TCP connection hash (FreeBSD's inp_hash lock): taken to insert or remove a connection,
     * and by a lookup between the tcbinfo read lock and the connection's inp, never while taking another
     * lock. Connect and close take it instead of tcbinfo as a writer.
     */
    TCPHASH(4, 4, "tcphash", LockKindOfRow.MUTEX, 0, true),
    SYNCACHE(5, 5, "syncache", LockKindOfRow.MUTEX, 0, true),
    SO_SND(6, 6, "so_snd", LockKindOfRow.MUTEX, 0, true),
    SO_RCV(6, 7, "so_rcv", LockKindOfRow.MUTEX, 0, true),
    IPQ(7, 8, "ipq", LockKindOfRow.MUTEX, 0, true),
    RIB(8, 9, "rib", LockKindOfRow.RM, 0, true),
    RTENTRY(8, 10, "rtentry", LockKindOfRow.MUTEX, 0, true),
    LLE_TABLE(9, 11, "lle_table", LockKindOfRow.RW, 0, true),
    LLE(9, 12, "lle", LockKindOfRow.MUTEX, 0, true),
    IF_ADDR(10, 13, "if_addr", LockKindOfRow.RM, 0, true),
    NETISR(11, 14, "netisr", LockKindOfRow.MUTEX, 0, false),
    TXRING(12, 15, "txring", LockKindOfRow.MUTEX, 0, false),
    /** A NIC receive ring: like txring, a driver lock and a leaf (not printed in the table). */
    RXRING(12, 15, "rxring", LockKindOfRow.MUTEX, 0, false),
    CALLOUT(13, 16, "callout", LockKindOfRow.MUTEX, 0, false),
    SLEEPQ(13, 16, "sleepq", LockKindOfRow.SPIN, 0, false),
    /** A packet capture's file (FreeBSD's bpf descriptor lock): a leaf taken from driver paths. */
    BPF(13, 16, "bpf", LockKindOfRow.MUTEX, 0, false),
    /** An event queue's own lock (kqueue's kq_lock): taken while a socket buffer posts an event. */
    KQUEUE(13, 16, "kqueue", LockKindOfRow.MUTEX, 0, false),
    /*
     * The allocator's three classes come last: any of the locks above may be held while an mbuf is freed,
     * and a free may wake a waiting allocation (mbuf_wait), then return storage to its CPU's cache
     * (mbuf_cache, one per CPU, DUPOK because a refill may visit several) and to the pool (mbuf_zone).
     */
    MBUF_WAIT(13, 17, "mbuf_wait", LockKindOfRow.MUTEX, 0, false),
    MBUF_CACHE(13, 18, "mbuf_cache", LockKindOfRow.SPIN, LockFlags.DUPOK, false),
    MBUF_ZONE(13, 19, "mbuf_zone", LockKindOfRow.SPIN, 0, false);

    private final int row;
    private final int rank;
    private final String className;
    private final LockKindOfRow kind;
    private final int flags;
    private final boolean giantInGiantMode;

    LockInventory(int row, int rank, String className, LockKindOfRow kind, int flags, boolean giantInGiantMode) {
        this.row = row;
        this.rank = rank;
        this.className = className;
        this.kind = kind;
        this.flags = flags;
        this.giantInGiantMode = giantInGiantMode;
    }

    /** The row number of DESIGN.md's table. */
    public int row() { return row; }

    /**
     * The position in the declared order: a lock of rank r may be held while blocking on one of a greater
     * rank, never the reverse. Classes of equal rank are never held together.
     */
    public int rank() { return rank; }

    /** The witness lock class name, e.g. "inp". */
    public String className() { return className; }

    public LockKindOfRow kind() { return kind; }

    /** {@link LockFlags} bits the locks of this class are created with. */
    public int flags() { return flags; }

    /** True for rows 3-10: in giant mode a request for this class returns Giant. */
    public boolean isGiantInGiantMode() { return giantInGiantMode; }
}
