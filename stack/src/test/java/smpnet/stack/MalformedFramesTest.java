package smpnet.stack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static smpnet.stack.testing.Frames.concat;
import static smpnet.stack.testing.Frames.ether;
import static smpnet.stack.testing.Frames.fixIpChecksum;
import static smpnet.stack.testing.Frames.icmp;
import static smpnet.stack.testing.Frames.ipv4;
import static smpnet.stack.testing.Frames.udp;

import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import smpnet.stack.locks.LockMode;
import smpnet.stack.mbuf.Mbuf;
import smpnet.stack.socket.UdpSocket;
import smpnet.stack.stats.IpStat;
import smpnet.stack.stats.UdpStat;
import smpnet.stack.dev.SimNic;
import smpnet.witness.junit.WitnessExtension;
import smpnet.stack.internal.wire.EthernetHeader;

/**
 * Truncated and garbled frames of every header type reach a host through its NIC: each is a counted drop
 * under the right reason, nothing throws, nothing leaks (the mbuf leak extension checks every test).
 */
@ExtendWith(WitnessExtension.class)
class MalformedFramesTest {
    private static final int US = 0x0a000002;
    private static final int PEER = 0x0a000001;
    private static final long PEER_MAC = 0x020000000099L;

    private Stack host;
    private SimNic nic;

    private void inject(byte[] frame) {
        Mbuf m = host.allocator().fromBytes(frame, 0, frame.length, Mbuf.M_WAIT);
        assertTrue(nic.receive(m));
    }

    private void ip(byte[] packet) { inject(ether(nic.mac().bits(), PEER_MAC, EthernetHeader.TYPE_IPV4, packet)); }

    private static byte[] bytes(int n) { return new byte[n]; }

