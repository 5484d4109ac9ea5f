package smpnet.stack.internal.tcp;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import java.util.ArrayDeque;
import smpnet.locking.CondVar;
import smpnet.locking.ExclusiveLock;
import smpnet.locking.GuardedBy;
import smpnet.stack.internal.mbuf.Zone;
import smpnet.stack.mbuf.Mbuf;
import smpnet.stack.mbuf.MbufAllocator;
import smpnet.stack.stats.Counters;
import smpnet.stack.stats.TcpStat;

/**
 * One direction of a TCP socket's byte stream (FreeBSD's sockbuf in stream mode): the bytes, their count
 * {@code cc} and the high watermark. The send buffer holds what the application wrote and the peer has not
 * yet acknowledged (TCP output copies ranges from it and drops what is acknowledged); the receive buffer
 * holds in-order data the application has not read.
 *
 * <p>Bytes sit in a ring that grows on demand up to the watermark and is released when empty, so an idle
 * connection holds no storage (ten thousand connections cost little). A ring up to {@link RingZones#MAX_ZONED}
 * bytes comes from and goes back to the host's zone of its size ({@link RingZones}), as a FreeBSD sockbuf's
 * mbufs come from and go back to UMA: a request/response connection empties its buffers at every exchange,
 * and a fresh 2 KB array each time was most of the memory a server's event loop allocated per request (and
 * garbage for the collector); a bulk receiver's buffer empties at every read and grows again. Arriving segments are copied into it
 * and their mbufs freed at once; segments are built from it by copying out, so no mbuf lives in a socket
 * buffer and none can leak from one.
 *
 * <p>The send buffer may also hold zero-copy regions ({@link ZeroCopyRegion}): spans of the stream whose
 * bytes stay in the application's memory. The ring then holds only the bytes written by copy, and a stream
 * offset maps to the ring by skipping the spans before it:
 *
 * <pre>
 *   stream:  |-- ring --|==== span A (region) ====|-- ring --|== span B ==|
 *   ring:    |-- ring --|-- ring --|                      cc = ring bytes + span bytes
 * </pre>
 *
 * Segments covering a span are built as mbuf chains that reference the region ({@link #payloadLocked});
 * acknowledged span bytes are reported to their region, which frees its anchor mbuf after the last one.
 *
 * <p>Locking key: {@code lock} (so_snd or so_rcv; Giant in giant mode) guards every field and is the
 * interlock of {@code cv}, on which readers (or writers waiting for space) sleep.
 */
public final class StreamBuffer {
    /** The smallest ring: the size of the host's ring zone's items. */
    public static final int MIN_RING = 2048;

    /**
     * A zone of {@link #MIN_RING}-byte rings for a host's stream buffers, with {@code cpus} CPU caches. Its
     * limit is the heap's: an allocation never fails for want of a zone item.
     */
    public static Zone<byte[]> ringZone(int cpus) { return RingZones.of(cpus).smallest(); }

    public final ExclusiveLock lock;
    /** Where rings come from and go back to; null: allocated, and left to the collector. */
    private final RingZones rings;
    public final CondVar cv;
    @GuardedBy("lock") private byte[] ring;
    @GuardedBy("lock") private int head;
    @GuardedBy("lock") private int cc;
    /** Bytes in the ring: {@code cc} less the spans' bytes. */
    @GuardedBy("lock") private int ringCc;
    /** The most bytes the ring has had to hold since it was taken (the largest need {@link #ensure} saw). */
    @GuardedBy("lock") private int ringPeak;
    /**
     * The size of the next ring taken while none is held: the largest that the recent fills needed. A bulk
     * receiver's buffer empties at every read and fills again, to a level that moves from one fill to the next
     * with how long its reader was away: its next ring is taken at once at the size of the largest recent
     * fill, instead of growing through every size from {@link #MIN_RING} and copying its bytes at each
     * doubling. It shrinks by half once {@link #SHRINK_AFTER} fills in a row needed less than it, so a
     * request/response connection keeps taking the smallest, and one that moved a bulk transfer before comes
     * back down to it.
     */
    @GuardedBy("lock") private int nextRing = MIN_RING;
    /** Fills in a row that needed less than {@link #nextRing} (see {@link #SHRINK_AFTER}). */
    @GuardedBy("lock") private int smallerFills;
    /** Zero-copy spans, oldest first; null while there are none (always, in a receive buffer). */
    @GuardedBy("lock") private ArrayDeque<Span> spans;
    /** The connection is gone (flushed with an errno): no zero-copy send may enter any more. */
    @GuardedBy("lock") private int goneErrno;
    @GuardedBy("lock") private int hiwat;
    @GuardedBy("lock") private int lowat = 1;
    /** No more data will come (receive: FIN or shutdown; send: shutdown or close). */
    @GuardedBy("lock") private boolean cantMore;
    /** The watermark was set by the application (SO_SNDBUF/SO_RCVBUF): automatic sizing stays off. */
    @GuardedBy("lock") private boolean userSized;
    /**
     * A receive buffer's urgent mark (FreeBSD's so_oobmark): the bytes to read before it, 0 when no mark is
     * ahead. Reads stop at the mark; reaching it sets {@code atMark} (SBS_RCVATMARK), which the next read
     * clears. At the mark, the next byte is the one after the urgent byte (or, with SO_OOBINLINE, the
     * urgent byte itself).
     */
    @GuardedBy("lock") private int oobMark;
    @GuardedBy("lock") private boolean atMark;

