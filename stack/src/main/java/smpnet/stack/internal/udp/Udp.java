package smpnet.stack.internal.udp;

import smpnet.stack.internal.icmp.Icmp;
import smpnet.stack.internal.ip.IpInput;
import smpnet.stack.internal.ip.IpOutput;
import smpnet.stack.internal.ip.ProtocolInput;
import smpnet.stack.locks.LockInventory;
import smpnet.stack.locks.StackLocks;
import smpnet.stack.internal.Planted;
import smpnet.stack.mbuf.Mbuf;
import smpnet.stack.stats.Counters;
import smpnet.stack.internal.wire.ChainChecksum;
import smpnet.stack.internal.wire.IcmpHeader;
import smpnet.stack.internal.wire.Ipv4Header;
import smpnet.stack.internal.wire.MalformedPacketException;
import smpnet.stack.internal.wire.UdpHeader;
import smpnet.stack.stats.UdpStat;

/**
 * UDP (RFC 768) of one host: input with checksum and demultiplexing to a pcb, output, and the pcb
 * operations the socket layer calls. Lock order (DESIGN.md): {@code udbinfo}, then {@code inp}, then the
 * socket buffer the receiver takes; output runs with none of them held.
 */
public final class Udp implements ProtocolInput, Icmp.ControlInput {
    /** What {@link #send} did. */
    public enum SendResult { SENT, NOT_CONNECTED, NO_ROUTE, TOO_BIG, NO_BUFFERS, DROPPED, NO_PORTS, NET_DOWN }

    /**
     * A kernel socket's tunnel (FreeBSD's {@code udp_set_kernel_tunneling}): the datagrams its pcb receives go
     * to {@link #input} instead of a socket buffer, and the ICMP errors quoting a datagram it sent to
     * {@link #ctlinput}. Both are called with no lock held.
     */
    public interface Tunnel {
        /**
         * A datagram for the tunnel's port, its UDP checksum verified: {@code m} starts with the IP header
         * ({@code hlen} bytes) followed by the UDP header, from {@code src:sport} to {@code dst}. Takes ownership.
         */
        void input(Mbuf m, int hlen, int src, int sport, int dst);

        /**
         * An ICMP error quoting a datagram {@code src:sport -> dst:dport} of the tunnel's port; {@code inner}
         * holds the 8 bytes the error quotes after the UDP header; {@code mtu} is the next-hop MTU or 0.
         */
        void ctlinput(int type, int code, int src, int dst, int sport, int dport, byte[] inner, int mtu);
    }

    private final Counters<UdpStat> stats = new Counters<>("udp", UdpStat.class);
    private final StackLocks locks;
    private final PcbTable table;
    private final IpInput ipInput;
    private final IpOutput ipOutput;
    private final Icmp icmp;

    public Udp(StackLocks locks, IpInput ipInput, IpOutput ipOutput, Icmp icmp) {
        this.locks = locks;
        this.table = new PcbTable(locks.rwlock(LockInventory.UDBINFO));
        this.ipInput = ipInput;
        this.ipOutput = ipOutput;
        this.icmp = icmp;
        ipInput.register(Ipv4Header.PROTO_UDP, this);       // udp_input, called by IpInput.deliver
        icmp.registerTransport(Ipv4Header.PROTO_UDP, this); // udp_ctlinput, called by ICMP input
    }

    public Counters<UdpStat> stats() { return stats; }

    /** The ephemeral port range {first, last} (net.inet.ip.portrange.first, .last). */
    public int[] portRange() { return table.portRange(); }

    /** Sets the ephemeral port range; throws IllegalArgumentException unless 1 <= first <= last <= 65535. */
    public void setPortRange(int first, int last) { table.setPortRange(first, last); }

    // ---- input ----------------------------------------------------------------------------------------

    @Override
    public void input(Mbuf packet, int hlen, int src, int dst) {
        stats.increment(UdpStat.RECEIVED);
        int ipPayload = packet.pktLen() - hlen;
        Mbuf m = ipPayload >= UdpHeader.LENGTH ? packet.pullup(hlen + UdpHeader.LENGTH) : null;
        if (m == null) {
            if (ipPayload < UdpHeader.LENGTH) packet.freeChain();
            stats.increment(UdpStat.TOO_SHORT);
            return;
        }
        UdpHeader u;
        try {
            u = new UdpHeader(m.data().asSlice(hlen), ipPayload);
        } catch (MalformedPacketException e) {
            drop(m, UdpStat.BAD_LENGTH);
            return;
        }
        int ulen = u.length();
        if (Planted.UDP && u.destinationPort() == 9 && (ulen & 1) == 1) stats.increment(UdpStat.DELIVERED);
        if (ulen < ipPayload) m.adj(ulen - ipPayload); // RFC 768: the UDP length rules; IP carried extra bytes
        if (u.checksum() == 0) {
            stats.increment(UdpStat.NO_CHECKSUM);
        } else if (ChainChecksum.withPseudoHeader(m, hlen, ulen, src, dst, Ipv4Header.PROTO_UDP) != 0) {
            drop(m, UdpStat.BAD_CHECKSUM);
            return;
        }
        demux(m, hlen, src, u.sourcePort(), dst, u.destinationPort());
    }