    @ParameterizedTest
    @EnumSource(value = LockMode.class, names = {"GIANT", "FINE"})
    void everyRejectIsACountedDrop(LockMode mode) {
        try (Hosts h = new Hosts()) {
            host = h.host("victim", mode);
            nic = Hosts.nic(host, "em0", "10.0.0.2/24");
            h.start();
            long us = nic.mac().bits();
            // Ethernet
            inject(ether(0x020000000077L, PEER_MAC, EthernetHeader.TYPE_IPV4, bytes(46)));
            inject(ether(us, PEER_MAC, 0x86dd, bytes(46)));
            // ARP: truncated, IPv6 protocol length, unknown operation
            inject(ether(us, PEER_MAC, EthernetHeader.TYPE_ARP, bytes(20)));
            byte[] arp = {0, 1, 8, 0, 6, 16, 0, 1, 1, 2, 3, 4, 5, 6, 10, 0, 0, 1, 0, 0, 0, 0, 0, 0, 10, 0, 0, 2};
            inject(ether(us, PEER_MAC, EthernetHeader.TYPE_ARP, arp));
            arp[5] = 4;
            arp[7] = 3;
            inject(ether(us, PEER_MAC, EthernetHeader.TYPE_ARP, arp));
            // IPv4 header rules
            ip(bytes(10));
            byte[] good = ipv4(PEER, US, 17, 64, 0, 1, udp(PEER, US, 1, 2, bytes(4)));
            byte[] v6 = good.clone(); v6[0] = 0x65; ip(fixIpChecksum(v6));
            byte[] ihl4 = good.clone(); ihl4[0] = 0x44; ip(fixIpChecksum(ihl4));
            byte[] ihl15 = good.clone(); ihl15[0] = 0x4f; ip(fixIpChecksum(ihl15));
            byte[] shortTotal = good.clone(); shortTotal[3] = 10; ip(fixIpChecksum(shortTotal));
            byte[] longTotal = good.clone(); longTotal[3] = (byte) 200; ip(fixIpChecksum(longTotal));
            byte[] badSum = good.clone(); badSum[11] ^= 1; ip(badSum);
            ip(withOption(good, new byte[] {7, 1, 0, 0}));
            ip(withOption(good, new byte[] {(byte) 131, 4, 0, 0}));
            ip(ipv4(PEER, US, 99, 64, 0, 2, bytes(8)));
            ip(ipv4(PEER, 0x0a000009, 17, 64, 0, 3, bytes(8)));
            // UDP
            ip(ipv4(PEER, US, 17, 64, 0, 4, bytes(4)));
            byte[] u = udp(PEER, US, 1, 2, bytes(4));
            u[5] = 4;
            ip(ipv4(PEER, US, 17, 64, 0, 5, u));
            byte[] u2 = udp(PEER, US, 1, 2, bytes(4));
            u2[9] ^= 1;
            ip(ipv4(PEER, US, 17, 64, 0, 6, u2));
            // ICMP: truncated, bad checksum, an unreachable quoting too little, an unknown type
            ip(ipv4(PEER, US, 1, 64, 0, 7, bytes(4)));
            byte[] ic = icmp(8, 0, 0, bytes(8));
            ic[9] ^= 1;
            ip(ipv4(PEER, US, 1, 64, 0, 8, ic));
            ip(ipv4(PEER, US, 1, 64, 0, 9, icmp(3, 3, 0, bytes(10))));
            ip(ipv4(PEER, US, 1, 64, 0, 10, icmp(13, 0, 0, bytes(12))));
            // Fragments: overlap, then a piece ending beyond 65535
            ip(ipv4(PEER, US, 17, 64, 0x2000, 11, bytes(16)));
            ip(ipv4(PEER, US, 17, 64, 0x2001, 11, bytes(16)));
            ip(ipv4(PEER, US, 17, 64, 0x1fff, 12, bytes(16)));
            h.settle();

            assertEquals("RECEIVED=26 OTHER_HOST=1 UNKNOWN_TYPE=1", host.etherStats().nonZero());
            assertEquals("RECEIVED=3 MALFORMED=3", host.arpStats().nonZero());
            assertEquals("RECEIVED=21 TOO_SHORT=1 BAD_VERSION=1 BAD_HEADER_LENGTH=2 BAD_LENGTH=1 TRUNCATED=1 BAD_CHECKSUM=1 "
                    + "BAD_OPTIONS=1 SOURCE_ROUTED=1 FRAGMENTS_RECEIVED=3 FRAGMENTS_HELD=1 FRAGMENTS_DROPPED=1 "
                    + "FRAGMENTS_FLUSHED=1 TOO_LONG=1 DELIVERED=7 "
                    + "UNKNOWN_PROTOCOL=1 NOT_FORWARDING=1", host.ipStats().nonZero());
            assertEquals("RECEIVED=3 TOO_SHORT=1 BAD_LENGTH=1 BAD_CHECKSUM=1", host.udpStats().nonZero());
            assertEquals("RECEIVED=4 TOO_SHORT=2 BAD_CHECKSUM=1 UNREACHABLE_RECEIVED=1 OTHER_RECEIVED=1",
                    host.icmpStats().nonZero());
            assertEquals(0, host.reassemblyPending(), "an overlap discards the whole datagram, its first fragment too");
        }
    }

    @ParameterizedTest
    @EnumSource(value = LockMode.class, names = {"GIANT", "FINE"})
    void zeroUdpChecksumMeansNoneAndUdpLengthTrimsIpPadding(LockMode mode) throws Exception {
        try (Hosts h = new Hosts()) {
            host = h.host("lenient", mode);
            nic = Hosts.nic(host, "em0", "10.0.0.2/24");
            h.start();
            try (smpnet.stack.socket.UdpSocket s = host.openUdp().bind(2).setReceiveTimeout(java.time.Duration.ofSeconds(20))) {
                byte[] u = udp(PEER, US, 1, 2, "abc".getBytes());
                u[6] = 0;
                u[7] = 0; // RFC 768: the sender computed no checksum
                ip(ipv4(PEER, US, 17, 64, 0, 1, concat(u, new byte[5]))); // 5 bytes past the UDP length
                smpnet.stack.socket.Datagram d = s.receiveFrom();
                assertEquals("abc", d.text());
                assertEquals(new java.net.InetSocketAddress("10.0.0.1", 1), d.source());
            }
            assertEquals("RECEIVED=1 NO_CHECKSUM=1 DELIVERED=1", host.udpStats().nonZero());
        }
    }

