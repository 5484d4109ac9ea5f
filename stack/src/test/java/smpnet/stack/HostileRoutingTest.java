package smpnet.stack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static smpnet.stack.Attack.OTHER;
import static smpnet.stack.Attack.PEER;
import static smpnet.stack.Attack.VICTIM;
import static smpnet.stack.testing.Frames.concat;
import static smpnet.stack.testing.Frames.fixIpChecksum;
import static smpnet.stack.testing.Frames.icmp;
import static smpnet.stack.testing.Frames.ipv4;
import static smpnet.stack.testing.Frames.udp;

import java.net.InetSocketAddress;
import java.util.Arrays;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import smpnet.stack.internal.wire.EthernetHeader;
import smpnet.stack.internal.wire.Ipv4Header;
import smpnet.stack.locks.LockMode;
import smpnet.stack.netisr.DispatchPolicy;
import smpnet.stack.socket.UdpSocket;
import smpnet.stack.stats.IcmpStat;
import smpnet.stack.stats.IpStat;
import smpnet.stack.testing.Frames;
import smpnet.witness.junit.WitnessExtension;

/**
 * Findings 4 to 6 of an outside attack, each in every locking mode with direct and deferred netisr: a
 * forged "fragmentation needed", a router forwarding what it must not, and the smaller header, fragment
 * and ICMP code checks.
 */
@ExtendWith(WitnessExtension.class)
class HostileRoutingTest {
    /** An ICMP error of {@code type}/{@code code} quoting a UDP header {@code src:sport -> dst:dport}. */
    private static byte[] icmpAboutUdp(int type, int code, int rest, int src, int sport, int dst, int dport) {
        byte[] quoted = ipv4(src, dst, Ipv4Header.PROTO_UDP, 64, 0, 7, Arrays.copyOf(udp(src, dst, sport, dport, new byte[100]), 8));
        return ipv4(OTHER, VICTIM, Ipv4Header.PROTO_ICMP, 64, 0, 8, icmp(type, code, rest, quoted));
    }

    /** Finding 4: a forged MTU lowers nothing; a believable one, about a socket's datagram, only that host's path. */
    @ParameterizedTest
    @MethodSource("smpnet.stack.Attack#modes")
    void fragmentationNeededLowersOnePathAndOnlyWhenBelievable(LockMode mode, DispatchPolicy dispatch) throws Exception {
        try (Attack a = new Attack(mode, dispatch); UdpSocket s = a.victim.openUdp().bind(5000)) {
            int far = 0x0a000007;
            a.ip(icmpAboutUdp(3, 4, 68, VICTIM, 5000, far, 9));   // below the floor
            a.ip(icmpAboutUdp(3, 4, 600, VICTIM, 5001, far, 9));  // no socket sent that
            a.ip(icmpAboutUdp(3, 4, 600, PEER, 5000, far, 9));    // not from us
            a.hosts.settle();
            assertEquals(3, a.victim.icmpStats().get(IcmpStat.FRAG_NEEDED_IGNORED));
            assertEquals(0, a.victim.pathMtuEntries());
            a.ip(icmpAboutUdp(3, 4, 600, VICTIM, 5000, far, 9));
            a.hosts.settle();
            assertEquals(600, a.victim.pathMtu("10.0.0.7"));
            assertEquals(0, a.victim.pathMtu("10.0.0.1"), "the neighbour's path is untouched");
            s.sendTo(new byte[1000], new InetSocketAddress("10.0.0.1", 9));
            a.hosts.settle();
            assertEquals(0, a.victim.ipStats().get(IpStat.FRAGMENTED), "1000 bytes to the neighbour leave whole");
            a.assertAnswersPing();
            a.assertBalanced();
        }
    }

    /** Finding 5: RFC 1812 5.3.4 and 5.3.7, as FreeBSD's in_canforward. */
    @ParameterizedTest
    @MethodSource("smpnet.stack.Attack#modes")
    void aRouterForwardsOnlyWhatItMay(LockMode mode, DispatchPolicy dispatch) {
        try (Attack a = new Attack(Attack.config("router", mode, dispatch).withForwarding(true), "10.0.0.2/24")) {
            int dst = 0x0a000005; // a station on em0's network, reached back through em0
            for (String src : new String[] {"0.1.2.3", "255.255.255.255", "224.0.0.1", "240.0.0.1"}) {
                int s = Ipv4Header.parseAddress(src);
                a.ip(ipv4(s, dst, Ipv4Header.PROTO_UDP, 64, 0, 1, udp(s, dst, 1, 2, new byte[4])));
            }
            for (String to : new String[] {"224.0.0.5", "240.0.0.5", "0.1.2.3"}) {
                int d = Ipv4Header.parseAddress(to);
                a.ip(ipv4(PEER, d, Ipv4Header.PROTO_UDP, 64, 0, 2, udp(PEER, d, 1, 2, new byte[4])));
            }
            byte[] p = ipv4(PEER, dst, Ipv4Header.PROTO_UDP, 64, 0, 3, udp(PEER, dst, 1, 2, new byte[4]));
            a.frame(Frames.ether(EthernetHeader.BROADCAST, Attack.ATTACKER_MAC, EthernetHeader.TYPE_IPV4, p));
            a.ip(p); // the same packet to the router's own MAC: forwarded
            a.hosts.settle();
            assertEquals(4, a.victim.ipStats().get(IpStat.BAD_SOURCE));
            assertEquals(4, a.victim.ipStats().get(IpStat.NOT_FORWARDABLE));
            assertEquals(1, a.victim.ipStats().get(IpStat.FORWARDED));
            a.assertBalanced();
        }
    }

