package smpnet.stack.socket;

import java.util.ArrayDeque;
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
 *   appended by input while cc + len <= hiwat; readable when cc >= lowat (and at least one record)
 * </pre>
 *
 * <p>Locking key: {@code lock} (so_rcv or so_snd; Giant in giant mode) guards every mutable field and is
 * the interlock of {@code cv}, the only thing anyone sleeps on while holding it. {@code sblock} (sx,
 * taken before everything else) serialises whole receive (or send) calls, so two readers never interleave
 * inside one call; it is held across the cv sleep, which is why it must be sleepable.
 */
final class SockBuf {
    /** One datagram: who sent it and its payload. */
    record Datagram(int srcAddr, int srcPort, Mbuf data, int length) {}

    final ExclusiveLock lock;
    final SharedExclusiveLock sblock;
    final CondVar cv;
    @GuardedBy("lock") private final ArrayDeque<Datagram> records = new ArrayDeque<>();
    @GuardedBy("lock") private int cc;
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
        if (cantMore || cc + len > hiwat) return false;
        records.add(new Datagram(src, port, data, len));
        cc += len;
        return true;
    }

    /** Takes the oldest datagram, or null. */
    Datagram pollLocked() {
        lock.assertOwned();
        Datagram d = records.poll();
        if (d != null) cc -= d.length();
        return d;
    }

    /** True if a reader would not block: at least one record and cc at or above the low watermark. */
    boolean readableLocked() {
        lock.assertOwned();
        return !records.isEmpty() && cc >= lowat;
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

    int lowatLocked() {
        lock.assertOwned();
        return lowat;
    }

    boolean cantMoreLocked() {
        lock.assertOwned();
        return cantMore;
    }

    /** No more data will be appended (close); returns the datagrams still queued, for the caller to free. */
    ArrayDeque<Datagram> shutdownLocked() {
        lock.assertOwned();
        cantMore = true;
        ArrayDeque<Datagram> out = new ArrayDeque<>(records);
        records.clear();
        cc = 0;
        cv.broadcast();
        return out;
    }
}
