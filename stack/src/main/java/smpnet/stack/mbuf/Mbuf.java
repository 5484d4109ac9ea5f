package smpnet.stack.mbuf;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import smpnet.stack.internal.mbuf.Zone;

/**
 * A memory buffer holding part of a packet, as in FreeBSD: a small header object over either its own
 * internal data area or external storage (a 2 KB cluster, or a caller's region) shared by reference count.
 *
 * <pre>
 *  one mbuf (internal storage: MSIZE = 256 bytes budget, 32 of them the header fields)
 *  +--------------+------------------------------------------------------------------+
 *  | pkthdr (56)  |  leading space  |     data (off .. off+len)     | trailing space |
 *  +--------------+------------------------------------------------------------------+
 *   only in the     \_____________________ MHLEN = 168 (pkthdr) or MLEN = 224 ______/
 *   first mbuf
 *
 *  a cluster mbuf: the same header, data in a 2 KB cluster (ExtStorage, refcount shared by copies)
 *  +-----------+        +-------------------------------- MCLBYTES = 2048 ---+
 *  | m_ext ----|------->| leading |   data (off .. off+len)    | trailing    |
 *  +-----------+        +-----------------------------------------------------+
 *
 *  a packet is a chain through next; packets in a queue are linked through nextPacket
 *   [pkthdr m] --next--> [m] --next--> [cluster m] --next--> null        pktLen = sum of len
 *       | nextPacket
 *       v
 *   [pkthdr m] --next--> ...
 * </pre>
 *
 * <p>An mbuf is owned by one thread at a time (the one that allocated it, or that took it from a locked queue);
 * it is not thread-safe. The object is never reused: once freed it stays dead, so every later use is caught
 * and reported with {@link MbufMisuseException}. Offsets in the accessors are relative to this mbuf's data.
 * Multi-byte accessors are big-endian (network order) and unaligned.
 */
public final class Mbuf {
    /** Allocation may not wait: null on exhaustion (the caller counts a drop). */
    public static final int M_NOWAIT = Zone.NOWAIT;
    /** Allocation may wait for a free, up to the allocator's timeout; null if that passes. */
    public static final int M_WAIT = Zone.WAIT;
    /** The budget of one mbuf, header included, as FreeBSD's MSIZE. */
    public static final int MSIZE = 256;
    /** Data bytes in an mbuf without a packet header. */
    public static final int MLEN = 224;
    /** Data bytes in an mbuf with a packet header. */
    public static final int MHLEN = 168;
    /** Size of a cluster. */
    public static final int MCLBYTES = 2048;
    /** Length meaning "up to the end of the chain" in {@link #copyRange}. */
    public static final int M_COPYALL = Integer.MAX_VALUE;

    private static final ValueLayout.OfShort BE16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfInt BE32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    final MbufAllocator allocator;
    private final Storage storage;
    private final int use;
    MemorySegment buf;
    int bufStart;
    int bufEnd;
    int off;
    int len;
    ExtStorage ext;
    PacketHeader pkthdr;
    Mbuf next;
    Mbuf nextPacket;
    private boolean freed;
    String allocSite;
    private String freeSite;

    Mbuf(MbufAllocator allocator, Storage storage, boolean withPkthdr, String allocSite) {
        this.allocator = allocator;
        this.storage = storage;
        this.use = ++storage.uses;
        this.buf = storage.seg;
        this.bufStart = withPkthdr ? MLEN - MHLEN : 0;
        this.bufEnd = MLEN;
        this.off = bufStart;
        this.pkthdr = withPkthdr ? new PacketHeader() : null;
        this.allocSite = allocSite;
    }

    /** Attaches external storage (the mbuf's own data area is then unused): m_extadd. */
    void attach(ExtStorage e, int start, int end) {
        ext = e;
        buf = e.segment();
        bufStart = start;
        bufEnd = end;
        off = start;
        len = 0;
    }

    Storage storage() { return storage; }

    // ---- identity and state ------------------------------------------------------------------------------

    /** A name unique within its allocator, e.g. {@code mbuf#3.7}: the seventh allocation of storage item 3. */
    public String name() { return "mbuf#" + storage.index + "." + use; }

    /** The allocator this mbuf came from (and returns to). */
    public MbufAllocator allocator() { return allocator; }

    /** Where it was allocated, or null when tracking is off. */
    public String allocationSite() { return allocSite; }

    public boolean isFreed() { return freed; }

