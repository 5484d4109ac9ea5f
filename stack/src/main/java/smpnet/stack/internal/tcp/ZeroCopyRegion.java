package smpnet.stack.internal.tcp;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import smpnet.locking.GuardedBy;
import smpnet.locking.Mutex;
import smpnet.stack.kevent.EventQueue;
import smpnet.stack.kevent.Pollable;
import smpnet.stack.mbuf.Mbuf;
import smpnet.stack.mbuf.MbufAllocator;
import smpnet.stack.socket.Errno;
import smpnet.stack.socket.TcpSocket.WriteInFlight;
import smpnet.stack.socket.TcpSocket.ZeroCopySend;
import smpnet.stack.stats.Counters;
import smpnet.stack.stats.TcpStat;
import smpnet.stack.zerocopy.DirtyDiff;
import smpnet.stack.zerocopy.DirtyTracker;

/**
 * A zero-copy send in the send buffer (FreeBSD's sendfile buffers, EXT_SFBUF): the application's bytes held
 * by one "anchor" mbuf whose external storage is the region, read-only. Segments reference the storage
 * through copies of the anchor ({@link Mbuf#copyRange}), so they share its reference count.
 *
 * <pre>
 *   send buffer                anchor (held while bytes are unacknowledged)
 *   [ring bytes][span]--------> [mbuf] --m_ext--> region[offset, offset+length)   refs = 1 + segments alive
 *                                                   ^          ^
 *   segment in a NIC ring:     [hdr mbuf]->[mbuf] --'          |
 *   retransmission:            [hdr mbuf]->[mbuf] -------------'
 * </pre>
 *
 * The anchor is freed when the last byte is acknowledged, or when the connection goes with bytes still in
 * the buffer; the storage's completion then runs on whichever thread frees the last reference (TCP input, a
 * NIC's transmit thread, a wire) and it runs once: it ends the write checker's window, posts the one
 * completion event and counts it.
 *
 * <p>Locking key: {@code queued}, {@code anchorFreed} and {@code errno} are guarded by the socket's so_snd
 * (the lock of the {@link StreamBuffer} holding it); {@code acked} is written under so_snd and read by the
 * application without locks (volatile); {@code done}, {@code status}, {@code report} are published by the
 * completion before it posts the event. {@code zc_checker} (a leaf) serialises the tracker's writes and its
 * closing at completion.
 */
public final class ZeroCopyRegion implements ZeroCopySend {
    private static final AtomicLong IDS = new AtomicLong();

    /** What the write checker needs: the back-end, who to tell, and the connection's name. */
    public record Checker(DirtyTracker.Backend backend, Consumer<WriteInFlight> listener, String connection) {}

    private final long id = IDS.incrementAndGet();
    private final MemorySegment region;
    private final long offset;
    private final int length;
    private final Mbuf anchor;
    private final EventQueue queue;
    private final Pollable source;
    private final Counters<TcpStat> stats;
    /** Written under so_snd; volatile for the completion, which may run on another thread. */
    @GuardedBy("so_snd") private volatile boolean queued;
    @GuardedBy("so_snd") private boolean anchorFreed;
    /** Bytes queued so far, and the bytes after whose acknowledgment the send is over (its length unless cut short). */
    @GuardedBy("so_snd") private int queuedBytes;
    @GuardedBy("so_snd") private int limit;
    @GuardedBy("so_snd") private int truncatedErrno;
    /** Written under so_snd before the anchor is freed; read by the completion. */
    @GuardedBy("so_snd") private volatile int errno;
    private volatile long acked;
    private volatile boolean done;
    private volatile Errno status;
    private volatile WriteInFlight report;
    // the write checker (null when off); tracker and its slice start are fixed at creation
    private final Checker checker;
    private final Mutex checkerLock;
    @GuardedBy("zc_checker") private DirtyTracker tracker;
    private final long trackedStart;
    private final StackTraceElement[] sendStack;

    private ZeroCopyRegion(MemorySegment region, long offset, int length, MbufAllocator alloc, EventQueue queue,
                           Pollable source, Counters<TcpStat> stats, Checker checker) {
        this.region = region;
        this.offset = offset;
        this.length = length;
        this.limit = length;
        this.queue = queue;
        this.source = source;
        this.stats = stats;
        this.checker = checker;
        this.checkerLock = checker == null ? null : new Mutex("zc_checker");
        if (checker != null) {
            this.sendStack = trimmed(new Throwable().getStackTrace());
            int ps = pageSize();
            long start = offset / ps * ps;
            long end = Math.min(region.byteSize(), (offset + length + ps - 1) / ps * ps);
            this.trackedStart = start;
            this.tracker = DirtyTracker.open(region.asSlice(start, end - start), checker.backend());
            this.tracker.start();
        } else {
            this.sendStack = null;
            this.trackedStart = 0;
        }
        this.anchor = alloc.getExternal(region.asSlice(offset, length), true, this::storageFreed, Mbuf.M_WAIT);
        if (anchor == null) closeTracker();
    }

