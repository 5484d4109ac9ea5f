package smpnet.stack.tcp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import smpnet.stack.Stack;
import smpnet.stack.StackConfig;
import smpnet.stack.dev.NicConfig;
import smpnet.stack.dev.SimNic;
import smpnet.stack.internal.wire.Checksum;
import smpnet.stack.internal.wire.EthernetHeader;
import smpnet.stack.internal.wire.Ipv4Header;
import smpnet.stack.locks.LockMode;
import smpnet.stack.mbuf.Mbuf;
import smpnet.stack.mbuf.MbufStats;
import smpnet.stack.socket.Errno;
import smpnet.stack.socket.SockOpt;
import smpnet.stack.socket.SocketError;
import smpnet.stack.socket.TcpSocket;
import smpnet.stack.socket.UdpSocket;
import smpnet.stack.stats.TcpStat;
import smpnet.stack.stats.UdpStat;
import smpnet.stack.testing.Frames;
import smpnet.witness.junit.WitnessExtension;

/**
 * TCP over UDP (net.inet.tcp.udp_tunneling_port, TCP_REMOTE_UDP_ENCAPS_PORT): a connection between two hosts
 * runs wholly through the tunnel, its SYN exactly as FreeBSD sends it (UDP from the tunneling port to the
 * remote port, the TCP checksum 0 and the UDP checksum over the segment, the MSS less the overhead); the
 * sysctls and the option refuse what FreeBSD refuses; a tunneled segment is taken on its UDP checksum alone,
 * and a datagram too short for TCP is counted and dropped. No mbuf stays in use.
 */
@ExtendWith(WitnessExtension.class)
class TcpOverUdpTest {
    private static final int A = Ipv4Header.parseAddress("10.0.0.1");
    private static final int B = Ipv4Header.parseAddress("10.0.0.2");
    private static final int PEER = Ipv4Header.parseAddress("10.0.0.9");
    private static final int TUNNEL = 9811;
    private static final int ETHER = 14;

