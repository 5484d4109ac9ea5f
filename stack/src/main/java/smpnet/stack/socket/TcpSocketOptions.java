package smpnet.stack.socket;

import smpnet.stack.internal.tcp.StreamBuffer;

/**
 * setsockopt(2) and getsockopt(2) on a {@link TcpSocket} (FreeBSD's sosetopt and sogetopt, which hand what
 * is not the socket's own to tcp_ctloutput): SO_SNDBUF and SO_RCVBUF are the socket buffers' high
 * watermarks, SO_ERROR is the socket's pending error, and every other option is the connection's, set and
 * read through {@code TcpUsrReq}.
 *
 * <p>Locking key: a buffer's watermark is read and set under that buffer's lock (so_snd or so_rcv), so_error
 * under so_rcv; the connection's options under its inp, which {@code TcpUsrReq} takes (a set runs inside the
 * host's entry point, since it may send; a read does not need it). No lock is held from one call to the next.
 */
final class TcpSocketOptions {
    private TcpSocketOptions() {}

    /** {@link TcpSocket#setOption}: ENOPROTOOPT for one that cannot be set, EINVAL for a bad value. */
    static void set(TcpSocket so, SockOpt option, int value) throws SocketError {
        switch (option) {
            case SO_ERROR -> throw new SocketError(Errno.ENOPROTOOPT, "SO_ERROR is read-only");
            case SO_SNDBUF, SO_RCVBUF -> {
                if (value < 1) throw new SocketError(Errno.EINVAL, option + " " + value);
                if (value > so.maxSockBuf.get()) throw new SocketError(Errno.ENOBUFS, option + " " + value);
                StreamBuffer sb = buffer(so, option);
                sb.lock.lock();
                try {
                    sb.setHiwatLocked(value, true);
                } finally {
                    sb.lock.unlock();
                }
                so.updateReady();
            }
            default -> {
                int e = so.entry(() -> so.usr.setOption(so.pcb(), option, value));
                if (e != 0) throw TcpSocket.error(e, option + " " + value);
            }
        }
    }

    /** {@link TcpSocket#getOption}: ENOPROTOOPT for one TCP does not know. */
    static int get(TcpSocket so, SockOpt option) throws SocketError {
        switch (option) {
            case SO_ERROR -> {
                so.rcv.lock.lock();
                try {
                    return so.takeErrorLocked();
                } finally {
                    so.rcv.lock.unlock();
                }
            }
            case SO_SNDBUF, SO_RCVBUF -> {
                StreamBuffer sb = buffer(so, option);
                sb.lock.lock();
                try {
                    return sb.hiwatLocked();
                } finally {
                    sb.lock.unlock();
                }
            }
            default -> {
                long v = so.usr.getOption(so.pcb(), option);
                if (v == Long.MIN_VALUE) throw new SocketError(Errno.ENOPROTOOPT, option.toString());
                return (int) v;
            }
        }
    }

    /** The stream buffer SO_SNDBUF or SO_RCVBUF sizes. */
    private static StreamBuffer buffer(TcpSocket so, SockOpt option) {
        return option == SockOpt.SO_SNDBUF ? so.sndStream : so.rcvStream;
    }
}
