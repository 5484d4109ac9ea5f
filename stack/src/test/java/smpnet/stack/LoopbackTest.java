package smpnet.stack;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import smpnet.stack.stats.EtherStat;
import smpnet.stack.socket.Ping;
import smpnet.stack.locks.LockMode;
import smpnet.stack.net.IfCounters;
import smpnet.stack.dev.Loopback;
import smpnet.stack.dev.SimNic;
import smpnet.stack.socket.Datagram;
import smpnet.stack.socket.UdpSocket;
import smpnet.stack.testing.Frames;
import smpnet.stack.internal.wire.Ipv4Header;
import smpnet.witness.junit.WitnessExtension;

/**
 * Every host has lo0 (127.0.0.1/8): traffic to 127/8 goes out through it without ARP and comes back up
 * through its interrupt thread; 127/8 packets arriving on a NIC are martians (RFC 1122 3.2.1.3).
 */
@ExtendWith(WitnessExtension.class)
class LoopbackTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    /** 14 Ethernet + 20 IP + 8 UDP + 100 data bytes. */
    private static final int UDP_FRAME = 142;
    /** 14 Ethernet + 20 IP + 8 ICMP + 56 data bytes (ping's default). */
    private static final int PING_FRAME = 98;

    @TempDir Path dir;

    @ParameterizedTest
    @EnumSource(LockMode.class)
    void udpOverLo0(LockMode mode) throws Exception {
        byte[] data = new byte[100];
        for (int i = 0; i < data.length; i++) data[i] = (byte) (i * 7 + 3);
        try (Hosts h = new Hosts()) {
            Stack a = h.host("a", mode);
            SimNic em0 = Hosts.nic(a, "em0", "10.0.0.1/24");
            h.start();
            try (UdpSocket rx = a.openUdp().bind(new InetSocketAddress("127.0.0.1", 7000)).setReceiveTimeout(WAIT);
                 UdpSocket wild = a.openUdp().bind(7001).setReceiveTimeout(WAIT);
                 UdpSocket tx = a.openUdp().bind(40000)) {
                tx.sendTo(data, new InetSocketAddress("127.0.0.1", 7000));
                Datagram d = rx.receiveFrom();
                assertArrayEquals(data, d.data());
                assertEquals(new InetSocketAddress("127.0.0.1", 40000), d.source());
                tx.sendTo(data, new InetSocketAddress("127.0.0.1", 7001));
                assertArrayEquals(data, wild.receiveFrom().data());
            }
            h.settle();
            Loopback lo0 = a.loopback();
            assertEquals(new IfCounters(0, 0, 0, 0, 2, 2 * UDP_FRAME, 0, 0), lo0.txCounters(0));
            assertEquals(new IfCounters(2, 2 * UDP_FRAME, 0, 0, 0, 0, 0, 0), lo0.rxCounters(0));
            assertEquals(IfCounters.ZERO, em0.txCounters(0), "nothing to 127/8 leaves on a NIC");
            assertEquals("RECEIVED=2 DELIVERED=2 SENT=2", a.udpStats().nonZero());
            assertEquals("RECEIVED=2 DELIVERED=2 SENT=2", a.ipStats().nonZero());
            assertEquals("RECEIVED=2 SENT=2", a.etherStats().nonZero());
            assertEquals("", a.arpStats().nonZero(), "loopback resolves nothing");
        }
    }

    @ParameterizedTest
    @EnumSource(LockMode.class)
    void pingLocalhost(LockMode mode) {
        try (Hosts h = new Hosts()) {
            Stack a = h.host("a", mode);
            h.start();
            Ping.Result p = a.ping("127.0.0.1", 2, Duration.ZERO, WAIT);
            assertEquals("2 packets transmitted, 2 received, 0% packet loss", p.summary().lines().findFirst().orElseThrow());
            h.settle();
            assertEquals(new IfCounters(4, 4 * PING_FRAME, 0, 0, 0, 0, 0, 0), a.loopback().rxCounters(0),
                    "2 requests and 2 replies");
            assertEquals("RECEIVED=4 DELIVERED=4 SENT=4", a.ipStats().nonZero());
            assertEquals("RECEIVED=4 ECHO_REQUESTS=2 ECHO_REPLIES_RECEIVED=2 CONSUMED=4 ECHO_REPLIES_SENT=2 ECHO_REQUESTS_SENT=2",
                    a.icmpStats().nonZero());
        }
    }

    @ParameterizedTest
    @EnumSource(LockMode.class)
    void loopbackAddressesOnANicAreMartians(LockMode mode) throws Exception {
        try (Hosts h = new Hosts()) {
            Stack a = h.host("a", mode);
            SimNic em0 = Hosts.nic(a, "em0", "10.0.0.1/24");
            h.start();
            try (UdpSocket rx = a.openUdp().bind(7000)) {
                Hosts.injectIp(a, em0, udpPacket("10.0.0.9", "127.0.0.1"));
                Hosts.injectIp(a, em0, udpPacket("127.0.0.1", "10.0.0.1"));
                h.settle();
                assertEquals(0, rx.receiveQueued());
            }
            assertEquals("RECEIVED=2 MARTIAN=2", a.ipStats().nonZero());
            assertEquals("", a.udpStats().nonZero());
            assertEquals(2, a.etherStats().get(EtherStat.RECEIVED));
        }
    }

    @ParameterizedTest
    @EnumSource(LockMode.class)
    void lo0CaptureReadsClean(LockMode mode) throws Exception {
        Path pcap = dir.resolve("lo0.pcap");
        try (Hosts h = new Hosts()) {
            Stack a = h.host("a", mode);
            a.capture(a.loopback(), pcap);
            h.start();
            try (UdpSocket rx = a.openUdp().bind(7000).setReceiveTimeout(WAIT); UdpSocket tx = a.openUdp().bind(40000)) {
                tx.sendTo("over lo0".getBytes(), new InetSocketAddress("127.0.0.1", 7000));
                assertEquals("over lo0", rx.receiveFrom().text());
            }
            assertEquals(1, a.ping("127.0.0.1", 1, Duration.ZERO, WAIT).received());
            h.settle();
        }
        assertEquals("", Hosts.tsharkProblems(pcap));
        assertEquals("""
                eth:ethertype:ip:udp:data\t127.0.0.1\t127.0.0.1\t7000\t
                eth:ethertype:ip:icmp:data\t127.0.0.1\t127.0.0.1\t\t8
                eth:ethertype:ip:icmp:data\t127.0.0.1\t127.0.0.1\t\t0
                """, Hosts.tsharkFields(pcap, "", "frame.protocols", "ip.src", "ip.dst", "udp.dstport", "icmp.type"));
    }

    @ParameterizedTest
    @EnumSource(LockMode.class)
    void aRouterDoesNotForwardOtherLoopbackAddresses(LockMode mode) throws Exception {
        try (Hosts h = new Hosts()) {
            Stack r = h.host(StackConfig.defaults("r").withMode(mode).withForwarding(true));
            h.start();
            try (UdpSocket tx = r.openUdp().bind(40000)) {
                tx.sendTo(new byte[] {9}, new InetSocketAddress("127.0.0.2", 7000));
            }
            h.settle();
            assertEquals("RECEIVED=1 NOT_FORWARDING=1 SENT=1", r.ipStats().nonZero(), "127.0.0.2 is not ours");
            assertEquals(new IfCounters(1, 60, 0, 0, 0, 0, 0, 0), r.loopback().rxCounters(0), "once round lo0");
        }
    }

    private static byte[] udpPacket(String src, String dst) {
        int s = Ipv4Header.parseAddress(src);
        int d = Ipv4Header.parseAddress(dst);
        return Frames.ipv4(s, d, Ipv4Header.PROTO_UDP, 64, 0, 1, Frames.udp(s, d, 5000, 7000, new byte[] {1, 2, 3}));
    }

    @ParameterizedTest
    @EnumSource(LockMode.class)
    void arpOnLo0IsACountedDropBecauseLo0HasNoArpTable(LockMode mode) throws Exception {
        try (Hosts h = new Hosts()) {
            Stack a = h.host("a", mode);
            h.start();
            byte[] arp = new byte[smpnet.stack.internal.wire.ArpPacket.LENGTH];
            smpnet.stack.internal.wire.ArpPacket.write(java.lang.foreign.MemorySegment.ofArray(arp),
                    smpnet.stack.internal.wire.ArpPacket.OP_REQUEST, 0x020000000099L, 0x7f000002, 0, 0x7f000001);
            byte[] f = Frames.ether(0, 0x020000000099L, smpnet.stack.internal.wire.EthernetHeader.TYPE_ARP, arp);
            a.loopback().transmit(a.allocator().fromBytes(f, 0, f.length, smpnet.stack.mbuf.Mbuf.M_WAIT));
            h.settle();
            assertEquals("NO_TABLE=1", a.arpStats().nonZero());
            assertEquals(1, a.etherStats().get(EtherStat.RECEIVED));
        }
    }
}
