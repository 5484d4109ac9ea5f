package smpnet.stack.socket;

import java.util.ArrayDeque;
import smpnet.stack.internal.tcp.Tcpcb;

/**
 * The end of a {@link TcpSocket} (FreeBSD's soshutdown, soclose and soabort): shutdown(2) of either
 * direction, close(2) with its SO_LINGER wait, and the abort of connections a closing listener had not yet
 * handed to accept. The protocol's half (FIN or RST, tcp_disconnect) is {@code TcpUsrReq}'s.
 *
 * <p>Locking key: the socket's flags, its receive buffer and its accept queue change under so_rcv; sleepers
 * on so_rcv and so_snd are woken (each buffer's condition variable under its lock) before TCP is called in
 * the host's entry point with no buffer lock held, since TCP takes the connection's inp, which comes first.
 * A lingering close sleeps on so_rcv; the other end is {@code TcpSocketCallbacks.disconnectedLocked}.
 */
final class TcpSocketClose {
    private TcpSocketClose() {}

    /** {@link TcpSocket#shutdown}: EBADF when closed, ENOTCONN when not connected. */
    static void shutdown(TcpSocket so, boolean read, boolean write) throws SocketError {
        so.rcv.lock.lock();
        try {
            if (so.noFdRef) throw new SocketError(Errno.EBADF, "shutdown of a closed socket");
            if (!so.connected && !so.connecting) throw new SocketError(Errno.ENOTCONN);
            if (read) {
                so.cantRcvMore = true;
                so.rcvStream.flushLocked();
                so.rcvStream.setCantMoreLocked();
                so.rcv.cv.broadcast();
            }
            if (write) so.cantSendMore = true;
            so.readinessChangedLocked();
        } finally {
            so.rcv.lock.unlock();
        }
        if (write) so.locks.runEntryPoint(() -> so.usr.shutdownWrite(so.pcb()));
        so.notifyWatchers();
    }

    /** {@link TcpSocket#close}: once; a second close does nothing. */
    static void close(TcpSocket so) {
        ArrayDeque<TcpSocket> unaccepted;
        so.rcv.lock.lock();
        try {
            if (so.noFdRef) return;
            so.noFdRef = true;
            so.cantSendMore = true;
            if (so.connected || so.connecting) so.rcvStream.flushLocked(); // sbflush: unread data is discarded
            unaccepted = new ArrayDeque<>(so.completed);
            so.completed.clear();
            so.rcv.cv.broadcast();
            so.readinessChangedLocked();
        } finally {
            so.rcv.lock.unlock();
        }
        so.wakeWriters();
        for (TcpSocket s : unaccepted) abortUnaccepted(s);
        Tcpcb p = so.pcb();
        if (p != null) so.locks.runEntryPoint(() -> so.usr.close(p));
        lingerWait(so);
        so.notifyWatchers();
        so.onClose.accept(so);
    }

    /** SO_LINGER with a positive time on a blocking socket: close waits for the FIN handshake, that long at most. */
    private static void lingerWait(TcpSocket so) {
        Tcpcb p = so.pcb();
        if (p == null || !so.isBlocking()) return;
        long linger = so.usr.getOption(p, SockOpt.SO_LINGER);
        if (linger <= 0) return;
        so.locks.enterEntryPoint();
        try {
            so.rcv.lock.lock();
            try {
                long deadline = so.scheduler.nanoTime() + linger * 1_000_000_000L;
                while (!so.disconnected) {
                    long left = deadline - so.scheduler.nanoTime();
                    if (left <= 0) break;
                    so.sleepLocked(so.rcv, left);
                }
            } finally {
                so.rcv.lock.unlock();
            }
        } finally {
            so.locks.leaveEntryPoint();
        }
    }

    /** soabort: a connection its listener closed before it was accepted. */
    private static void abortUnaccepted(TcpSocket so) {
        so.rcv.lock.lock();
        try {
            so.noFdRef = true;
        } finally {
            so.rcv.lock.unlock();
        }
        Tcpcb p = so.pcb();
        if (p != null) so.locks.runEntryPoint(() -> so.usr.abort(p));
    }
}