    /**
     * A send of {@code region[offset, offset+length)} whose completion goes to {@code queue} with
     * {@code source} as the event's source; null if no mbuf could be had for the anchor (ENOBUFS).
     */
    public static ZeroCopyRegion create(MemorySegment region, long offset, int length, MbufAllocator alloc,
                                        EventQueue queue, Pollable source, Counters<TcpStat> stats, Checker checker) {
        ZeroCopyRegion r = new ZeroCopyRegion(region, offset, length, alloc, queue, source, stats, checker);
        return r.anchor == null ? null : r;
    }

    private static int pageSize() { return smpnet.stack.internal.os.Posix.pageSize(); }

    /** The stack of the send call: the frames from the application's call of sendZeroCopy outward. */
    private static StackTraceElement[] trimmed(StackTraceElement[] all) {
        int from = 0;
        for (int i = 0; i < all.length; i++) {
            if (all[i].getMethodName().equals("sendZeroCopy")) from = i;
        }
        return Arrays.copyOfRange(all, from, all.length);
    }

    // ---- the send buffer's side (under so_snd) -----------------------------------------------------------

    /** The anchor, to reference its storage from a segment; under so_snd, while bytes are unacknowledged. */
    Mbuf anchorLocked() { return anchor; }

    /** The buffer took {@code n} more of its bytes: from the first on, its completion is an event. */
    void queuedLocked(int n) {
        if (!queued) stats.increment(TcpStat.ZC_SENDS);
        queued = true;
        queuedBytes += n;
    }

    /** {@code n} more bytes were acknowledged; the last ones free the anchor. */
    void ackedLocked(int n) {
        long a = acked + n;
        acked = a;
        if (a == limit) freeAnchorLocked(limit == length ? 0 : truncatedErrno);
    }

    /**
     * Under so_snd: the send failed with {@code why} after part of it was queued (a timeout, a shutdown):
     * it ends with the bytes queued, its anchor going once they are acknowledged (or the connection goes).
     */
    public void truncateLocked(int why) {
        limit = queuedBytes;
        truncatedErrno = why;
        if (acked == limit) freeAnchorLocked(why);
    }

    /** The connection went with bytes unacknowledged: free the anchor; the send fails with {@code why}. */
    void abortLocked(int why) { freeAnchorLocked(why); }

    /** Under so_snd: the send never entered the buffer (the caller reports the error): no event will come. */
    public void abandonLocked() { freeAnchorLocked(Tcp.ECONNABORTED); }

    private void freeAnchorLocked(int why) {
        if (anchorFreed) return;
        anchorFreed = true;
        errno = why;
        anchor.free(); // the storage completes here, or when the last segment referencing it is freed
    }

    int bytes() { return length; }

    /** The storage's completion: runs once, on the thread that freed the last reference. */
    private void storageFreed() {
        Errno e = errno == 0 ? null : Errno.ofNumber(errno); // written before the anchor's free (its CAS publishes it)
        status = e == null && errno != 0 ? Errno.ECONNABORTED : e;
        WriteInFlight w = endChecker();
        report = w;
        done = true;
        if (!queued) return; // never entered the buffer: the caller got an error instead
        stats.increment(TcpStat.ZC_COMPLETIONS);
        if (errno != 0) stats.increment(TcpStat.ZC_ABORTED);
        if (w != null) {
            stats.increment(TcpStat.ZC_WRITES_IN_FLIGHT);
            if (checker.listener() != null) checker.listener().accept(w);
        }
        queue.post(source, EventQueue.ZEROCOPY, this);
    }

    private WriteInFlight endChecker() {
        if (checker == null) return null;
        DirtyDiff d;
        checkerLock.lock();
        try {
            d = tracker.end();
            tracker.close();
            tracker = null;
        } finally {
            checkerLock.unlock();
        }
        List<DirtyDiff.Range> in = new ArrayList<>();
        for (DirtyDiff.Range r : d.ranges()) {
            long s = Math.max(offset, trackedStart + r.start());
            long t = Math.min(offset + length, trackedStart + r.end());
            if (s < t) in.add(new DirtyDiff.Range(s, t));
        }
        if (in.isEmpty()) return null;
        return new WriteInFlight(checker.connection(), id, in, checker.backend(), List.of(sendStack));
    }

    private void closeTracker() {
        if (checker == null) return;
        checkerLock.lock();
        try {
            tracker.close();
            tracker = null;
        } finally {
            checkerLock.unlock();
        }
    }

    // ---- the application's side ----------------------------------------------------------------------------

    @Override public long id() { return id; }

    @Override public MemorySegment region() { return region; }

    @Override public long offset() { return offset; }

    @Override public long length() { return length; }

    @Override public boolean isDone() { return done; }

    @Override public Errno error() { return status; }

    @Override public long bytesAcked() { return acked; }

    @Override public WriteInFlight writeInFlight() { return report; }

    @Override
    public void write(long at, byte[] src, int srcOff, int len) {
        if (checker != null) {
            checkerLock.lock();
            try {
                if (tracker != null && at >= trackedStart && at + len <= trackedStart + tracker.region().byteSize()) {
                    tracker.write(at - trackedStart, src, srcOff, len);
                    return;
                }
            } finally {
                checkerLock.unlock();
            }
        }
        MemorySegment.copy(src, srcOff, region, ValueLayout.JAVA_BYTE, at, len);
    }

    @Override
    public String toString() {
        return "zero-copy send #" + id + " of " + length + " bytes" + (done ? (status == null ? ", done" : ", failed " + status) : "");
    }
}