    private void demux(Mbuf m, int hlen, int src, int sport, int dst, int dport) {
        Inpcb pcb;
        table.udbinfo.lockShared();
        try {
            pcb = table.lookupLocked(dst, dport, src, sport);
            if (pcb != null) pcb.lock.lock(); // udbinfo before inp; udbinfo is dropped as soon as inp is held
        } finally {
            table.udbinfo.unlockShared();
        }
        if (pcb == null) {
            noPort(m, dst);
            return;
        }
        if (pcb.tunnel != null) { // a kernel tunnel: the datagram, headers and all, goes to its function
            boolean detached = pcb.detached;
            pcb.lock.unlock();
            if (detached) {
                drop(m, UdpStat.FULL_SOCKET_BUFFER);
            } else {
                pcb.tunnel.input(m, hlen, src, sport, dst); // passed up, as IP passes a packet up: the tunnel counts it
            }
            return;
        }
        try {
            m.adj(hlen + UdpHeader.LENGTH);
            if (pcb.detached || !pcb.receiver.deliverLocked(src, sport, m)) {
                drop(m, UdpStat.FULL_SOCKET_BUFFER);
            } else {
                stats.increment(UdpStat.DELIVERED);
            }
        } finally {
            pcb.lock.unlock();
        }
    }

    /** RFC 1122 4.1.3.1: port unreachable, except for broadcasts. */
    private void noPort(Mbuf m, int dst) {
        if (ipInput.isBroadcast(dst) || (dst >>> 28) == 0xe) {
            drop(m, UdpStat.NO_PORT_BROADCAST);
            return;
        }
        stats.increment(UdpStat.NO_PORT);
        icmp.error(m, IcmpHeader.DEST_UNREACHABLE, IcmpHeader.CODE_PORT_UNREACHABLE, 0);
    }

    /** ICMP error about one of our datagrams: only a connected socket can be told (as BSD does). */
    @Override
    public void notify(int type, int code, int src, int dst, int srcPort, int dstPort) {
        if (type != IcmpHeader.DEST_UNREACHABLE) return;
        int error = code == IcmpHeader.CODE_PORT_UNREACHABLE ? UdpReceiver.ECONNREFUSED : UdpReceiver.EHOSTUNREACH;
        table.udbinfo.lockShared();
        Inpcb pcb;
        try {
            pcb = table.lookupLocked(src, srcPort, dst, dstPort);
            if (pcb != null && !pcb.isConnected()) pcb = null;
            if (pcb != null) pcb.lock.lock();
        } finally {
            table.udbinfo.unlockShared();
        }
        if (pcb == null) return;
        try {
            if (!pcb.detached) pcb.receiver.errorLocked(error);
        } finally {
            pcb.lock.unlock();
        }
    }

    /**
     * An ICMP error with the quoted datagram: a tunnel's pcb gets the 8 bytes after the quoted UDP header
     * (FreeBSD's udp_common_ctlinput calling the tunnel's ICMP function); a quote too short for them is
     * ignored. Anything else goes to a socket as {@link #notify(int, int, int, int, int, int)}.
     */
    @Override
    public void notify(int type, int code, int src, int dst, int srcPort, int dstPort, int quotedWord, int mtu,
                       Mbuf quote, int udpOffset) {
        Tunnel t;
        table.udbinfo.lockShared();
        try {
            Inpcb pcb = table.lookupLocked(src, srcPort, dst, dstPort);
            t = pcb == null || pcb.detached ? null : pcb.tunnel;
        } finally {
            table.udbinfo.unlockShared();
        }
        if (t == null) {
            notify(type, code, src, dst, srcPort, dstPort);
            return;
        }
        if (quote.pktLen() < udpOffset + UdpHeader.LENGTH + 8) return;
        byte[] inner = new byte[8];
        quote.copyData(udpOffset + UdpHeader.LENGTH, 8, inner, 0);
        t.ctlinput(type, code, src, dst, srcPort, dstPort, inner, mtu);
    }

    /** True if a pcb is bound to {@code src:srcPort} that may send to {@code dst:dstPort} (path MTU checks). */
    @Override
    public boolean sent(int src, int dst, int srcPort, int dstPort) {
        table.udbinfo.lockShared();
        try {
            return table.lookupLocked(src, srcPort, dst, dstPort) != null;
        } finally {
            table.udbinfo.unlockShared();
        }
    }

    // ---- the socket layer's calls ---------------------------------------------------------------------

    /** A new unbound pcb whose datagrams go to {@code receiver}. */
    public Inpcb attach(UdpReceiver receiver) { return new Inpcb(locks.mutex(LockInventory.INP), receiver); }

