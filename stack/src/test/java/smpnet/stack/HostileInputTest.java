package smpnet.stack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static smpnet.stack.Attack.ATTACKER_MAC;
import static smpnet.stack.Attack.PEER;
import static smpnet.stack.Attack.VICTIM;
import static smpnet.stack.testing.Frames.icmp;
import static smpnet.stack.testing.Frames.ipv4;
import static smpnet.stack.testing.Frames.udp;

import java.net.InetSocketAddress;
import java.time.Duration;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import smpnet.stack.config.ArpConfig;
import smpnet.stack.internal.wire.EthernetHeader;
import smpnet.stack.internal.wire.Ipv4Header;
import smpnet.stack.locks.LockMode;
import smpnet.stack.netisr.DispatchPolicy;
import smpnet.stack.socket.Datagram;
import smpnet.stack.socket.UdpSocket;
import smpnet.stack.stats.ArpStat;
import smpnet.stack.stats.IpStat;
import smpnet.stack.stats.UdpStat;
import smpnet.witness.junit.WitnessExtension;

/**
 * Findings 1 to 3 of an outside attack on the input paths, each in every locking mode with direct and
 * deferred netisr: a datagram from a source that is no single host, sockets' buffers filled with tiny
 * datagrams, and ARP learning from anyone.
 */
@ExtendWith(WitnessExtension.class)
class HostileInputTest {
    private static final String[] NO_HOST = {"10.0.0.255", "255.255.255.255", "10.0.0.2", "0.0.0.0", "224.0.0.1",
            "240.0.0.1", "0.1.2.3"};

    /** An echo service (RFC 862) run by the test: answers every datagram queued on {@code s}; returns how many. */
    private static int echo(Attack a, UdpSocket s, int rounds) throws Exception {
        int echoed = 0;
        for (int r = 0; r < rounds; r++) {
            a.hosts.settle();
            Datagram d = s.receiveFrom();
            if (d == null) break;
            s.sendTo(d.data(), d.source());
            echoed++;
        }
        return echoed;
    }

    /** Finding 1: one datagram from a broadcast, multicast, class E, 0/8 or our own address made an endless echo. */
    @ParameterizedTest
    @MethodSource("smpnet.stack.Attack#modes")
    void nothingAnswersASourceThatIsNoHost(LockMode mode, DispatchPolicy dispatch) throws Exception {
        try (Attack a = new Attack(mode, dispatch); UdpSocket echo = a.victim.openUdp().bind(7).configureBlocking(false)) {
            for (String src : NO_HOST) {
                int s = Ipv4Header.parseAddress(src);
                a.ip(ipv4(s, VICTIM, Ipv4Header.PROTO_UDP, 64, 0, 1, udp(s, VICTIM, 7, 7, "loop".getBytes())));
                a.ip(ipv4(s, VICTIM, Ipv4Header.PROTO_ICMP, 64, 0, 2, icmp(8, 0, 0x1234_0001, new byte[8])));
            }
            assertEquals(0, echo(a, echo, 50), "no datagram from such a source reaches a socket");
            a.ip(ipv4(PEER, VICTIM, Ipv4Header.PROTO_UDP, 64, 0, 3, udp(PEER, VICTIM, 7, 7, "hi".getBytes())));
            assertEquals(1, echo(a, echo, 50), "a host's datagram is echoed once");
            assertEquals(2L * NO_HOST.length, a.victim.ipStats().get(IpStat.BAD_SOURCE));
            assertEquals("RECEIVED=1 DELIVERED=1 SENT=1", a.victim.udpStats().nonZero());
            assertEquals(0, a.victim.icmpStats().get(smpnet.stack.stats.IcmpStat.ECHO_REPLIES_SENT));
            assertEquals(0, a.victim.ipStats().get(IpStat.LOOPED));
            a.assertAnswersPing();
            a.assertBalanced();
        }
    }