    /** Bytes {@code [at, at+len)} of the stream (offsets from the buffer's head) are {@code region}'s from {@code regionOff}. */
    private static final class Span {
        final ZeroCopyRegion region;
        int at;
        int regionOff;
        int len;

        Span(ZeroCopyRegion region, int at, int regionOff, int len) {
            this.region = region;
            this.at = at;
            this.regionOff = regionOff;
            this.len = len;
        }
    }

    public StreamBuffer(ExclusiveLock lock, CondVar cv, int hiwat) { this(lock, cv, hiwat, (RingZones) null); }

    /** A buffer whose smallest rings come from {@code rings} (see {@link #ringZone}), larger ones allocated. */
    public StreamBuffer(ExclusiveLock lock, CondVar cv, int hiwat, Zone<byte[]> rings) {
        this(lock, cv, hiwat, rings == null ? null : RingZones.smallestOnly(rings));
    }

    /** A buffer whose rings come from {@code rings} (sizes no zone holds allocated). */
    public StreamBuffer(ExclusiveLock lock, CondVar cv, int hiwat, RingZones rings) {
        this.lock = lock;
        this.cv = cv;
        this.hiwat = hiwat;
        this.rings = rings;
    }

    public int ccLocked() {
        lock.assertOwned();
        return cc;
    }

    public int hiwatLocked() {
        lock.assertOwned();
        return hiwat;
    }

    public int lowatLocked() {
        lock.assertOwned();
        return lowat;
    }

    /**
     * Loads the buffer's fields and its ring's header without the lock (a cache hint for an event loop's
     * poll, {@code Pollable.touch}): a value computed from them, possibly stale.
     */
    public int touch() {
        byte[] r = ring;
        return cc + head + (r == null ? 0 : r.length);
    }

    /** Free space below the high watermark (sbspace), never negative. */
    public int spaceLocked() {
        lock.assertOwned();
        return Math.max(0, hiwat - cc);
    }

    /**
     * Free space below the high watermark, read without the lock, as FreeBSD's tcp_input reads
     * {@code sbspace(&so->so_rcv)} holding only the inp lock: for a receive buffer, whose bytes only arrive
     * under the connection's lock (which the caller holds), a value read racily can only be too small (a reader
     * took bytes meanwhile), so the window TCP derives from it errs on the safe side. Each field is read once;
     * an int is never torn.
     */
    public int spaceUnlocked() {
        return Math.max(0, hiwat - cc);
    }

    public boolean cantMoreLocked() {
        lock.assertOwned();
        return cantMore;
    }

    public void setCantMoreLocked() {
        lock.assertOwned();
        cantMore = true;
    }

    public boolean userSizedLocked() {
        lock.assertOwned();
        return userSized;
    }

    /** SO_SNDBUF / SO_RCVBUF: the application's size, which turns automatic sizing off. */
    public void setHiwatLocked(int bytes, boolean byUser) {
        lock.assertOwned();
        if (bytes < 1) throw new IllegalArgumentException("buffer size " + bytes);
        hiwat = bytes;
        if (byUser) userSized = true;
    }

    public void setLowatLocked(int bytes) {
        lock.assertOwned();
        lowat = Math.max(1, bytes);
    }