    @ParameterizedTest
    @EnumSource(value = LockMode.class, names = {"FINE"})
    void ipCountersCarryFreebsdNamesAndNetstatWording(LockMode mode) {
        try (Hosts h = new Hosts()) {
            host = h.host("named", mode);
            nic = Hosts.nic(host, "em0", "10.0.0.2/24");
            h.start();
            ip(bytes(10)); // shorter than a header: ips_toosmall
            byte[] good = ipv4(PEER, US, 17, 64, 0, 1, udp(PEER, US, 1, 2, bytes(4)));
            byte[] longTotal = good.clone();
            longTotal[3] = (byte) 200; // the total length claims more than arrived: ips_tooshort
            ip(fixIpChecksum(longTotal));
            ip(ipv4(0x7f000001, US, 17, 64, 0, 2, udp(0x7f000001, US, 1, 2, bytes(4)))); // 127/8 on em0: ips_badaddr
            h.settle();
            assertEquals("RECEIVED=3 TOO_SHORT=1 TRUNCATED=1 MARTIAN=1", host.ipStats().nonZero());
            assertEquals(IpStat.TOO_SHORT, IpStat.ofFreebsdName("ips_toosmall"));
            assertEquals("ips_toosmall", IpStat.TOO_SHORT.freebsdName());
            assertEquals(1, host.ipStats().get(IpStat.ofFreebsdName("ips_toosmall")));
            assertEquals(1, host.ipStats().get(IpStat.ofFreebsdName("ips_tooshort")));
            assertEquals(1, host.ipStats().get(IpStat.ofFreebsdName("ips_badaddr")));
            assertEquals(null, IpStat.ofFreebsdName("ips_nogif"), "a field smpnet does not count");
            assertEquals(null, IpStat.LOOPED.freebsdName(), "a counter of smpnet's own");
            assertNetstatHas("\t3 total packets received\n", "\t1 with size smaller than minimum\n",
                    "\t1 with data size < data length\n", "\t1 datagrams with bad address in header\n",
                    "\t0 output packets dropped due to no bufs, etc.\n");
        }
    }

    @ParameterizedTest
    @EnumSource(value = LockMode.class, names = {"FINE"})
    void udpCountersCarryFreebsdNamesAndNetstatWording(LockMode mode) throws Exception {
        try (Hosts h = new Hosts()) {
            host = h.host("named", mode);
            nic = Hosts.nic(host, "em0", "10.0.0.2/24");
            h.start();
            try (UdpSocket s = host.openUdp().bind(2).setReceiveTimeout(Duration.ofSeconds(20))) {
                ip(ipv4(PEER, US, 17, 64, 0, 1, bytes(4))); // shorter than a UDP header: udps_hdrops
                byte[] badSum = udp(PEER, US, 1, 2, bytes(4));
                badSum[9] ^= 1;
                ip(ipv4(PEER, US, 17, 64, 0, 2, badSum)); // udps_badsum
                ip(ipv4(PEER, US, 17, 64, 0, 3, udp(PEER, US, 1, 3, bytes(4)))); // no socket on port 3: udps_noport
                int broadcast = 0x0a0000ff;
                ip(ipv4(PEER, broadcast, 17, 64, 0, 4, udp(PEER, broadcast, 1, 3, bytes(4)))); // udps_noportbcast
                byte[] noSum = udp(PEER, US, 1, 2, "abc".getBytes());
                noSum[6] = 0;
                noSum[7] = 0;
                ip(ipv4(PEER, US, 17, 64, 0, 5, noSum)); // udps_nosum, then delivered to the socket on port 2
                assertEquals("abc", s.receiveFrom().text());
                h.settle();
            }
            assertEquals("RECEIVED=5 TOO_SHORT=1 BAD_CHECKSUM=1 NO_CHECKSUM=1 NO_PORT=1 NO_PORT_BROADCAST=1 DELIVERED=1",
                    host.udpStats().nonZero());
            assertEquals(UdpStat.TOO_SHORT, UdpStat.ofFreebsdName("udps_hdrops"));
            assertEquals("udps_noportbcast", UdpStat.NO_PORT_BROADCAST.freebsdName());
            for (String name : new String[] {"udps_hdrops", "udps_badsum", "udps_nosum", "udps_noport", "udps_noportbcast"}) {
                assertEquals(1, host.udpStats().get(UdpStat.ofFreebsdName(name)), name);
            }
            assertEquals(5, host.udpStats().get(UdpStat.ofFreebsdName("udps_ipackets")));
            for (UdpStat st : UdpStat.values()) {
                if (st.freebsdName() != null) assertEquals(st, UdpStat.ofFreebsdName(st.freebsdName()));
            }
            assertEquals(null, UdpStat.ofFreebsdName("udps_fastout"), "a field smpnet does not count");
            assertEquals(null, UdpStat.DELIVERED.freebsdName(), "netstat's own sum in FreeBSD, a counter here");
            assertEquals("name", assertThrows(NullPointerException.class, () -> UdpStat.ofFreebsdName(null)).getMessage());
            assertNetstatHas("\t5 datagrams received\n", "\t1 with incomplete header\n", "\t1 with bad checksum\n",
                    "\t1 with no checksum\n", "\t1 dropped due to no socket\n",
                    "\t1 broadcast/multicast datagrams undelivered\n", "\t1 delivered\n");
        }
    }