    /** Finding 1, output side: a datagram to our broadcast goes out on the link, not back into this host. */
    @ParameterizedTest
    @MethodSource("smpnet.stack.Attack#modes")
    void aBroadcastWeSendLeavesOnTheLinkOnly(LockMode mode, DispatchPolicy dispatch) throws Exception {
        try (Attack a = new Attack(mode, dispatch); UdpSocket own = a.victim.openUdp().bind(7).configureBlocking(false);
             UdpSocket heard = a.peer.openUdp().bind(7).setReceiveTimeout(Duration.ofSeconds(20))) {
            own.sendTo("all".getBytes(), new InetSocketAddress("10.0.0.255", 7));
            assertEquals("all", heard.receiveFrom().text(), "the peer heard it as a link broadcast");
            a.hosts.settle();
            assertEquals(null, own.receiveFrom(), "the sender's own port 7 did not");
            assertEquals(0, a.victim.ipStats().get(IpStat.LOOPED));
            assertEquals(-1, a.victim.arpLookup(a.nic, "10.0.0.255"), "nothing to resolve for a broadcast");
        }
    }

    /** Finding 2: tiny and empty datagrams are charged for the mbufs they hold; an empty one is readable. */
    @ParameterizedTest
    @MethodSource("smpnet.stack.Attack#modes")
    void tinyDatagramsCannotTakeEveryMbuf(LockMode mode, DispatchPolicy dispatch) throws Exception {
        try (Attack a = new Attack(mode, dispatch); UdpSocket one = a.victim.openUdp().bind(9).configureBlocking(false);
             UdpSocket zero = a.victim.openUdp().bind(10).configureBlocking(false)) {
            long before = a.victim.allocator().outstanding();
            int sent = 3000;
            for (int i = 0; i < sent; i++) {
                a.ip(ipv4(PEER, VICTIM, Ipv4Header.PROTO_UDP, 64, 0, i, udp(PEER, VICTIM, 5, 9, new byte[1])));
                a.ip(ipv4(PEER, VICTIM, Ipv4Header.PROTO_UDP, 64, 0, i, udp(PEER, VICTIM, 5, 10, new byte[0])));
            }
            a.hosts.settle();
            // Each queued datagram holds one 256-byte mbuf: 8 x 42,080 bytes of storage take 1315 of them.
            int fits = UdpSocket.DEFAULT_RECEIVE_BUFFER * 8 / smpnet.stack.mbuf.Mbuf.MSIZE;
            assertEquals(1315, fits);
            assertEquals(2L * fits, a.victim.udpStats().get(UdpStat.DELIVERED));
            assertEquals(2L * (sent - fits), a.victim.udpStats().get(UdpStat.FULL_SOCKET_BUFFER));
            assertEquals(2L * fits, a.victim.allocator().outstanding() - before, "the two sockets hold what they were charged");
            a.assertAnswersPing();
            Datagram d = zero.receiveFrom();
            assertEquals(0, d.length(), "an empty datagram is delivered, not waited past");
            assertEquals(new InetSocketAddress("10.0.0.1", 5), d.source());
            assertEquals(1, one.receiveFrom().length());
            a.assertBalanced();
        }
    }

    /** Finding 2 with clusters: 1 byte of UDP in a 1400-byte packet holds a whole cluster, and is charged so. */
    @ParameterizedTest
    @MethodSource("smpnet.stack.Attack#modes")
    void oneByteInABigFrameIsChargedItsCluster(LockMode mode, DispatchPolicy dispatch) throws Exception {
        try (Attack a = new Attack(mode, dispatch); UdpSocket s = a.victim.openUdp().bind(9).configureBlocking(false)) {
            long clusters = a.victim.allocator().outstandingClusters();
            for (int i = 0; i < 1000; i++) {
                byte[] u = udp(PEER, VICTIM, 5, 9, new byte[1]);
                a.ip(ipv4(PEER, VICTIM, Ipv4Header.PROTO_UDP, 64, 0, i, smpnet.stack.testing.Frames.pad(u, 1380)));
            }
            a.hosts.settle();
            long held = a.victim.allocator().outstandingClusters() - clusters;
            long delivered = a.victim.udpStats().get(UdpStat.DELIVERED);
            assertTrue(delivered > 0 && delivered <= UdpSocket.DEFAULT_RECEIVE_BUFFER * 8 / 2048, "delivered " + delivered);
            assertEquals(delivered, held, "each queued 1-byte datagram holds one cluster");
            assertEquals(1000 - delivered, a.victim.udpStats().get(UdpStat.FULL_SOCKET_BUFFER));
            a.assertAnswersPing();
            a.assertBalanced();
        }
    }

