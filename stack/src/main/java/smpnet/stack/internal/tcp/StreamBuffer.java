package smpnet.stack.internal.tcp;

import smpnet.locking.CondVar;
import smpnet.locking.ExclusiveLock;
import smpnet.locking.GuardedBy;
import smpnet.stack.mbuf.Mbuf;

/**
 * One direction of a TCP socket's byte stream (FreeBSD's sockbuf in stream mode): the bytes, their count
 * {@code cc} and the high watermark. The send buffer holds what the application wrote and the peer has not
 * yet acknowledged (TCP output copies ranges from it and drops what is acknowledged); the receive buffer
 * holds in-order data the application has not read.
 *
 * <p>Bytes sit in a ring that grows on demand up to the watermark and is released when empty, so an idle
 * connection holds no storage (ten thousand connections cost little). Arriving segments are copied into it
 * and their mbufs freed at once; segments are built from it by copying out, so no mbuf lives in a socket
 * buffer and none can leak from one.
 *
 * <p>Locking key: {@code lock} (so_snd or so_rcv; Giant in giant mode) guards every field and is the
 * interlock of {@code cv}, on which readers (or writers waiting for space) sleep.
 */
public final class StreamBuffer {
    private static final int MIN_RING = 2048;

    public final ExclusiveLock lock;
    public final CondVar cv;
    @GuardedBy("lock") private byte[] ring;
    @GuardedBy("lock") private int head;
    @GuardedBy("lock") private int cc;
    @GuardedBy("lock") private int hiwat;
    @GuardedBy("lock") private int lowat = 1;
    /** No more data will come (receive: FIN or shutdown; send: shutdown or close). */
    @GuardedBy("lock") private boolean cantMore;
    /** The watermark was set by the application (SO_SNDBUF/SO_RCVBUF): automatic sizing stays off. */
    @GuardedBy("lock") private boolean userSized;

    public StreamBuffer(ExclusiveLock lock, CondVar cv, int hiwat) {
        this.lock = lock;
        this.cv = cv;
        this.hiwat = hiwat;
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

    /** Free space below the high watermark (sbspace), never negative. */
    public int spaceLocked() {
        lock.assertOwned();
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

    /** Appends {@code len} bytes of {@code b} (the caller checked the space, or is TCP input within its window). */
    public void appendLocked(byte[] b, int off, int len) {
        lock.assertOwned();
        ensure(cc + len);
        int tail = (head + cc) % ring.length;
        int first = Math.min(len, ring.length - tail);
        System.arraycopy(b, off, ring, tail, first);
        System.arraycopy(b, off + first, ring, 0, len - first);
        cc += len;
    }

    /** Appends the bytes of mbuf chain {@code m} from offset {@code off}, {@code len} of them; does not free it. */
    public void appendLocked(Mbuf m, int off, int len) {
        lock.assertOwned();
        ensure(cc + len);
        int tail = (head + cc) % ring.length;
        int first = Math.min(len, ring.length - tail);
        m.copyData(off, first, ring, tail);
        if (len > first) m.copyData(off + first, len - first, ring, 0);
        cc += len;
    }

    /** Copies {@code len} bytes starting {@code off} bytes into the buffer to {@code dst} at {@code dstOff}. */
    public void copyLocked(int off, int len, byte[] dst, int dstOff) {
        lock.assertOwned();
        if (off < 0 || len < 0 || off + len > cc) throw new IndexOutOfBoundsException(off + "+" + len + " of " + cc);
        if (len == 0) return;
        int from = (head + off) % ring.length;
        int first = Math.min(len, ring.length - from);
        System.arraycopy(ring, from, dst, dstOff, first);
        System.arraycopy(ring, 0, dst, dstOff + first, len - first);
    }

    /** Drops the first {@code n} bytes (sbdrop); the storage goes when the buffer empties. */
    public void dropLocked(int n) {
        lock.assertOwned();
        if (n < 0 || n > cc) throw new IndexOutOfBoundsException("drop " + n + " of " + cc);
        cc -= n;
        head = cc == 0 ? 0 : (head + n) % ring.length;
        if (cc == 0) ring = null;
    }

    /** Drops everything (sbflush), e.g. on close or reset. */
    public void flushLocked() {
        lock.assertOwned();
        cc = 0;
        head = 0;
        ring = null;
    }

    private void ensure(int need) {
        if (ring != null && ring.length >= need) return;
        int size = ring == null ? MIN_RING : ring.length;
        while (size < need) size *= 2;
        byte[] bigger = new byte[size];
        if (ring != null && cc > 0) {
            int first = Math.min(cc, ring.length - head);
            System.arraycopy(ring, head, bigger, 0, first);
            System.arraycopy(ring, 0, bigger, first, cc - first);
        }
        ring = bigger;
        head = 0;
    }
}