    @ParameterizedTest
    @EnumSource(LockMode.class)
    void aConnectionRunsThroughTheTunnelAndItsSynIsFreeBsds(LockMode mode) {
        List<byte[]> fromA = Collections.synchronizedList(new ArrayList<>());
        byte[] up = TcpTwoHostsTest.pattern(20_000, 7);
        byte[] down = TcpTwoHostsTest.pattern(5_000, 8);
        int[] clientPort = new int[1];
        TcpSim.Result r = TcpSim.runLinked(17, mode, 1, 4096, TcpSim.recordingWire(fromA, f -> true), (a, b, na, nb) -> {
            a.sysctl("net.inet.tcp.udp_tunneling_port", TUNNEL);
            b.sysctl("net.inet.tcp.udp_tunneling_port", TUNNEL);
            TcpSocket lis = b.openTcp().bind(new InetSocketAddress("10.0.0.2", 5001)).listen(1);
            TcpSocket c = a.openTcp();
            c.setOption(SockOpt.TCP_REMOTE_UDP_ENCAPS_PORT, TUNNEL);
            c.connect(new InetSocketAddress("10.0.0.2", 5001));
            clientPort[0] = c.localAddress().getPort();
            TcpSocket s = lis.accept();
            assertEquals(TUNNEL, s.getOption(SockOpt.TCP_REMOTE_UDP_ENCAPS_PORT), "the port its SYN came from");
            assertEquals(TUNNEL, c.getOption(SockOpt.TCP_REMOTE_UDP_ENCAPS_PORT));
            SocketError e = assertThrows(SocketError.class, () -> c.setOption(SockOpt.TCP_REMOTE_UDP_ENCAPS_PORT, 1));
            assertEquals(Errno.EINVAL, e.errno(), "not after connecting");
            assertEquals(up.length, c.write(up));
            assertArrayEquals(up, TcpSim.readExactly(s, up.length));
            assertEquals(down.length, s.write(down));
            assertArrayEquals(down, TcpSim.readExactly(c, down.length));
            c.close();
            s.close();
            lis.close();
            TcpSim.sleep(61_000); // TIME_WAIT ends
        });
        // The SYN: IPv4 (protocol 17, 68 bytes), UDP 9811 > 9811 of 48 bytes, then the TCP header with its options.
        byte[] syn = null;
        for (byte[] f : fromA) {
            if (f.length > ETHER + 28 + 13 && (f[ETHER + 9] & 0xFF) == Ipv4Header.PROTO_UDP && (f[ETHER + 28 + 13] & 0x12) == 0x02) {
                syn = f;
                break;
            }
        }
        assertNotNull(syn, "a tunneled SYN");
        int ip = ETHER;
        assertEquals(0x45, syn[ip] & 0xFF);
        assertEquals(20 + 8 + 40, u16(syn, ip + 2), "IP total length");
        assertEquals(Ipv4Header.PROTO_UDP, syn[ip + 9] & 0xFF);
        assertEquals(A, s32(syn, ip + 12));
        assertEquals(B, s32(syn, ip + 16));
        int udp = ip + 20;
        assertEquals(TUNNEL, u16(syn, udp), "from the tunneling port");
        assertEquals(TUNNEL, u16(syn, udp + 2), "to TCP_REMOTE_UDP_ENCAPS_PORT");
        assertEquals(8 + 40, u16(syn, udp + 4), "UDP length: its header and the whole segment");
        assertNotEquals(0, u16(syn, udp + 6), "a UDP checksum");
        MemorySegment d = MemorySegment.ofArray(syn);
        assertEquals(0, new Checksum().addPseudoHeader(A, B, Ipv4Header.PROTO_UDP, 48).add(d, udp, 48).finish(),
                "the UDP checksum covers the segment");
        int tcp = udp + 8;
        assertEquals(clientPort[0], u16(syn, tcp));
        assertEquals(5001, u16(syn, tcp + 2));
        assertEquals(10 << 4, syn[tcp + 12] & 0xFF, "40 bytes of TCP header");
        assertEquals(0x02, syn[tcp + 13] & 0xFF, "SYN");
        assertEquals(0, u16(syn, tcp + 16), "the TCP checksum is 0: the UDP checksum stands for it");
        assertArrayEquals(new byte[] {2, 4, (byte) (1452 >> 8), (byte) (1452 & 0xFF), 1, 3, 3, 6, 4, 2, 8, 10},
                java.util.Arrays.copyOfRange(syn, tcp + 20, tcp + 32), "MSS 1500 - 40 - 8, then wscale, sackOK, TS");
        for (Stack h : new Stack[] {r.a(), r.b()}) {
            long received = h.tcpStats().get(TcpStat.RCVTOTAL);
            assertTrue(received > 10, h.name() + " received " + received);
            assertEquals(received, h.tcpStats().get(TcpStat.TUNNELED_PKTS), h.name() + ": every segment came through the tunnel");
            assertEquals(0, h.tcpStats().get(TcpStat.TUNNELED_ERRS));
            assertEquals(0, h.tcpStats().get(TcpStat.RCVBADSUM));
            assertEquals(0, h.udpStats().get(UdpStat.DELIVERED), "UDP passed each up to the tunnel, no socket");
            Stack.InputOutcomes o = h.inputOutcomes();
            assertTrue(o.balanced(), o.toString());
            MbufStats m = h.allocator().stats();
            assertEquals(0, m.mbufs().inUse(), m.toString());
            assertEquals(0, m.clusters().inUse(), m.toString());
        }
    }