    /** Finding 3: off-link senders, and broadcast, multicast or our own MAC as a sender, teach ARP nothing. */
    @ParameterizedTest
    @MethodSource("smpnet.stack.Attack#modes")
    void arpLearnsOnlyOnLinkStations(LockMode mode, DispatchPolicy dispatch) {
        try (Attack a = new Attack(mode, dispatch)) {
            long us = a.nic.mac().bits();
            for (int i = 0; i < 2000; i++) {
                a.arp(us, smpnet.stack.testing.Frames.arp(2, 0x020000100000L + i, 0xac100000 + i, us, VICTIM)); // 172.16/16: off link
            }
            long[] bad = {EthernetHeader.BROADCAST, 0x01005e000001L, us, 0};
            for (long mac : bad) a.arp(EthernetHeader.BROADCAST, smpnet.stack.testing.Frames.arp(1, mac, Attack.OTHER, 0, VICTIM));
            a.arp(us, smpnet.stack.testing.Frames.arp(2, ATTACKER_MAC, VICTIM, us, VICTIM)); // claims our own address
            a.hosts.settle();
            assertEquals(2000, a.victim.arpStats().get(ArpStat.OFF_LINK), a.victim.inputOutcomes().toString());
            assertEquals(5, a.victim.arpStats().get(ArpStat.BAD_SENDER));
            assertEquals(0, a.victim.arpEntries(a.nic), "nothing learned");
            assertEquals(-1, a.victim.arpLookup(a.nic, "10.0.0.9"));
            a.assertAnswersPing();
            assertEquals(1, a.victim.arpEntries(a.nic), "the peer, learned from its request");
            a.assertBalanced();
        }
    }

    /** Finding 3: the table is bounded; entries past their time make room, live ones are kept. */
    @ParameterizedTest
    @MethodSource("smpnet.stack.Attack#modes")
    void theArpTableIsBoundedAndExpires(LockMode mode, DispatchPolicy dispatch) {
        smpnet.stack.testing.ManualClock clock = new smpnet.stack.testing.ManualClock();
        StackConfig c = Attack.config("victim", mode, dispatch).withScheduler(clock)
                .withArp(ArpConfig.DEFAULT.withMaxEntries(64));
        try (Attack a = new Attack(c, "10.0.0.2/16")) {
            long us = a.nic.mac().bits();
            for (int i = 0; i < 1000; i++) a.arp(us, smpnet.stack.testing.Frames.arp(1, 0x020000100000L + i, 0x0a000100 + i, 0, VICTIM));
            a.hosts.settle();
            assertEquals(64, a.victim.arpEntries(a.nic));
            assertEquals(1000 - 64, a.victim.arpStats().get(ArpStat.TABLE_FULL));
            assertEquals(1000, a.victim.arpStats().get(ArpStat.REPLIES_SENT), "each asker is answered, learned or not");
            clock.advance(ArpConfig.DEFAULT.keepNanos());
            a.arp(us, smpnet.stack.testing.Frames.arp(1, 0x020000200000L, 0x0a000200, 0, VICTIM));
            a.hosts.settle();
            assertEquals(64, a.victim.arpStats().get(ArpStat.PURGED), "every entry had expired");
            assertEquals(1, a.victim.arpEntries(a.nic));
            assertEquals(0x020000200000L, a.victim.arpLookup(a.nic, "10.0.2.0"));
            a.assertBalanced();
        }
    }
}