    /** An urgent byte arrived (or was announced) with {@code before} bytes of the stream to read before it. */
    public void markLocked(int before) {
        lock.assertOwned();
        oobMark = before;
        atMark = before == 0;
    }

    /** Bytes to read before the urgent mark, 0 when no mark is ahead. */
    public int oobMarkLocked() {
        lock.assertOwned();
        return oobMark;
    }

    /** The next byte to read is at the urgent mark (SIOCATMARK). */
    public boolean atMarkLocked() {
        lock.assertOwned();
        return atMark;
    }

    /** How many of the {@code want} bytes a read takes: it stops at the urgent mark (soreceive). */
    public int readableLocked(int want) {
        lock.assertOwned();
        return oobMark > 0 ? Math.min(want, oobMark) : want;
    }

    /** The application read the first {@code n} bytes: they go, and the mark comes {@code n} bytes closer. */
    public void consumeLocked(int n) {
        dropLocked(n);
        atMark = false;
        if (oobMark > 0) {
            oobMark -= n;
            atMark = oobMark == 0;
        }
    }

    /** Appends {@code len} bytes of {@code b} (the caller checked the space, or is TCP input within its window). */
    public void appendLocked(byte[] b, int off, int len) {
        lock.assertOwned();
        ensure(ringCc + len);
        int tail = (head + ringCc) % ring.length;
        int first = Math.min(len, ring.length - tail);
        System.arraycopy(b, off, ring, tail, first);
        System.arraycopy(b, off + first, ring, 0, len - first);
        ringCc += len;
        cc += len;
    }

    /**
     * Appends bytes {@code [regionOff, regionOff+n)} of zero-copy send {@code r} as a span (sbappendstream of
     * an external-storage chain): no byte is copied. The caller keeps within the space, or may pass the
     * watermark (a non-blocking send queues whole), which only delays later writes. Returns the errno of a
     * connection already gone (nothing is queued then), else 0.
     */
    public int appendRegionLocked(ZeroCopyRegion r, int regionOff, int n) {
        lock.assertOwned();
        if (goneErrno != 0) return goneErrno;
        if (spans == null) spans = new ArrayDeque<>(4);
        spans.addLast(new Span(r, cc, regionOff, n));
        cc += n;
        r.queuedLocked(n);
        return 0;
    }

    /** True if zero-copy spans are in the buffer (segments must then be built by {@link #payloadLocked}). */
    public boolean hasRegionsLocked() {
        lock.assertOwned();
        return spans != null;
    }

    /** Appends the bytes of mbuf chain {@code m} from offset {@code off}, {@code len} of them; does not free it. */
    public void appendLocked(Mbuf m, int off, int len) {
        lock.assertOwned();
        ensure(ringCc + len);
        int tail = (head + ringCc) % ring.length;
        int first = Math.min(len, ring.length - tail);
        m.copyData(off, first, ring, tail);
        if (len > first) m.copyData(off + first, len - first, ring, 0);
        ringCc += len;
        cc += len;
    }

    /** Copies {@code len} bytes starting {@code off} bytes into the buffer to {@code dst} at {@code dstOff}. */
    public void copyLocked(int off, int len, byte[] dst, int dstOff) {
        lock.assertOwned();
        if (off < 0 || len < 0 || off + len > cc) throw new IndexOutOfBoundsException(off + "+" + len + " of " + cc);
        if (spans != null) throw new IllegalStateException("zero-copy spans in the buffer: build segments with payloadLocked");
        copyRingLocked(off, len, dst, dstOff);
    }

    /**
     * Appends stream bytes {@code [off, off+len)} to packet {@code m} straight from the ring (m_append; more
     * mbufs if its room runs out): a segment's payload without an array in between. False if memory ran out
     * (the caller frees {@code m}). Only without zero-copy spans ({@link #payloadLocked} handles those).
     */
    public boolean appendToLocked(int off, int len, Mbuf m) {
        lock.assertOwned();
        if (off < 0 || len < 0 || off + len > cc) throw new IndexOutOfBoundsException(off + "+" + len + " of " + cc);
        if (spans != null) throw new IllegalStateException("zero-copy spans in the buffer: build segments with payloadLocked");
        if (len == 0) return true;
        int from = ringIndex(off);
        int first = Math.min(len, ring.length - from);
        return m.append(ring, from, first, Mbuf.M_NOWAIT) && (len == first || m.append(ring, 0, len - first, Mbuf.M_NOWAIT));
    }

