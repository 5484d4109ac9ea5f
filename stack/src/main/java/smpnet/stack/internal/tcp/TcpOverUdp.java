package smpnet.stack.internal.tcp;

import smpnet.stack.internal.sysctl.Sysctl;
import smpnet.stack.internal.udp.Inpcb;
import smpnet.stack.internal.udp.Udp;
import smpnet.stack.internal.wire.ChainChecksum;
import smpnet.stack.internal.wire.Ipv4Header;
import smpnet.stack.internal.wire.UdpHeader;
import smpnet.stack.internal.wire.TcpHeader;
import smpnet.stack.mbuf.Mbuf;
import smpnet.stack.stats.TcpStat;

/**
 * TCP over UDP (FreeBSD's {@code tcp_over_udp_start}, {@code tcp_recv_udp_tunneled_packet} and
 * {@code tcp_ctlinput_viaudp}): while {@code net.inet.tcp.udp_tunneling_port} is not 0, a kernel UDP socket
 * bound to that port hands every datagram it receives to TCP input as a segment from the datagram's source
 * port, and every ICMP error quoting a datagram it sent to TCP's ICMP handling with that port. Setting the
 * port again closes the old socket first; a port already taken is refused (and the port becomes 0). Output
 * through the tunnel is {@link #encapsulate}, called where TCP hands a segment to IP.
 *
 * <p>Locking key: the tunnel's pcb is opened and closed under this object's monitor (the sysctl's writers);
 * input and ICMP errors come from UDP with no lock held.
 */
final class TcpOverUdp implements Udp.Tunnel {
    /** net.inet.tcp.udp_tunneling_overhead's bounds (TCP_TUNNELING_OVERHEAD_MIN and _MAX). */
    static final int MIN_OVERHEAD = UdpHeader.LENGTH;
    static final int MAX_OVERHEAD = 1024;

    private final Tcp tcp;
    private final Udp udp;
    /** The tunnel's UDP pcb, null while the port is 0. */
    private Inpcb pcb;

    TcpOverUdp(Tcp tcp, Udp udp) {
        this.tcp = tcp;
        this.udp = udp;
    }

    void register(Sysctl s) {
        TcpSettings set = tcp.settings;
        s.add("net.inet.tcp.udp_tunneling_port", "local UDP port of TCP over UDP (0: off)", 0, 65535,
                () -> set.udpTunnelingPort, v -> setPort((int) v));
        s.add("net.inet.tcp.udp_tunneling_overhead", "MSS reduction of a connection over UDP", MIN_OVERHEAD,
                MAX_OVERHEAD, () -> set.udpTunnelingOverhead, v -> set.udpTunnelingOverhead = (int) v);
    }

    /** The sysctl's handler: stops the old tunnel, starts one on {@code port} (none for 0). */
    private synchronized void setPort(int port) {
        TcpSettings set = tcp.settings;
        if (pcb != null) {
            udp.detach(pcb);
            pcb = null;
        }
        set.udpTunnelingPort = port;
        if (port == 0) return;
        Inpcb p = udp.attachTunnel(this);
        if (udp.bind(p, 0, port) < 0) {
            udp.detach(p);
            set.udpTunnelingPort = 0;
            throw new IllegalArgumentException("UDP port " + port + " is in use (EADDRINUSE)");
        }
        pcb = p;
    }

    /**
     * tcp_recv_udp_tunneled_packet: the segment behind the UDP header goes to TCP input with the datagram's
     * source port; one too short for a TCP header is counted (tcps_tunneled_errs) and dropped.
     */
    @Override
    public void input(Mbuf m, int hlen, int src, int sport, int dst) {
        tcp.stats.increment(TcpStat.TUNNELED_PKTS);
        if (m.pktLen() < hlen + UdpHeader.LENGTH + TcpHeader.MIN_LENGTH) {
            tcp.stats.increment(TcpStat.TUNNELED_ERRS);
            m.freeChain();
            return;
        }
        tcp.input(m, hlen + UdpHeader.LENGTH, src, dst, sport);
    }

    /**
     * tcp_ctlinput_viaudp: an ICMP error quoting a datagram of the tunnel's port; the TCP header it carried
     * names the connection, the datagram's destination port its encapsulation.
     */
    @Override
    public void ctlinput(int type, int code, int src, int dst, int sport, int dport, byte[] inner, int mtu) {
        if (sport != tcp.settings.udpTunnelingPort) return;
        int tsport = (inner[0] & 0xFF) << 8 | (inner[1] & 0xFF);
        int tdport = (inner[2] & 0xFF) << 8 | (inner[3] & 0xFF);
        int seq = (inner[4] & 0xFF) << 24 | (inner[5] & 0xFF) << 16 | (inner[6] & 0xFF) << 8 | (inner[7] & 0xFF);
        tcp.ctlInput.notify(type, code, src, dst, tsport, tdport, seq, mtu, dport);
    }

    /**
     * TCP over UDP's output (tcp_output and tcp_respond with t_port): a UDP header from the tunneling port
     * {@code sport} (net.inet.tcp.udp_tunneling_port) to {@code port} in front of segment {@code m}, whose TCP
     * checksum becomes 0 while the UDP checksum covers the whole segment, as FreeBSD sends it. Null if no mbuf
     * was available ({@code m} is freed then).
     */
    static Mbuf encapsulate(Mbuf m, int src, int dst, int sport, int port) {
        m.putU16(16, 0); // the header builder wrote the TCP header in the chain's first mbuf
        int len = m.pktLen() + UdpHeader.LENGTH;
        Mbuf u = m.prepend(UdpHeader.LENGTH, Mbuf.M_NOWAIT);
        if (u == null) return null;
        UdpHeader.write(u.data(), sport, port, len);
        UdpHeader.setChecksum(u.data(), ChainChecksum.withPseudoHeader(u, 0, len, src, dst, Ipv4Header.PROTO_UDP));
        return u;
    }
}