    /** Finding 6: a record route pointer below 4 is a parameter problem, counted as bad options. */
    @ParameterizedTest
    @MethodSource("smpnet.stack.Attack#modes")
    void aRecordRoutePointerBelowFourIsAParameterProblem(LockMode mode, DispatchPolicy dispatch) {
        try (Attack a = new Attack(mode, dispatch)) {
            byte[] plain = ipv4(PEER, VICTIM, Ipv4Header.PROTO_UDP, 64, 0, 1, udp(PEER, VICTIM, 1, 2, new byte[4]));
            byte[] rr = {7, 7, 3, 0, 0, 0, 0, 1}; // record route, length 7, pointer 3; then end of list
            byte[] opt = concat(concat(Arrays.copyOf(plain, 20), rr), Arrays.copyOfRange(plain, 20, plain.length));
            opt[0] = 0x47;
            opt[3] = (byte) opt.length;
            a.ip(fixIpChecksum(opt));
            a.hosts.settle();
            assertEquals(1, a.victim.ipStats().get(IpStat.BAD_OPTIONS));
            assertEquals(1, a.victim.icmpStats().get(IcmpStat.PARAMETER_PROBLEM_SENT));
            a.await(() -> a.peer.icmpStats().get(IcmpStat.OTHER_RECEIVED) == 1, "the peer got the parameter problem");
            a.assertBalanced();
        }
    }

    /** Finding 6: a first fragment with a 60-byte header cannot make a datagram past 65535 bytes. */
    @ParameterizedTest
    @MethodSource("smpnet.stack.Attack#modes")
    void reassemblyCountsTheFirstFragmentsRealHeader(LockMode mode, DispatchPolicy dispatch) {
        try (Attack a = new Attack(mode, dispatch)) {
            for (boolean firstFirst : new boolean[] {true, false}) {
                int id = firstFirst ? 40 : 41;
                byte[] first = ipv4(PEER, VICTIM, Ipv4Header.PROTO_UDP, 64, Ipv4Header.FLAG_MF, id, new byte[65448]);
                first = concat(concat(Arrays.copyOf(first, 20), new byte[40]), Arrays.copyOfRange(first, 20, first.length));
                Arrays.fill(first, 20, 60, (byte) 1); // 40 bytes of no-operation options: IHL 15
                first[0] = 0x4f;
                first[2] = (byte) (first.length >> 8);
                first[3] = (byte) first.length;
                fixIpChecksum(first);
                byte[] last = ipv4(PEER, VICTIM, Ipv4Header.PROTO_UDP, 64, 65448 / 8, id, new byte[40]);
                if (firstFirst) {
                    a.ip(first);
                    a.ip(last);
                } else {
                    a.ip(last);
                    a.ip(first);
                }
            }
            a.hosts.settle();
            assertEquals(2, a.victim.ipStats().get(IpStat.TOO_LONG), "60 + 65488 bytes would wrap the total length");
            assertEquals(2, a.victim.ipStats().get(IpStat.FRAGMENTS_HELD));
            assertEquals(0, a.victim.ipStats().get(IpStat.BAD_LENGTH));
            assertEquals(0, a.victim.ipStats().get(IpStat.REASSEMBLED));
            a.assertBalanced();
        }
    }

    /** Finding 6: a fragment with more to come must carry a positive multiple of 8 bytes. */
    @ParameterizedTest
    @MethodSource("smpnet.stack.Attack#modes")
    void aNonFinalFragmentOfNoneOrOddEighthsIsDroppedAtOnce(LockMode mode, DispatchPolicy dispatch) {
        try (Attack a = new Attack(mode, dispatch)) {
            a.ip(ipv4(PEER, VICTIM, Ipv4Header.PROTO_UDP, 64, Ipv4Header.FLAG_MF, 50, new byte[0]));
            a.ip(ipv4(PEER, VICTIM, Ipv4Header.PROTO_UDP, 64, Ipv4Header.FLAG_MF | 2, 51, new byte[13]));
            a.hosts.settle();
            assertEquals(2, a.victim.ipStats().get(IpStat.FRAGMENTS_BAD_LENGTH));
            assertEquals(0, a.victim.reassemblyPending());
            a.assertBalanced();
        }
    }

    /** Finding 6: an unreachable with a code no RFC defines is counted and tells no socket anything. */
    @ParameterizedTest
    @MethodSource("smpnet.stack.Attack#modes")
    void anUnreachableWithAnUnknownCodeIsIgnored(LockMode mode, DispatchPolicy dispatch) throws Exception {
        try (Attack a = new Attack(mode, dispatch); UdpSocket s = a.victim.openUdp().bind(6000).configureBlocking(false)) {
            s.connect(new InetSocketAddress("10.0.0.1", 9));
            a.ip(icmpAboutUdp(3, 200, 0, VICTIM, 6000, PEER, 9));
            a.hosts.settle();
            assertEquals(1, a.victim.icmpStats().get(IcmpStat.BAD_CODE));
            assertNull(s.receiveFrom(), "no error was recorded for the socket");
            a.ip(icmpAboutUdp(3, 1, 0, VICTIM, 6000, PEER, 9)); // host unreachable: a real one is reported
            a.hosts.settle();
            org.junit.jupiter.api.Assertions.assertThrows(java.net.NoRouteToHostException.class, s::receiveFrom);
            a.assertBalanced();
        }
    }
}
