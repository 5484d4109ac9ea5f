package smpnet.stack.socket;

import java.net.InetSocketAddress;

/**
 * {@code sendto(2)} with an address on a {@link TcpSocket}: the implied connect (FreeBSD's tcp_usr_send
 * with a name, PRUS_EOF aside), which with TCP_FASTOPEN puts the first bytes on the SYN (RFC 7413; the
 * client's cookie cache is {@code TcpFastOpen}'s). On a socket already connected or connecting it is a
 * plain write.
 *
 * <p>Locking key: the socket's state is checked and "connecting" set under so_rcv; the bytes are queued under
 * so_snd, released before TCP is called in the host's entry point (TCP takes the connection's inp, which
 * comes before both buffer locks). The rest of a blocking send goes through {@link TcpSocket#write}.
 */
final class TcpSocketSendTo {
    private TcpSocketSendTo() {}

    /** {@link TcpSocket#sendTo}, its arguments checked. */
    static int sendTo(TcpSocket so, InetSocketAddress remote, byte[] b, int off, int len) throws SocketError {
        int queued;
        boolean already;
        so.rcv.lock.lock();
        try {
            already = so.connected || so.connecting;
            // tcp_usr_send refuses an address on a listener with EINVAL (connect(2) there is EOPNOTSUPP)
            if (!already && so.listening) throw new SocketError(Errno.EINVAL, "sendto on a listening socket");
            if (!already) { // sosend's checks before the implied connect: EPIPE, then the pending error
                if (so.cantSendMore || so.disconnected) throw new SocketError(Errno.EPIPE, "sendto " + remote);
                int err = so.takeErrorLocked();
                if (err != 0) throw TcpSocket.error(err, "sendto " + remote);
                so.connecting = true;
                so.readinessChangedLocked();
            }
        } finally {
            so.rcv.lock.unlock();
        }
        if (already) return so.write(b, off, len);
        so.snd.lock.lock();
        try {
            queued = Math.min(len, so.sndStream.spaceLocked());
            so.sndStream.appendLocked(b, off, queued);
        } finally {
            so.snd.lock.unlock();
        }
        int e = so.entry(() -> so.usr.connectWithData(so.pcb(), Addresses.toInt(remote), remote.getPort()));
        if (e != 0) {
            so.snd.lock.lock();
            try {
                so.sndStream.dropLocked(so.sndStream.ccLocked());
            } finally {
                so.snd.lock.unlock();
            }
            so.notConnecting();
            throw TcpSocket.error(e, "sendto " + remote);
        }
        so.updateReady();
        if (queued < len && so.isBlocking()) queued += so.write(b, off + queued, len - queued);
        return queued;
    }
}
