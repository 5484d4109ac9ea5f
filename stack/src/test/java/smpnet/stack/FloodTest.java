package smpnet.stack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static smpnet.stack.Attack.PEER;
import static smpnet.stack.Attack.VICTIM;
import static smpnet.stack.testing.Frames.icmp;
import static smpnet.stack.testing.Frames.ipv4;
import static smpnet.stack.testing.Frames.udp;

import java.util.Arrays;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import smpnet.stack.config.ArpConfig;
import smpnet.stack.config.ReassemblyLimits;
import smpnet.stack.internal.ip.PathMtuCache;
import smpnet.stack.internal.wire.Ipv4Header;
import smpnet.stack.locks.LockMode;
import smpnet.stack.netisr.DispatchPolicy;
import smpnet.stack.socket.UdpSocket;
import smpnet.stack.stats.ArpStat;
import smpnet.stack.stats.IcmpStat;
import smpnet.stack.stats.IpStat;
import smpnet.stack.stats.UdpStat;
import smpnet.stack.testing.Frames;
import smpnet.witness.junit.WitnessExtension;

/**
 * Every per-host table has a limit, and a flood at it leaves the host answering a ping: ARP, reassembly,
 * path MTU, sockets' buffers, routes. Each test prints its memory high-water mark: the mbufs and clusters
 * the host holds at the end of the flood (nothing frees them meanwhile, so that is the peak) and the heap
 * it retains, measured after a collection before and after.
 */
@ExtendWith(WitnessExtension.class)
class FloodTest {
    private static long heapUsed() {
        Runtime r = Runtime.getRuntime();
        for (int i = 0; i < 3; i++) System.gc();
        return r.totalMemory() - r.freeMemory();
    }

    private static void report(String flood, LockMode mode, Attack a, long heapBefore, String table) {
        long heap = heapUsed() - heapBefore;
        System.out.printf("[flood] %-12s %-15s %s; mbufs %d, clusters %d, retained heap %+d KiB%n", flood, mode, table,
                a.victim.allocator().outstanding(), a.victim.allocator().outstandingClusters(), heap / 1024);
    }

    @ParameterizedTest
    @EnumSource(LockMode.class)
    void arp(LockMode mode) {
        try (Attack a = new Attack(Attack.config("victim", mode, DispatchPolicy.DIRECT), "10.0.0.2/16")) {
            long heap = heapUsed();
            long us = a.nic.mac().bits();
            int n = 3 * ArpConfig.DEFAULT_MAX_ENTRIES;
            for (int i = 0; i < n; i++) a.arp(us, Frames.arp(1, 0x020000100000L + i, 0x0a000100 + i, 0, VICTIM));
            a.hosts.settle();
            assertEquals(ArpConfig.DEFAULT_MAX_ENTRIES, a.victim.arpEntries(a.nic));
            assertEquals(n - ArpConfig.DEFAULT_MAX_ENTRIES, a.victim.arpStats().get(ArpStat.TABLE_FULL));
            report("arp", mode, a, heap, "entries " + a.victim.arpEntries(a.nic));
            a.assertAnswersPing(); // the peer is new to the full table: the reply evicts an idle entry
            assertEquals(1, a.victim.arpStats().get(ArpStat.EVICTED));
            assertEquals(ArpConfig.DEFAULT_MAX_ENTRIES, a.victim.arpEntries(a.nic));
            a.assertBalanced();
        }
    }

    @ParameterizedTest
    @EnumSource(LockMode.class)
    void reassembly(LockMode mode) {
        try (Attack a = new Attack(Attack.config("victim", mode, DispatchPolicy.DIRECT), "10.0.0.2/24")) {
            long heap = heapUsed();
            ReassemblyLimits lim = ReassemblyLimits.DEFAULT;
            int n = 4 * lim.packets();
            for (int i = 0; i < n; i++) {
                a.ip(ipv4(PEER, VICTIM, Ipv4Header.PROTO_UDP, 64, Ipv4Header.FLAG_MF, i, new byte[1480]));
            }
            a.hosts.settle();
            assertEquals(lim.packets(), a.victim.reassemblyPending());
            assertEquals(n - lim.packets(), a.victim.ipStats().get(IpStat.FRAGMENTS_DROPPED));
            assertTrue(lim.packets() * 1480 <= lim.bytes(), "the datagram limit binds first here");
            report("reassembly", mode, a, heap, "datagrams " + a.victim.reassemblyPending());
            a.assertAnswersPing();
            a.assertBalanced();
        }
    }