    /** Name, kind and (when tracked) allocation and free sites: what an error message needs. */
    String describe() {
        StringBuilder sb = new StringBuilder(name());
        if (pkthdr != null) sb.append(" pkthdr");
        if (ext != null) sb.append(" ext ").append(ext.name());
        sb.append(" len ").append(len);
        if (allocSite == null) {
            sb.append(" (allocation site not tracked: -D").append(MbufAllocator.TRACK_PROPERTY).append("=on)");
        } else {
            sb.append(" allocated at ").append(allocSite);
        }
        if (freeSite != null) sb.append(", freed at ").append(freeSite);
        return sb.toString();
    }

    void checkLive() {
        if (freed) throw new MbufMisuseException("use after free", this);
    }

    @Override
    public String toString() { return freed ? name() + " (freed)" : name() + " len " + len; }

    // ---- links and lengths -------------------------------------------------------------------------------

    /** The next mbuf of this packet, or null. */
    public Mbuf next() { checkLive(); return next; }

    public void setNext(Mbuf m) { checkLive(); next = m; }

    /** The next packet in a queue (only meaningful on a packet's first mbuf), or null. */
    public Mbuf nextPacket() { checkLive(); return nextPacket; }

    public void setNextPacket(Mbuf m) { checkLive(); nextPacket = m; }

    /** Data bytes in this mbuf. */
    public int len() { checkLive(); return len; }

    /**
     * Sets this mbuf's data length (the data start stays). Does not touch the packet header: set
     * {@link PacketHeader#setPktLen} too, as FreeBSD code does.
     */
    public void setLen(int n) {
        checkLive();
        if (n < 0 || off + n > bufEnd) throw new MbufMisuseException("length " + n + " beyond capacity " + (bufEnd - off), this);
        len = n;
    }

    /** Data bytes over the whole chain from here (m_length). */
    public int length() {
        int total = 0;
        for (Mbuf m = this; m != null; m = m.next) {
            m.checkLive();
            total += m.len;
        }
        return total;
    }

    public boolean hasPkthdr() { checkLive(); return pkthdr != null; }

    /** The packet header; throws if this is not a packet's first mbuf. */
    public PacketHeader pkthdr() {
        checkLive();
        if (pkthdr == null) throw new MbufMisuseException("no packet header", this);
        return pkthdr;
    }

    /** The packet's total length from its header. */
    public int pktLen() { return pkthdr().pktLen(); }

    /** True if the data lives in external storage (a cluster or a caller's region). */
    public boolean isExternal() { checkLive(); return ext != null; }

    /** The external storage, or null. */
    ExtStorage ext() { checkLive(); return ext; }

    /** True if the data may be written: internal storage, or external storage referenced only here and not read-only. */
    public boolean isWritable() {
        checkLive();
        return ext == null || (!ext.isReadOnly() && ext.refCount() == 1);
    }

    /** Bytes free before the data (0 if the storage is not writable). */
    public int leadingSpace() { return isWritable() ? off - bufStart : 0; }

    /** Bytes free after the data (0 if the storage is not writable). */
    public int trailingSpace() { return isWritable() ? bufEnd - (off + len) : 0; }

    /** Moves the start of an empty mbuf forward, leaving room to prepend headers later (m_align style). */
    public void reserve(int n) {
        checkLive();
        if (len != 0) throw new MbufMisuseException("reserve on non-empty mbuf", this);
        if (n < 0 || off + n > bufEnd) throw new MbufMisuseException("reserve " + n + " beyond capacity", this);
        off += n;
    }

    // ---- data access -------------------------------------------------------------------------------------

    /** This mbuf's data as a segment (read-only view unless the storage is writable). */
    public MemorySegment data() {
        MemorySegment s = buf.asSlice(off, lenChecked());
        return isWritable() ? s : s.asReadOnly();
    }

    private int lenChecked() { checkLive(); return len; }

    private long at(int at, int size) {
        checkLive();
        if (at < 0 || at + size > len) {
            throw new MbufMisuseException("access of " + size + " bytes at " + at + " beyond data length " + len, this);
        }
        return off + at;
    }

    private long wat(int at, int size) {
        long p = at(at, size);
        if (!isWritable()) throw new MbufMisuseException("write into shared read-only storage", this);
        return p;
    }

    public int getU8(int at) { return Byte.toUnsignedInt(buf.get(ValueLayout.JAVA_BYTE, at(at, 1))); }

    public int getU16(int at) { return Short.toUnsignedInt(buf.get(BE16, at(at, 2))); }

    /** A 32-bit field as an int (use {@link Integer#toUnsignedLong} for the unsigned value). */
    public int getU32(int at) { return buf.get(BE32, at(at, 4)); }

    public void putU8(int at, int v) { buf.set(ValueLayout.JAVA_BYTE, wat(at, 1), (byte) v); }