    /** The sysctls' bounds, the socket they open, and the option's rules (FreeBSD's tcp_default_ctloutput). */
    @Test
    void theSysctlsAndTheOptionRefuseWhatFreeBsdRefuses() throws Exception {
        Stack h = Stack.create(StackConfig.defaults("h").withMode(LockMode.FINE));
        try {
            h.addNic("em0", "10.0.0.1/24", NicConfig.of(1));
            h.start();
            assertEquals(0, h.sysctl("net.inet.tcp.udp_tunneling_port"), "off by default");
            assertEquals(8, h.sysctl("net.inet.tcp.udp_tunneling_overhead"));
            assertThrows(IllegalArgumentException.class, () -> h.sysctl("net.inet.tcp.udp_tunneling_overhead", 7));
            assertThrows(IllegalArgumentException.class, () -> h.sysctl("net.inet.tcp.udp_tunneling_overhead", 1025));
            assertThrows(IllegalArgumentException.class, () -> h.sysctl("net.inet.tcp.udp_tunneling_port", 65536));
            TcpSocket t = h.openTcp();
            assertEquals(Errno.EINVAL, assertThrows(SocketError.class,
                    () -> t.setOption(SockOpt.TCP_REMOTE_UDP_ENCAPS_PORT, 1)).errno(), "no tunnel: only 0");
            t.setOption(SockOpt.TCP_REMOTE_UDP_ENCAPS_PORT, 0);
            // The tunnel's socket holds its port: taken by another socket, the sysctl refuses it and stays 0.
            UdpSocket u = h.openUdp().bind(TUNNEL);
            assertThrows(IllegalArgumentException.class, () -> h.sysctl("net.inet.tcp.udp_tunneling_port", TUNNEL));
            assertEquals(0, h.sysctl("net.inet.tcp.udp_tunneling_port"));
            u.close();
            h.sysctl("net.inet.tcp.udp_tunneling_port", TUNNEL);
            assertThrows(java.io.IOException.class, () -> h.openUdp().bind(TUNNEL), "the tunnel holds the port");
            t.setOption(SockOpt.TCP_REMOTE_UDP_ENCAPS_PORT, 65535);
            assertEquals(65535, t.getOption(SockOpt.TCP_REMOTE_UDP_ENCAPS_PORT));
            assertEquals(Errno.EINVAL, assertThrows(SocketError.class,
                    () -> t.setOption(SockOpt.TCP_REMOTE_UDP_ENCAPS_PORT, 65536)).errno());
            assertEquals(Errno.EINVAL, assertThrows(SocketError.class,
                    () -> t.setOption(SockOpt.TCP_REMOTE_UDP_ENCAPS_PORT, -1)).errno());
            h.sysctl("net.inet.tcp.udp_tunneling_port", 9812); // moves: 9811 is free again, 9812 taken
            h.openUdp().bind(TUNNEL).close();
            assertThrows(java.io.IOException.class, () -> h.openUdp().bind(9812));
            h.sysctl("net.inet.tcp.udp_tunneling_port", 0);
            h.openUdp().bind(9812).close();
            t.close();
        } finally {
            h.close();
        }
    }