    @ParameterizedTest
    @EnumSource(LockMode.class)
    void pathMtu(LockMode mode) throws Exception {
        try (Attack a = new Attack(Attack.config("victim", mode, DispatchPolicy.DIRECT), "10.0.0.2/16"); UdpSocket s = a.victim.openUdp().bind(5000)) {
            long heap = heapUsed();
            int n = 3 * PathMtuCache.DEFAULT_LIMIT;
            for (int i = 0; i < n; i++) {
                int far = 0x0a000100 + i; // on the link: a destination we have a route to
                byte[] quoted = ipv4(VICTIM, far, Ipv4Header.PROTO_UDP, 64, 0, 7, Arrays.copyOf(udp(VICTIM, far, 5000, 9, new byte[8]), 8));
                a.ip(ipv4(PEER, VICTIM, Ipv4Header.PROTO_ICMP, 64, 0, i, icmp(3, 4, 1000, quoted)));
            }
            a.hosts.settle();
            assertEquals(PathMtuCache.DEFAULT_LIMIT, a.victim.pathMtuEntries());
            assertEquals(n - PathMtuCache.DEFAULT_LIMIT, a.victim.icmpStats().get(IcmpStat.PATH_MTU_FULL));
            report("path MTU", mode, a, heap, "destinations " + a.victim.pathMtuEntries());
            a.assertAnswersPing();
            a.assertBalanced();
        }
    }

    @ParameterizedTest
    @EnumSource(LockMode.class)
    void socketBuffers(LockMode mode) throws Exception {
        try (Attack a = new Attack(Attack.config("victim", mode, DispatchPolicy.DIRECT), "10.0.0.2/24"); UdpSocket one = a.victim.openUdp().bind(9); UdpSocket two = a.victim.openUdp().bind(10)) {
            long heap = heapUsed();
            int n = 4000;
            for (int i = 0; i < n; i++) {
                a.ip(ipv4(PEER, VICTIM, Ipv4Header.PROTO_UDP, 64, 0, i, udp(PEER, VICTIM, 5, 9, new byte[0])));
                byte[] big = Frames.pad(udp(PEER, VICTIM, 5, 10, new byte[1]), 1400);
                a.ip(ipv4(PEER, VICTIM, Ipv4Header.PROTO_UDP, 64, 0, i, big));
            }
            a.hosts.settle();
            long delivered = a.victim.udpStats().get(UdpStat.DELIVERED);
            long mbufCap = UdpSocket.DEFAULT_RECEIVE_BUFFER * 8L / 256;
            assertTrue(delivered <= mbufCap + mbufCap / 8, "delivered " + delivered);
            assertEquals(2L * n - delivered, a.victim.udpStats().get(UdpStat.FULL_SOCKET_BUFFER));
            assertTrue(a.victim.allocator().outstanding() <= mbufCap + mbufCap / 8, "mbufs held stay within two buffers' charge");
            report("socket bufs", mode, a, heap, "datagrams queued " + delivered);
            a.assertAnswersPing();
            a.assertBalanced();
        }
    }

    @ParameterizedTest
    @EnumSource(LockMode.class)
    void routes(LockMode mode) {
        try (Attack a = new Attack(Attack.config("victim", mode, DispatchPolicy.DIRECT), "10.0.0.2/24")) {
            long heap = heapUsed();
            int before = a.victim.routeCount();
            for (int i = 0; i < 2000; i++) { // ICMP redirects (RFC 792 type 5) to ever new gateways
                byte[] quoted = ipv4(VICTIM, 0x0b000000 + i, Ipv4Header.PROTO_UDP, 64, 0, 7, new byte[8]);
                a.ip(ipv4(PEER, VICTIM, Ipv4Header.PROTO_ICMP, 64, 0, i, icmp(5, 1, 0x0a000000 + (i & 0xff), quoted)));
            }
            a.hosts.settle();
            assertEquals(before, a.victim.routeCount(), "input never adds a route");
            assertEquals(2000, a.victim.icmpStats().get(IcmpStat.OTHER_RECEIVED));
            report("routes", mode, a, heap, "routes " + a.victim.routeCount());
            a.assertAnswersPing();
            a.assertBalanced();
        }
    }
}
