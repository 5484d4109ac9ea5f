package smpnet.stack.socket;

import java.util.ArrayDeque;
import smpnet.locking.CacheLinePadded;
import smpnet.locking.CondVar;
import smpnet.locking.ExclusiveLock;
import smpnet.locking.GuardedBy;
import smpnet.locking.SharedExclusiveLock;
import smpnet.stack.mbuf.Mbuf;

/**
 * A socket buffer (FreeBSD's sockbuf) holding datagrams as records, with its byte count and watermarks.
 *
 * <pre>
 *   records: [src, port, mbuf chain] -> [src, port, mbuf chain] -> ...      cc = sum of payload bytes
 *                                                                       mbcnt = what the chains hold
 *   appended by input while cc + len <= hiwat and mbcnt + charge <= mbmax;
 *   readable when at least one record and cc >= lowat, or the oldest record is empty
 * </pre>
 *
 * <p>Payload bytes alone do not bound memory: a 1-byte (or empty) datagram still holds an mbuf, a 1-byte
 * datagram that arrived in a big frame a whole cluster. So, as FreeBSD's {@code sb_mbcnt}/{@code sb_mbmax},
 * every record is also charged {@link Mbuf#MSIZE} per mbuf and {@link Mbuf#MCLBYTES} per cluster, against
 * {@link #MB_EFFICIENCY} times the high watermark.
 *
 * <p>Locking key: {@code lock} (so_rcv or so_snd; Giant in giant mode) guards every mutable field and is
 * the interlock of {@code cv}, the only thing anyone sleeps on while holding it. {@code sblock} (sx,
 * taken before everything else) serialises whole receive (or send) calls, so two readers never interleave
 * inside one call; it is held across the cv sleep, which is why it must be sleepable.
 *
 * <p>Layout: written on every datagram, a buffer is padded ({@link CacheLinePadded}), and so is its record
 * ring, whose slots start after {@link CacheLinePadded#PADDING_REFS} unused ones and end before as many: a
 * buffer served by one CPU never shares a cache line with one another CPU serves, wherever the collector
 * puts them.
 */
final class SockBuf extends CacheLinePadded {
    private static final int PAD = CacheLinePadded.PADDING_REFS;
    private static final int INITIAL_RECORDS = 16;
    /** The ring of a buffer that never held a record: padding only, never written (shared). */
    private static final Datagram[] NO_SLOTS = new Datagram[2 * PAD];

    /** FreeBSD's sb_efficiency: the storage a buffer may hold, as a multiple of its byte limit. */
    static final int MB_EFFICIENCY = 8;

    /** One datagram: who sent it, its payload, and the storage it holds ({@code charge} bytes). */
    record Datagram(int srcAddr, int srcPort, Mbuf data, int length, int charge) {}

    final ExclusiveLock lock;
    final SharedExclusiveLock sblock;
    final CondVar cv;
    /**
     * The records, oldest at {@code ring[PAD + head]}, {@code count} of them, wrapping inside the slots. No
     * slots until the first record: a TCP socket's buffers hold a byte stream and never a record, and a
     * server with 100,000 connections would carry 200,000 empty rings (a seventh of its heap).
     */
    @GuardedBy("lock") private Datagram[] ring = NO_SLOTS;
    @GuardedBy("lock") private int head;
    @GuardedBy("lock") private int count;
    @GuardedBy("lock") private int cc;
    @GuardedBy("lock") private int mbcnt;
    @GuardedBy("lock") private int hiwat;
    @GuardedBy("lock") private int lowat = 1;
    @GuardedBy("lock") private boolean cantMore;

    SockBuf(ExclusiveLock lock, SharedExclusiveLock sblock, String cvName, int hiwat) {
        this.lock = lock;
        this.sblock = sblock;
        this.cv = new CondVar(cvName);
        this.hiwat = hiwat;
    }

    /** Appends a datagram if it fits under the high watermark (sbappendaddr); false if not. */
    boolean appendLocked(int src, int port, Mbuf data) {
        lock.assertOwned();
        int len = data.pktLen();
        int charge = chargeOf(data);
        // An empty buffer takes one datagram whatever its storage, so a small SO_RCVBUF still receives.
        if (cantMore || cc + len > hiwat || (count > 0 && mbcnt + charge > (long) hiwat * MB_EFFICIENCY)) return false;
        if (count == slots()) grow();
        ring[PAD + (head + count) % slots()] = new Datagram(src, port, data, len, charge);
        count++;
        cc += len;
        mbcnt += charge;
        return true;
    }

    /** The storage chain {@code m} holds (sballoc): an mbuf's MSIZE each, and a cluster's size for each cluster. */
    static int chargeOf(Mbuf m) {
        int c = 0;
        for (Mbuf x = m; x != null; x = x.next()) c += Mbuf.MSIZE + (x.isExternal() ? Mbuf.MCLBYTES : 0);
        return c;
    }

    private int slots() { return ring.length - 2 * PAD; }

    private void grow() {
        Datagram[] bigger = new Datagram[PAD + Math.max(INITIAL_RECORDS, 2 * slots()) + PAD];
        for (int i = 0; i < count; i++) bigger[PAD + i] = ring[PAD + (head + i) % slots()];
        ring = bigger;
        head = 0;
    }

    /** Takes the oldest datagram, or null. */
    Datagram pollLocked() {
        lock.assertOwned();
        if (count == 0) return null;
        int at = PAD + head;
        Datagram d = ring[at];
        ring[at] = null;
        head = (head + 1) % slots();
        count--;
        cc -= d.length();
        mbcnt -= d.charge();
        return d;
    }

    /**
     * True if a reader would not block: a record and cc at or above the low watermark, or an empty
     * datagram first in line (it is a datagram all the same, and no later byte count would ever let it out).
     */
    boolean readableLocked() {
        lock.assertOwned();
        return count > 0 && (cc >= lowat || ring[PAD + head].length() == 0);
    }

    /** Storage the queued records hold (sb_mbcnt). */
    int mbcntLocked() {
        lock.assertOwned();
        return mbcnt;
    }

    int ccLocked() {
        lock.assertOwned();
        return cc;
    }

    int hiwatLocked() {
        lock.assertOwned();
        return hiwat;
    }

    void setWatermarksLocked(int high, int low) {
        lock.assertOwned();
        if (high < 1 || low < 1 || low > high) throw new IllegalArgumentException("watermarks " + high + "/" + low);
        hiwat = high;
        lowat = low;
    }

    /** No more data will be appended (close); returns the datagrams still queued, for the caller to free. */
    ArrayDeque<Datagram> shutdownLocked() {
        lock.assertOwned();
        cantMore = true;
        ArrayDeque<Datagram> out = new ArrayDeque<>(count);
        for (Datagram d = pollLocked(); d != null; d = pollLocked()) out.add(d);
        cv.broadcast();
        return out;
    }
}
