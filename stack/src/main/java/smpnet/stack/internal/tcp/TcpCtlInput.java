package smpnet.stack.internal.tcp;

import smpnet.stack.internal.icmp.Icmp;
import smpnet.stack.internal.wire.IcmpHeader;
import smpnet.stack.socket.TcpState;

/**
 * ICMP errors for TCP (FreeBSD's {@code tcp_ctlinput} and {@code tcp_notify}): ICMP input asks whether a
 * quoted segment is one of ours and in flight ({@link #sent}), then reports the error ({@link #notify}):
 * "fragmentation needed" lowers the path MTU ({@link TcpMss#mtuDiscoveryLocked}), a hard error ends a
 * connection still in SYN-SENT (net.inet.tcp.icmp_may_rst), other errors are kept as the connection's soft
 * error; a quoted segment of a half-open connection goes to the SYN cache. ICMP input calls this object
 * (registered for protocol 6 by {@link Tcp}) from the thread running input.
 *
 * <p>Locking key: each call takes {@code tcbinfo} (read) for the lookup, then the connection's inp, and
 * releases tcbinfo once inp is held ({@link #lockConnection}); what it does to the connection runs under inp,
 * released through {@code Tcp.unlock}, which sends what waited for it.
 */
final class TcpCtlInput implements Icmp.ControlInput {
    private final Tcp tcp;

    TcpCtlInput(Tcp tcp) { this.tcp = tcp; }

    @Override
    public boolean sent(int src, int dst, int srcPort, int dstPort) {
        return sent(src, dst, srcPort, dstPort, 0, false);
    }

    @Override
    public boolean sent(int src, int dst, int srcPort, int dstPort, int quotedSeq) {
        return sent(src, dst, srcPort, dstPort, quotedSeq, true);
    }

    /** True if a connection sent {@code src:srcPort -> dst:dstPort} and, if checked, {@code seq} is unacknowledged. */
    private boolean sent(int src, int dst, int srcPort, int dstPort, int seq, boolean checkSeq) {
        Tcpcb tp = lockConnection(src, srcPort, dst, dstPort);
        if (tp == null) return false;
        try {
            return !checkSeq || (TcpSeq.ge(seq, tp.sndUna) && TcpSeq.lt(seq, tp.sndMax));
        } finally {
            tcp.unlock(tp);
        }
    }

    @Override
    public void notify(int type, int code, int src, int dst, int srcPort, int dstPort) {
        // Only the variant with the quoted sequence number is acted on: RFC 5927 4.1, check it is in flight.
    }

    @Override
    public void notify(int type, int code, int src, int dst, int srcPort, int dstPort, int quotedSeq, int nextHopMtu) {
        notify(type, code, src, dst, srcPort, dstPort, quotedSeq, nextHopMtu, 0);
    }

    /**
     * tcp_ctlinput_with_port: as {@link #notify(int, int, int, int, int, int, int, int)} for a segment that went
     * through the UDP tunnel to remote UDP port {@code port} (0: a plain one); only a connection (or SYN cache
     * entry) with that encapsulation is concerned.
     */
    void notify(int type, int code, int src, int dst, int srcPort, int dstPort, int quotedSeq, int nextHopMtu, int port) {
        if (type != IcmpHeader.DEST_UNREACHABLE && type != IcmpHeader.TIME_EXCEEDED) return;
        boolean fragNeeded = type == IcmpHeader.DEST_UNREACHABLE && code == IcmpHeader.CODE_FRAG_NEEDED;
        int errno = icmpErrno(type, code);
        if (errno == 0 && !fragNeeded) return; // a message that means nothing to TCP (icmp_errmap gives 0)
        Tcpcb tp = lockConnection(src, srcPort, dst, dstPort);
        if (tp == null) {
            tcp.syncache.unreach(src, srcPort, dst, dstPort, quotedSeq, port);
            return;
        }
        try {
            if (tp.port != port) return; // sent with another encapsulation than the quoted one
            if (TcpSeq.lt(quotedSeq, tp.sndUna) || TcpSeq.ge(quotedSeq, tp.sndMax)) return; // not in flight: forged or stale
            if (fragNeeded) {
                TcpMss.mtuDiscoveryLocked(tp, nextHopMtu);
                return;
            }
            // tcp_ctlinput: with net.inet.tcp.icmp_may_rst, port/protocol unreachable, administratively
            // prohibited and time exceeded in transit end a connection in SYN-SENT (tcp_drop_syn_sent) and are
            // otherwise ignored; every other error goes to tcp_notify.
            if (tcp.settings.icmpMayRst && (errno == Tcp.ECONNREFUSED || type == IcmpHeader.TIME_EXCEEDED)) {
                if (tp.state == TcpState.SYN_SENT) {
                    if (tp.has(Tcpcb.TF_FASTOPEN) && tp.tfoClientCookie != null) tcp.fastOpen.disablePathLocked(tp);
                    tcp.dropLocked(tp, errno);
                }
            } else if (tp.state == TcpState.ESTABLISHED && errno == Tcp.EHOSTUNREACH) {
                // tcp_notify: a transient routing problem does not trouble an established connection
            } else if (!tp.haveEstablished() && tp.rxtShift > 3 && tp.softError != 0) {
                tcp.dropLocked(tp, errno);
            } else {
                tp.softError = errno; // reported if the connection times out
            }
        } finally {
            tcp.unlock(tp);
        }
    }

    /**
     * icmp_errmap: the errno an ICMP destination-unreachable or time-exceeded message means to TCP, 0 for one
     * that means nothing (unknown codes, reassembly time exceeded). Fragmentation needed is handled apart.
     */
    static int icmpErrno(int type, int code) {
        if (type == IcmpHeader.TIME_EXCEEDED) return code == IcmpHeader.CODE_TTL_EXCEEDED ? Tcp.EHOSTUNREACH : 0;
        return switch (code) {
            // protocol and port unreachable; network, host and filter administratively prohibited
            case 2, IcmpHeader.CODE_PORT_UNREACHABLE, 9, 10, 13 -> Tcp.ECONNREFUSED;
            // network, host, source route, unknown network or host, isolated, TOS and precedence
            case 0, 1, 5, 6, 7, 8, 11, 12, 14, 15 -> Tcp.EHOSTUNREACH;
            default -> 0;
        };
    }

    /** The connection with this 4-tuple, locked, or null. */
    private Tcpcb lockConnection(int laddr, int lport, int faddr, int fport) {
        Tcpcb tp;
        tcp.table.tcbinfo.lockShared();
        try {
            tp = tcp.table.lookupConnectionLocked(laddr, lport, faddr, fport);
            if (tp != null) tp.lock.lock();
        } finally {
            tcp.table.tcbinfo.unlockShared();
        }
        if (tp != null && tp.dropped) {
            tp.lock.unlock();
            return null;
        }
        return tp;
    }
}