    private void copyRingLocked(int ringOff, int len, byte[] dst, int dstOff) {
        if (len == 0) return;
        int from = (head + ringOff) % ring.length;
        int first = Math.min(len, ring.length - from);
        System.arraycopy(ring, from, dst, dstOff, first);
        System.arraycopy(ring, 0, dst, dstOff + first, len - first);
    }

    /**
     * Stream bytes {@code [off, off+len)} copied straight from the ring into a chain of clusters (no packet
     * header): a TSO segment's payload, which the NIC then shares among its frames. Null if a cluster was
     * missing (nothing is then held). Only without zero-copy spans ({@link #payloadLocked} handles those).
     */
    public Mbuf clustersLocked(int off, int len, MbufAllocator alloc) {
        lock.assertOwned();
        if (off < 0 || len <= 0 || off + len > cc) throw new IndexOutOfBoundsException(off + "+" + len + " of " + cc);
        if (spans != null) throw new IllegalStateException("zero-copy spans in the buffer: build segments with payloadLocked");
        Mbuf head = null;
        Mbuf tail = null;
        for (int done = 0; done < len; ) {
            Mbuf c = alloc.getCluster(Mbuf.M_NOWAIT);
            if (c == null) {
                if (head != null) head.freeChain();
                return null;
            }
            int k = Math.min(Mbuf.MCLBYTES, len - done);
            c.setLen(k);
            MemorySegment dst = c.data();
            int from = ringIndex(off + done);
            int first = Math.min(k, ring.length - from);
            MemorySegment.copy(ring, from, dst, ValueLayout.JAVA_BYTE, 0, first);
            MemorySegment.copy(ring, 0, dst, ValueLayout.JAVA_BYTE, first, k - first);
            if (head == null) head = c;
            else tail.setNext(c);
            tail = c;
            done += k;
        }
        return head;
    }

    /** The ring index of the byte {@code off} bytes into the buffer. */
    private int ringIndex(int off) { return (head + off) % ring.length; }

    /**
     * The payload of a segment, stream bytes {@code [off, off+len)}, as an mbuf chain without packet header
     * (m_copym over the buffer): span bytes reference their region's storage, ring bytes are copied into
     * new mbufs. Counts both kinds in {@code stats}. Null if memory ran out (nothing is then held).
     */
    public Mbuf payloadLocked(int off, int len, MbufAllocator alloc, Counters<TcpStat> stats) {
        lock.assertOwned();
        if (off < 0 || len <= 0 || off + len > cc) throw new IndexOutOfBoundsException(off + "+" + len + " of " + cc);
        Mbuf head = null;
        Mbuf tail = null;
        int pos = off;
        int ringOff = off; // the ring offset of pos: pos less the span bytes before it
        int end = off + len;
        int copied = 0;
        if (spans != null) {
            for (Span s : spans) {
                if (s.at >= off) break; // spans are in stream order
                ringOff -= Math.min(off, s.at + s.len) - s.at;
            }
        }
        while (pos < end) {
            Span s = spanAt(pos);
            Mbuf piece;
            int n;
            if (s != null) {
                n = Math.min(end, s.at + s.len) - pos;
                piece = s.region.anchorLocked().copyRange(s.regionOff + (pos - s.at), n, Mbuf.M_NOWAIT);
            } else {
                Span next = spanAfter(pos);
                n = Math.min(end, next == null ? end : next.at) - pos;
                byte[] b = new byte[n];
                copyRingLocked(ringOff, n, b, 0);
                ringOff += n;
                copied += n;
                piece = n > Mbuf.MLEN ? alloc.getCluster(Mbuf.M_NOWAIT) : alloc.get(Mbuf.M_NOWAIT);
                if (piece != null && !piece.append(b, 0, n, Mbuf.M_NOWAIT)) {
                    piece.freeChain();
                    piece = null;
                }
            }
            if (piece == null) {
                if (head != null) head.freeChain();
                return null;
            }
            if (head == null) head = piece; else tail.setNext(piece);
            for (tail = piece; tail.next() != null; ) tail = tail.next();
            pos += n;
        }
        if (copied > 0) stats.add(TcpStat.SNDBYTE_COPIED, copied);
        stats.add(TcpStat.SNDBYTE_BYREF, len - copied);
        return head;
    }