    /**
     * Input through the tunnel: a segment's TCP checksum is not looked at (the UDP checksum covered it; FreeBSD
     * sends 0), a datagram with a bad UDP checksum never reaches TCP, and one too short for a TCP header is
     * counted as tcps_tunneled_errs. The SYN-ACK goes back through the tunnel to the SYN's port.
     */
    @Test
    void tunneledInputIsCheckedByUdpAndCounted() throws Exception {
        Stack h = Stack.create(StackConfig.defaults("h").withMode(LockMode.FINE));
        List<byte[]> sent = Collections.synchronizedList(new ArrayList<>());
        try {
            SimNic nic = h.addNic("em0", "10.0.0.1/24", NicConfig.of(1));
            nic.attachLink(f -> {
                byte[] b = new byte[f.pktLen()];
                f.copyData(0, b.length, b, 0);
                f.freeChain();
                sent.add(b);
                if (u16(b, 12) == 0x0806 && u16(b, ETHER + 6) == 1) { // ARP request: the peer answers
                    long asker = (long) u16(b, ETHER + 8) << 32 | (s32(b, ETHER + 10) & 0xFFFF_FFFFL);
                    byte[] reply = Frames.ether(asker, 0x020000000099L, 0x0806, Frames.arp(2, 0x020000000099L, PEER, asker, A));
                    nic.receive(h.allocator().fromBytes(reply, 0, reply.length, Mbuf.M_NOWAIT));
                }
            });
            h.start();
            h.sysctl("net.inet.tcp.udp_tunneling_port", TUNNEL);
            TcpSocket lis = h.openTcp().bind(new InetSocketAddress("10.0.0.1", 80)).listen(5);
            byte[] synBadTcpSum = Frames.tcp(PEER, A, 40000, 80, 1000, 0, 0x02, 65535, new byte[0]);
            synBadTcpSum[16] ^= 0x55; // the TCP checksum is wrong: through the tunnel that does not matter
            byte[] good = Frames.udp(PEER, A, 4000, TUNNEL, synBadTcpSum);
            byte[] badUdpSum = Frames.udp(PEER, A, 4001, TUNNEL, Frames.tcp(PEER, A, 40001, 80, 1, 0, 0x02, 65535, new byte[0]));
            badUdpSum[6] ^= 0x55;
            byte[] tooShort = Frames.udp(PEER, A, 4002, TUNNEL, new byte[12]);
            for (byte[] u : new byte[][] {good, badUdpSum, tooShort}) {
                byte[] f = Frames.ether(nic.mac().bits(), 0x020000000099L, EthernetHeader.TYPE_IPV4,
                        Frames.ipv4(PEER, A, Ipv4Header.PROTO_UDP, 64, 0, 7, u));
                assertTrue(nic.receive(h.allocator().fromBytes(f, 0, f.length, Mbuf.M_WAIT)));
            }
            for (int i = 0; i < 3; i++) h.quiesce();
            assertEquals(2, h.tcpStats().get(TcpStat.TUNNELED_PKTS));
            assertEquals(1, h.tcpStats().get(TcpStat.TUNNELED_ERRS));
            assertEquals(1, h.tcpStats().get(TcpStat.RCVTOTAL));
            assertEquals(0, h.tcpStats().get(TcpStat.RCVBADSUM));
            assertEquals(1, h.tcpStats().get(TcpStat.SC_ADDED));
            assertEquals(1, h.udpStats().get(UdpStat.BAD_CHECKSUM));
            assertEquals(0, h.udpStats().get(UdpStat.DELIVERED));
            byte[] synAck = null;
            for (byte[] f : sent) if ((f[ETHER + 9] & 0xFF) == Ipv4Header.PROTO_UDP) synAck = f;
            assertNotNull(synAck, "a tunneled SYN-ACK among " + sent.size() + " frames");
            assertEquals(TUNNEL, u16(synAck, ETHER + 20));
            assertEquals(4000, u16(synAck, ETHER + 22), "back to the SYN's UDP port");
            assertEquals(0x12, synAck[ETHER + 28 + 13] & 0xFF, "SYN-ACK");
            assertEquals(1001, s32(synAck, ETHER + 28 + 8), "acknowledging the SYN");
            assertEquals(1452, u16(synAck, ETHER + 28 + 22), "its MSS option less the overhead");
            lis.close();
            for (int i = 0; i < 3; i++) h.quiesce();
            Stack.InputOutcomes o = h.inputOutcomes();
            assertTrue(o.balanced(), o.toString());
            assertEquals(0, h.allocator().stats().mbufs().inUse(), h.allocator().stats().toString());
        } finally {
            h.close();
        }
    }

    private static int u16(byte[] b, int off) { return (b[off] & 0xFF) << 8 | (b[off + 1] & 0xFF); }

    private static int s32(byte[] b, int off) { return u16(b, off) << 16 | u16(b, off + 2); }
}
