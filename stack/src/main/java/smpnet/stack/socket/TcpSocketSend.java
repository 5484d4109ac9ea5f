package smpnet.stack.socket;

import smpnet.stack.internal.net.DirectReceive;

/**
 * The send path of a {@link TcpSocket} (FreeBSD's sosend for a stream socket, then tcp_usr_send): bytes are
 * copied into the send buffer as space allows and TCP is asked to send after each piece. The space wait and
 * the checks of whether a byte may be written at all serve the other sends too (urgent data, zero-copy,
 * the implied connect's remainder).
 *
 * <p>Locking key: a write holds so_snd's sblock for its whole length (writes do not interleave), then the
 * host's entry point; so_snd around each append, with so_rcv inside it for the socket's state (so_snd then
 * so_rcv, the declared order). A writer waiting for space sleeps on so_snd's condition variable; the other
 * end is {@code TcpSocketCallbacks.writableLocked} (acknowledged bytes left the buffer) or a disconnect or
 * close. TCP is called with so_snd released, since it takes the connection's inp, which comes first.
 */
final class TcpSocketSend {
    private TcpSocketSend() {}

    /** {@link TcpSocket#write(byte[], int, int)}, its arguments checked. */
    static int write(TcpSocket so, byte[] b, int off, int len) throws SocketError {
        if (len == 0) return writeNothing(so);
        int total = 0;
        so.snd.sblock.lock();
        so.locks.enterEntryPoint();
        try {
            long timeout = so.sendTimeoutNanos;
            long deadline = timeout == 0 ? 0 : so.scheduler.nanoTime() + timeout;
            while (total < len) {
                int n = 0;
                SocketError failure = null;
                so.snd.lock.lock();
                try {
                    int space = awaitSpaceLocked(so, timeout, deadline);
                    if (space > 0) {
                        n = Math.min(space, len - total);
                        so.sndStream.appendLocked(b, off + total, n);
                    }
                } catch (SocketError e) {
                    failure = e;
                } finally {
                    so.snd.lock.unlock();
                }
                if (n > 0) {
                    total += n;
                    DirectReceive d = DirectReceive.open();
                    try {
                        so.usr.output(so.pcb()); // tcp_usr_send; what it sent to idle rings goes up at d's close
                    } finally {
                        so.closeDirect(d);
                    }
                    so.updateReady();
                    continue;
                }
                if (failure != null && total == 0) throw failure;
                if (failure == null && total == 0) throw new SocketError(Errno.EAGAIN);
                break;
            }
            return total;
        } finally {
            so.locks.leaveEntryPoint();
            so.snd.sblock.unlock();
        }
    }

    /**
     * Under so_snd: waits for send-buffer space as the socket's mode and send timeout allow. Returns the
     * space, or 0 when a non-blocking socket has none or the timeout passed; throws why no byte may be written.
     */
    static int awaitSpaceLocked(TcpSocket so, long timeout, long deadline) throws SocketError {
        while (true) {
            SocketError failure = sendErrorLocked(so);
            if (failure != null) throw failure;
            int space = so.sndStream.spaceLocked();
            if (space > 0) return space;
            if (!so.isBlocking()) return 0;
            long left = timeout == 0 ? Long.MAX_VALUE : deadline - so.scheduler.nanoTime();
            if (left <= 0) return 0;
            so.sleepLocked(so.snd, left);
        }
    }

    /**
     * A write of no bytes: nothing is queued, but it fails as a write would (EBADF when closed, EPIPE after
     * shutdown, the pending error, ENOTCONN; FreeBSD's sosend checks these before it looks at the length).
     */
    private static int writeNothing(TcpSocket so) throws SocketError {
        so.snd.lock.lock();
        try {
            SocketError failure = sendErrorLocked(so);
            if (failure != null) throw failure;
            return 0;
        } finally {
            so.snd.lock.unlock();
        }
    }

    /** Under so_snd: why no byte may be written now, or null: EPIPE after shutdown, the pending error, ENOTCONN. */
    static SocketError sendErrorLocked(TcpSocket so) {
        so.rcv.lock.lock(); // so_snd then so_rcv, the declared order
        try {
            if (so.noFdRef) return new SocketError(Errno.EBADF, "write on a closed socket");
            if (so.cantSendMore) return new SocketError(Errno.EPIPE);
            int err = so.takeErrorLocked();
            if (err != 0) return TcpSocket.error(err, "write");
            if (!so.connected && !so.connecting) return new SocketError(Errno.ENOTCONN);
            if (so.disconnected) return new SocketError(Errno.EPIPE);
            return null;
        } finally {
            so.rcv.lock.unlock();
        }
    }
}