    /** A new unbound pcb of a kernel tunnel: what it receives goes to {@code tunnel} (bind it, detach it). */
    public Inpcb attachTunnel(Tunnel tunnel) {
        return new Inpcb(locks.mutex(LockInventory.INP), null, java.util.Objects.requireNonNull(tunnel, "tunnel"));
    }

    /** Binds to {@code addr:port} (0: any address / an ephemeral port); returns the port or -1 if in use. */
    public int bind(Inpcb pcb, int addr, int port) {
        table.udbinfo.lock();
        try {
            pcb.lock.lock();
            try {
                if (pcb.detached) return -1;
                if (pcb.localPort != 0) throw new IllegalStateException("already bound");
                return table.bindLocked(pcb, addr, port);
            } finally {
                pcb.lock.unlock();
            }
        } finally {
            table.udbinfo.unlock();
        }
    }

    /**
     * Connects to {@code faddr:fport}: binds an ephemeral port if unbound and fixes the local address to
     * the one facing the destination. Returns the result (SENT meaning success).
     */
    public SendResult connect(Inpcb pcb, int faddr, int fport) {
        int laddr = ipOutput.sourceFor(faddr);
        if (laddr == 0) return SendResult.NO_ROUTE;
        table.udbinfo.lock();
        try {
            pcb.lock.lock();
            try {
                if (pcb.localPort == 0 && table.bindLocked(pcb, 0, 0) < 0) return SendResult.NO_PORTS;
                table.connectLocked(pcb, pcb.localAddr != 0 ? pcb.localAddr : laddr, faddr, fport);
                return SendResult.SENT;
            } finally {
                pcb.lock.unlock();
            }
        } finally {
            table.udbinfo.unlock();
        }
    }

    /** Removes the pcb; input racing with this finds it detached. */
    public void detach(Inpcb pcb) {
        table.udbinfo.lock();
        try {
            pcb.lock.lock();
            try {
                if (!pcb.detached) table.removeLocked(pcb);
            } finally {
                pcb.lock.unlock();
            }
        } finally {
            table.udbinfo.unlock();
        }
    }

    /** The local port, 0 if unbound. */
    public int localPort(Inpcb pcb) {
        pcb.lock.lock();
        try {
            return pcb.localPort;
        } finally {
            pcb.lock.unlock();
        }
    }

    /** The local address, 0 if bound to any. */
    public int localAddress(Inpcb pcb) {
        pcb.lock.lock();
        try {
            return pcb.localAddr;
        } finally {
            pcb.lock.unlock();
        }
    }

    /**
     * Sends {@code payload} (with leading space for headers) to {@code faddr:fport}, or to the connected
     * peer when {@code fport} is 0. Takes ownership. Binds an ephemeral port first if needed.
     */
    public SendResult send(Inpcb pcb, Mbuf payload, int faddr, int fport) {
        int laddr;
        int lport;
        pcb.lock.lock();
        try {
            if (fport == 0) {
                if (!pcb.isConnected()) {
                    payload.freeChain();
                    return SendResult.NOT_CONNECTED;
                }
                faddr = pcb.foreignAddr;
                fport = pcb.foreignPort;
            }
            laddr = pcb.localAddr;
            lport = pcb.localPort;
        } finally {
            pcb.lock.unlock();
        }
        if (lport == 0 && (lport = bind(pcb, 0, 0)) < 0) {
            payload.freeChain();
            return SendResult.NO_PORTS;
        }
        return output(payload, laddr, lport, faddr, fport);
    }

    private SendResult output(Mbuf payload, int laddr, int lport, int faddr, int fport) {
        int src = laddr != 0 ? laddr : ipOutput.sourceFor(faddr);
        if (src == 0) {
            payload.freeChain();
            return SendResult.NO_ROUTE;
        }
        int len = payload.pktLen() + UdpHeader.LENGTH;
        if (len > 65535 - Ipv4Header.MIN_LENGTH) {
            payload.freeChain();
            return SendResult.TOO_BIG;
        }
        Mbuf m = payload.prepend(UdpHeader.LENGTH, Mbuf.M_NOWAIT);
        if (m == null) {
            stats.increment(UdpStat.NO_BUFFERS);
            return SendResult.NO_BUFFERS;
        }
        UdpHeader.write(m.data(), lport, fport, len);
        UdpHeader.setChecksum(m.data(), ChainChecksum.withPseudoHeader(m, 0, len, src, faddr, Ipv4Header.PROTO_UDP));
        stats.increment(UdpStat.SENT);
        return switch (ipOutput.output(m, src, faddr, Ipv4Header.PROTO_UDP, IpOutput.DEFAULT_TTL, false)) {
            case SENT -> SendResult.SENT;
            case NO_ROUTE -> SendResult.NO_ROUTE;
            case TOO_BIG -> SendResult.TOO_BIG;
            case NO_BUFFERS -> SendResult.NO_BUFFERS;
            case DROPPED -> SendResult.DROPPED;
            case NET_DOWN -> SendResult.NET_DOWN;
        };
    }

    private void drop(Mbuf m, UdpStat why) {
        stats.increment(why);
        m.freeChain();
    }
}
