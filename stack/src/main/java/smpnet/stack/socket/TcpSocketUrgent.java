package smpnet.stack.socket;

/**
 * Urgent data on a {@link TcpSocket} (RFC 9293 3.8.5, RFC 6093): the one out-of-band byte FreeBSD keeps,
 * sent with {@code send(2)} and {@code MSG_OOB} (tcp_usr_send with PRUS_OOB), read with {@code recv(2)} and
 * {@code MSG_OOB} (tcp_usr_rcvoob), and the receive buffer's mark ({@code ioctl(SIOCATMARK)}). The
 * protocol's half (SND.UP, the urgent pointer, the byte pulled out of the stream) is {@code TcpUrgent}'s.
 *
 * <p>Locking key: a send takes so_snd's sblock, then the host's entry point, then so_snd to append the byte
 * (so_rcv inside it to check the socket's state), and calls TCP after releasing so_snd, as a write does.
 * The mark is so_rcv's; the out-of-band byte is the connection's, read under its inp by {@code TcpUsrReq}.
 */
final class TcpSocketUrgent {
    private TcpSocketUrgent() {}

    /** How far past its high watermark the send buffer may grow for urgent bytes before ENOBUFS (as FreeBSD). */
    private static final int OVERSHOOT = 512;

    /** {@link TcpSocket#sendUrgent}: the byte joins the stream and TCP marks it urgent. */
    static void send(TcpSocket so, byte b) throws SocketError {
        so.snd.sblock.lock();
        so.locks.enterEntryPoint();
        try {
            int sbcc;
            so.snd.lock.lock();
            try {
                SocketError failure = TcpSocketSend.sendErrorLocked(so);
                if (failure != null) throw failure;
                if (so.sndStream.hiwatLocked() - so.sndStream.ccLocked() < -OVERSHOOT) {
                    throw new SocketError(Errno.ENOBUFS, "sendUrgent");
                }
                so.sndStream.appendLocked(new byte[] {b}, 0, 1);
                sbcc = so.sndStream.ccLocked();
            } finally {
                so.snd.lock.unlock();
            }
            so.usr.sendUrgent(so.pcb(), sbcc); // tcp_usr_send with PRUS_OOB
        } finally {
            so.locks.leaveEntryPoint();
            so.snd.sblock.unlock();
        }
        so.updateReady();
    }

    /** {@link TcpSocket#readUrgent}: the out-of-band byte, once; never blocks. */
    static int read(TcpSocket so) throws SocketError {
        so.checkOpen();
        int r = so.entry(() -> so.usr.receiveUrgent(so.pcb()));
        if (r < 0) throw TcpSocket.error(-r, "readUrgent");
        return r;
    }

    /** {@link TcpSocket#atMark}: the next byte a read returns is at the urgent mark. */
    static boolean atMark(TcpSocket so) {
        so.rcv.lock.lock();
        try {
            return so.rcvStream.atMarkLocked();
        } finally {
            so.rcv.lock.unlock();
        }
    }
}
