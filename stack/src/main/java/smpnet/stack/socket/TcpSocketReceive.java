package smpnet.stack.socket;

import smpnet.stack.internal.net.DirectReceive;

/**
 * The receive path of a {@link TcpSocket} (FreeBSD's soreceive_stream, then tcp_usr_rcvd): bytes are copied
 * out of the receive buffer up to the urgent mark, and TCP is told when a read made room, so the window may
 * open. A peek copies without consuming and tells TCP nothing.
 *
 * <p>Locking key: a read holds so_rcv's sblock (reads do not interleave), then the host's entry point, then
 * so_rcv, which guards the receive buffer and the socket's state. A reader waiting for data sleeps on
 * so_rcv's condition variable; the other end is {@code TcpSocketCallbacks.readableLocked} (data arrived),
 * {@code cantRcvMoreLocked} (the peer's FIN), a disconnect, a shutdown or a close. TCP is called with so_rcv
 * released, since it takes the connection's inp, which comes first.
 */
final class TcpSocketReceive {
    private TcpSocketReceive() {}

    /** {@link TcpSocket#read(byte[], int, int)}, its arguments checked and the socket open. */
    static int read(TcpSocket so, byte[] b, int off, int len) throws SocketError {
        if (len == 0) return 0;
        int n;
        so.rcv.sblock.lock();
        so.locks.enterEntryPoint();
        try {
            so.rcv.lock.lock();
            try {
                if (awaitDataLocked(so, "read") < 0) return -1;
                n = so.rcvStream.readableLocked(Math.min(so.rcvStream.ccLocked(), len)); // up to the urgent mark
                so.rcvStream.copyLocked(0, n, b, off);
                so.rcvStream.consumeLocked(n);
                so.readinessChangedLocked();
            } finally {
                so.rcv.lock.unlock();
            }
            DirectReceive d = DirectReceive.open();
            try {
                so.usr.rcvd(so.pcb()); // tcp_usr_rcvd: the window may open; a window update goes up at d's close
            } finally {
                so.closeDirect(d);
            }
        } finally {
            so.locks.leaveEntryPoint();
            so.rcv.sblock.unlock();
        }
        so.notifyWatchers();
        return n;
    }

    /** {@link TcpSocket#peek}, its arguments checked and the socket open. */
    static int peek(TcpSocket so, byte[] b, int off, int len) throws SocketError {
        if (len == 0) return 0;
        so.rcv.sblock.lock();
        try {
            so.rcv.lock.lock();
            try {
                if (awaitDataLocked(so, "peek") < 0) return -1;
                int n = so.rcvStream.readableLocked(Math.min(so.rcvStream.ccLocked(), len)); // as read: up to the mark
                so.rcvStream.copyLocked(0, n, b, off);
                return n;
            } finally {
                so.rcv.lock.unlock();
            }
        } finally {
            so.rcv.sblock.unlock();
        }
    }

    /**
     * Under so_rcv: waits until the receive buffer holds data (returns 1) or the stream ended (returns -1), as
     * the socket's mode and receive timeout allow; throws the pending error, ENOTCONN, or EAGAIN.
     */
    private static int awaitDataLocked(TcpSocket so, String op) throws SocketError {
        long timeout = so.receiveTimeoutNanos();
        long deadline = timeout == 0 ? 0 : so.scheduler.nanoTime() + timeout;
        while (true) {
            if (so.noFdRef) throw new SocketError(Errno.EBADF, op + " on a closed socket");
            if (so.rcvStream.ccLocked() > 0) return 1;
            int err = so.takeErrorLocked();
            if (err != 0) throw TcpSocket.error(err, op);
            if (so.cantRcvMore) return -1;
            if (!so.connected && !so.connecting) throw new SocketError(Errno.ENOTCONN);
            if (!so.isBlocking()) throw new SocketError(Errno.EAGAIN);
            long left = timeout == 0 ? Long.MAX_VALUE : deadline - so.scheduler.nanoTime();
            if (left <= 0) throw new SocketError(Errno.EAGAIN, op + " timed out");
            so.sleepLocked(so.rcv, left);
        }
    }
}