    public void putU16(int at, int v) { buf.set(BE16, wat(at, 2), (short) v); }

    public void putU32(int at, int v) { buf.set(BE32, wat(at, 4), v); }

    /** Copies {@code n} bytes of this mbuf's data from {@code at} into {@code dst}. */
    public void getBytes(int at, byte[] dst, int dstOff, int n) {
        MemorySegment.copy(buf, ValueLayout.JAVA_BYTE, at(at, n), dst, dstOff, n);
    }

    /** Copies {@code n} bytes from {@code src} into this mbuf's data at {@code at}. */
    public void putBytes(int at, byte[] src, int srcOff, int n) {
        MemorySegment.copy(src, srcOff, buf, ValueLayout.JAVA_BYTE, wat(at, n), n);
    }

    // ---- freeing -----------------------------------------------------------------------------------------

    /** Frees this mbuf alone (m_free) and returns the next of its chain. */
    public Mbuf free() {
        if (freed) throw new MbufMisuseException("double free", this);
        Mbuf n = next;
        freed = true;
        if (allocSite != null) freeSite = AllocSites.capture();
        next = null;
        nextPacket = null;
        try {
            if (ext != null) ext.release(this);
        } finally {
            allocator.release(this);
        }
        return n;
    }

    /** Frees the whole chain from here (m_freem); packets linked by nextPacket are not touched. */
    public void freeChain() {
        for (Mbuf m = this; m != null; ) m = m.free();
    }

    // ---- chain operations (FreeBSD semantics; implemented in MbufOps) ------------------------------------

    /**
     * Makes the first {@code n} bytes of the packet contiguous in the first mbuf (m_pullup), n up to
     * {@link #MCLBYTES}. Returns the new head, or null if the chain is shorter than n or memory ran out:
     * then the whole chain has been freed (the caller counts a drop), as in FreeBSD.
     */
    public Mbuf pullup(int n) { checkLive(); return MbufOps.pullup(this, n); }

    /** Trims {@code n} bytes from the head, or {@code -n} from the tail if negative (m_adj); updates pktLen. */
    public void adj(int n) { checkLive(); MbufOps.adj(this, n); }

    /**
     * Makes room for {@code n} bytes in front of the data (M_PREPEND), n up to {@link #MHLEN}, using leading
     * space or a new first mbuf that takes over the packet header. Returns the new head; null if memory ran
     * out, in which case the chain has been freed.
     */
    public Mbuf prepend(int n, int how) { checkLive(); return MbufOps.prepend(this, n, how); }

    /**
     * Copies {@code len} bytes from offset {@code off} into a new chain (m_copym): external storage is
     * shared by reference, not copied; internal data is copied. With off 0 a packet header is duplicated.
     * Returns null if memory ran out; throws if the range goes beyond the chain.
     */
    public Mbuf copyRange(int off, int len, int how) { checkLive(); return MbufOps.copyRange(this, off, len, how); }

    /** Copies {@code len} bytes from chain offset {@code off} into {@code dst} (m_copydata). */
    public void copyData(int off, int len, byte[] dst, int dstOff) { checkLive(); MbufOps.copyData(this, off, len, dst, dstOff); }

    /** The whole chain's data as a new array. */
    public byte[] toBytes() {
        byte[] out = new byte[length()];
        MbufOps.copyData(this, 0, out.length, out, 0);
        return out;
    }

    /**
     * Appends bytes to the end of the chain (m_append), filling trailing space then adding mbufs; updates
     * pktLen. Returns false if memory ran out (part of the data may have been appended).
     */
    public boolean append(byte[] src, int srcOff, int n, int how) { checkLive(); return MbufOps.append(this, src, srcOff, n, how); }

    /**
     * Appends the packet {@code tail} to this one (m_cat then fixing pktLen, like m_catpkt): small internal
     * data is copied into trailing space and its mbuf freed; the rest is linked. {@code tail} must not be used
     * afterwards.
     */
    public void concat(Mbuf tail) { checkLive(); MbufOps.concat(this, tail); }

    /**
     * Splits the chain at offset {@code off} (m_split): this chain keeps the first {@code off} bytes and the
     * rest is returned as a new chain (with a packet header if this has one). External storage is shared, not
     * copied. Returns null if memory ran out (this chain is then unchanged).
     */
    public Mbuf split(int off, int how) { checkLive(); return MbufOps.split(this, off, how); }

    /** Checks the chain: every mbuf live, pktLen equal to the data length. Throws on the first fault (m_sanity). */
    public void sanity() { checkLive(); MbufOps.sanity(this); }
}
