package smpnet.stack.socket;

import java.lang.foreign.MemorySegment;
import java.util.function.Consumer;
import smpnet.stack.internal.net.DirectReceive;
import smpnet.stack.internal.tcp.ZeroCopyRegion;
import smpnet.stack.kevent.EventQueue;
import smpnet.stack.socket.TcpSocket.WriteInFlight;
import smpnet.stack.socket.TcpSocket.ZeroCopySend;
import smpnet.stack.zerocopy.DirtyTracker;

/**
 * The zero-copy send of one {@link TcpSocket} (FreeBSD's sendfile with {@code EXT_SFBUF} storage): queues
 * spans of an application's region in the send buffer instead of its bytes, and keeps the socket's write
 * checker, which watches each send's region until its completion. The region's own life (its references,
 * its completion event) is {@link ZeroCopyRegion}'s.
 *
 * <p>Locking key: a send takes so_snd's sblock, then the host's entry point, then so_snd around each append
 * (waiting for space on so_snd's condition variable, woken by {@code TcpSocketCallbacks.writableLocked}),
 * and calls TCP after releasing so_snd, as a write does. The checker and its listener are volatile
 * settings: a send reads them once, when it starts.
 */
final class TcpSocketZeroCopy {
    private final TcpSocket so;
    /** The write checker of zero-copy sends (null: off), and who hears of its reports. */
    private volatile DirtyTracker.Backend writeChecker;
    private volatile Consumer<WriteInFlight> writeListener;

    TcpSocketZeroCopy(TcpSocket so) { this.so = so; }

    /** {@link TcpSocket#checkWrites}: from the next send on. */
    void checkWrites(DirtyTracker.Backend backend, Consumer<WriteInFlight> listener) {
        writeListener = listener;
        writeChecker = backend;
    }

    /** {@link TcpSocket#sendZeroCopy}, its arguments checked. */
    ZeroCopySend send(MemorySegment region, long offset, long length, EventQueue completions) throws SocketError {
        DirtyTracker.Backend b = writeChecker;
        ZeroCopyRegion.Checker checker = b == null ? null : new ZeroCopyRegion.Checker(b, writeListener, so.toString());
        ZeroCopyRegion r = so.usr.zeroCopyRegion(region, offset, (int) length, completions, so, checker);
        if (r == null) throw new SocketError(Errno.ENOBUFS, "no mbuf for a zero-copy send");
        SocketError failure = null;
        int queued = 0;
        so.snd.sblock.lock();
        so.locks.enterEntryPoint();
        try {
            long timeout = so.sendTimeoutNanos;
            long deadline = timeout == 0 ? 0 : so.scheduler.nanoTime() + timeout;
            while (failure == null && queued < length) {
                int n = 0;
                so.snd.lock.lock();
                try {
                    try {
                        int space = TcpSocketSend.awaitSpaceLocked(so, timeout, deadline);
                        if (space == 0) throw new SocketError(Errno.EAGAIN);
                        // blocking: within the watermark, piece by piece; non-blocking: all at once
                        n = so.isBlocking() ? (int) Math.min(space, length - queued) : (int) length - queued;
                        int gone = so.sndStream.appendRegionLocked(r, queued, n);
                        if (gone != 0) {
                            n = 0;
                            throw TcpSocket.error(gone, "sendZeroCopy");
                        }
                    } catch (SocketError e) {
                        failure = e;
                    }
                    queued += n;
                    if (failure != null && queued == 0) r.abandonLocked(); // no event: the caller has the error
                    else if (failure != null) r.truncateLocked(failure.errno().number()); // the event tells
                } finally {
                    so.snd.lock.unlock();
                }
                if (n > 0) {
                    DirectReceive d = DirectReceive.open();
                    try {
                        so.usr.output(so.pcb()); // tcp_usr_send; what it sent to idle rings goes up at d's close
                    } finally {
                        so.closeDirect(d);
                    }
                    so.updateReady();
                }
            }
        } finally {
            so.locks.leaveEntryPoint();
            so.snd.sblock.unlock();
        }
        if (failure != null && queued == 0) throw failure;
        return r;
    }
}