    /** The host's {@code netstat -s} has each of {@code lines} (a tab, the count, FreeBSD's wording). */
    private void assertNetstatHas(String... lines) {
        String netstat = host.netstat();
        for (String line : lines) {
            assertTrue(netstat.contains(line), () -> "netstat -s lacks " + line.strip() + ":\n" + netstat);
        }
    }

    /** {@code packet} with a 4-byte option block inserted after its header. */
    private static byte[] withOption(byte[] packet, byte[] option) {
        byte[] out = concat(concat(java.util.Arrays.copyOf(packet, 20), option), java.util.Arrays.copyOfRange(packet, 20, packet.length));
        out[0] = 0x46;
        out[3] = (byte) (out.length);
        return fixIpChecksum(out);
    }

    @ParameterizedTest
    @EnumSource(value = LockMode.class, names = {"GIANT", "FINE"})
    void randomGarbageIsCountedNeverThrown(LockMode mode) {
        Random random = new Random(20261127);
        try (Hosts h = new Hosts()) {
            host = h.host("fuzzed", mode);
            nic = Hosts.nic(host, "em0", "10.0.0.2/24");
            h.start();
            byte[] good = ipv4(PEER, US, 17, 64, 0, 1, udp(PEER, US, 1, 2, bytes(24)));
            int frames = 2000;
            for (int i = 0; i < frames; i++) {
                byte[] p = random.nextBoolean() ? good.clone() : new byte[1 + random.nextInt(80)];
                if (p.length == good.length) {
                    for (int k = 0; k < 1 + random.nextInt(3); k++) p[random.nextInt(p.length)] = (byte) random.nextInt();
                    if (random.nextBoolean()) fixIpChecksum(p);
                    if (random.nextInt(4) == 0) p = java.util.Arrays.copyOf(p, random.nextInt(p.length));
                } else {
                    random.nextBytes(p);
                }
                ip(p);
                if (i % 100 == 99) h.settle(); // keep within the RX ring: this test is about parsing, not ring drops
            }
            h.settle();
            assertEquals(frames, host.etherStats().get(smpnet.stack.stats.EtherStat.RECEIVED), "every frame reached ether input");
            Stack.InputOutcomes o = host.inputOutcomes();
            assertEquals(frames, o.frames());
            assertEquals(frames, o.sum(), "every frame is delivered, held as a fragment, or one counted drop: " + o);
        }
    }
}