    private Span spanAt(int pos) {
        if (spans == null) return null;
        for (Span s : spans) {
            if (s.at > pos) return null; // spans are in stream order
            if (pos < s.at + s.len) return s;
        }
        return null;
    }

    private Span spanAfter(int pos) {
        if (spans == null) return null;
        for (Span s : spans) if (s.at > pos) return s;
        return null;
    }

    /** Drops the first {@code n} bytes (sbdrop); the storage goes when the buffer empties. */
    public void dropLocked(int n) {
        lock.assertOwned();
        if (n < 0 || n > cc) throw new IndexOutOfBoundsException("drop " + n + " of " + cc);
        int fromRing = n;
        if (spans != null) {
            for (Span s : spans) {
                int k = Math.max(0, Math.min(n, s.at + s.len) - s.at); // acknowledged bytes of this span
                fromRing -= k;
                if (k > 0) {
                    s.regionOff += k;
                    s.len -= k;
                    s.region.ackedLocked(k);
                }
                s.at = Math.max(0, s.at - n);
            }
            spans.removeIf(s -> s.len == 0);
            if (spans.isEmpty()) spans = null;
        }
        cc -= n;
        ringCc -= fromRing;
        head = ringCc == 0 ? 0 : (head + fromRing) % ring.length;
        if (ringCc == 0) releaseRing();
    }

    /** Drops everything (sbflush), e.g. on close; zero-copy sends still here fail with ECONNABORTED. */
    public void flushLocked() { flushLocked(Tcp.ECONNABORTED); }

    /**
     * Drops everything because the connection is gone (soisdisconnected's sbdrop of so_snd): every zero-copy
     * send still here fails with {@code errno}, its completion following once no segment references its region.
     */
    public void flushLocked(int errno) {
        lock.assertOwned();
        goneErrno = errno;
        if (spans != null) {
            for (Span s : spans) s.region.abortLocked(errno);
            spans = null;
        }
        cc = 0;
        ringCc = 0;
        head = 0;
        releaseRing();
        oobMark = 0;
        atMark = false;
    }

    private void ensure(int need) {
        if (need > ringPeak) ringPeak = need;
        if (ring != null && ring.length >= need) return;
        int size = ring == null ? nextRing : ring.length;
        while (size < need) size *= 2;
        byte[] bigger = rings != null ? rings.alloc(size) : new byte[size];
        if (ring != null && ringCc > 0) {
            int first = Math.min(ringCc, ring.length - head);
            System.arraycopy(ring, head, bigger, 0, first);
            System.arraycopy(ring, 0, bigger, first, ringCc - first);
        }
        if (ring != null && rings != null) rings.free(ring); // a growth, not the end of a fill: the peak stays
        ring = bigger;
        head = 0;
    }

    /**
     * Lets the ring go: back to its zone (its stale bytes are never read: only the {@code ringCc} bytes from
     * {@code head} are, and they are written first), or to the collector if no zone holds its size.
     */
    private void releaseRing() {
        if (ring == null) return;
        if (rings != null) rings.free(ring);
        ring = null;
        int needed = MIN_RING;
        while (needed < ringPeak && needed < MAX_NEXT_RING) needed *= 2;
        if (needed >= nextRing) {
            nextRing = needed;
            smallerFills = 0;
        } else if (++smallerFills == SHRINK_AFTER) {
            nextRing = Math.max(needed, nextRing / 2);
            smallerFills = 0;
        }
        ringPeak = 0;
    }

    /** The largest ring {@link #nextRing} asks for at once: the largest a zone holds. */
    private static final int MAX_NEXT_RING = RingZones.MAX_ZONED;
    /**
     * Fills in a row below {@link #nextRing} that halve it. A bulk receiver's fills on two CPUs spread from
     * 64 KB to 2 MB with how long its reader was away; sized by the last fill alone, its rings grew and copied
     * again half to all as many bytes as it received (in 2-s windows of the bulk benchmark on 2 CPUs: 1.2 GB
     * for 2.6 GB copying, 2.5 GB for 2.2 GB zero-copy); sized so, 3% to 13%.
     */
    static final int SHRINK_AFTER = 64;

    /** The size of the ring the next append takes if none is held (tests). */
    int nextRingSizeLocked() {
        lock.assertOwned();
        return nextRing;
    }
}
