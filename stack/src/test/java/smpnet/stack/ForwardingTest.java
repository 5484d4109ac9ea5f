package smpnet.stack;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import smpnet.stack.socket.Ping;
import smpnet.stack.locks.LockMode;
import smpnet.stack.dev.NicConfig;
import smpnet.stack.dev.SimNic;
import smpnet.stack.socket.Datagram;
import smpnet.stack.socket.UdpSocket;
import smpnet.witness.junit.WitnessExtension;

/**
 * A – router – B: forwarding with TTL decrement, fragmentation by the sender and again by the router
 * (a 1280-byte link), reassembly at B, and the ICMP errors a router and a host send.
 */
@ExtendWith(WitnessExtension.class)
class ForwardingTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    @TempDir Path dir;

    @ParameterizedTest
    @EnumSource(LockMode.class)
    void threeHosts(LockMode mode) throws Exception {
        Path atB = dir.resolve("b.pcap");
        Path atRouter = dir.resolve("r.pcap");
        try (Hosts h = new Hosts()) {
            Stack a = h.host("a", mode);
            Stack r = h.host(StackConfig.defaults("r").withMode(mode).withForwarding(true));
            Stack b = h.host("b", mode);
            SimNic na = Hosts.nic(a, "em0", "10.0.1.1/24");
            SimNic r0 = Hosts.nic(r, "em0", "10.0.1.254/24");
            SimNic r1 = r.addNic("em1", "10.0.2.254/24", NicConfig.of(1), 1280);
            SimNic nb = b.addNic("em0", "10.0.2.1/24", NicConfig.of(1), 1280);
            Hosts.wire(na, r0);
            Hosts.wire(r1, nb);
            a.addRoute("0.0.0.0/0", "10.0.1.254");
            b.addRoute("0.0.0.0/0", "10.0.2.254");
            b.capture(nb, atB);
            r.capture(r0, atRouter);
            h.start();

            byte[] big = new byte[3000];
            for (int i = 0; i < big.length; i++) big[i] = (byte) (i * 7);
            try (UdpSocket server = b.openUdp().bind(9000).setReceiveTimeout(WAIT);
                 UdpSocket client = a.openUdp().bind(41000).setReceiveTimeout(WAIT)) {
                client.sendTo("small".getBytes(), new InetSocketAddress("10.0.2.1", 9000));
                assertEquals("small", server.receiveFrom().text());
                client.sendTo(big, new InetSocketAddress("10.0.2.1", 9000));
                Datagram d = server.receiveFrom();
                assertArrayEquals(big, d.data());
                assertEquals(new InetSocketAddress("10.0.1.1", 41000), d.source());
            }
            try (UdpSocket connected = a.openUdp().setReceiveTimeout(WAIT)) {
                connected.connect(new InetSocketAddress("10.0.2.1", 9999));
                connected.send("anyone?".getBytes());
                assertThrows(PortUnreachableException.class, connected::receiveFrom);
            }
            assertEquals(3, a.ping("10.0.2.1", 3, Duration.ZERO, WAIT).received());
            Ping.Result ttl = a.newPing().ttl(1).run(ip("10.0.2.1"), 1, 56, Duration.ZERO, WAIT);
            assertEquals("[seq 0: icmp type 11 code 0 from 10.0.1.254]", ttl.errors().toString());
            Ping.Result df = a.newPing().dontFragment(true).run(ip("10.0.2.1"), 1, 1400, Duration.ZERO, WAIT);
            assertEquals("[seq 0: icmp type 3 code 4 from 10.0.1.254]", df.errors().toString());
            Ping.Result afterPmtu = a.newPing().dontFragment(true).run(ip("10.0.2.1"), 1, 1400, Duration.ZERO, WAIT);
            assertEquals(0, afterPmtu.transmitted(), "the route learned MTU 1280: DF and too big fails at the source");
            Ping.Result noRoute = a.newPing().run(ip("192.168.9.9"), 1, 56, Duration.ZERO, WAIT);
            assertEquals("[seq 0: icmp type 3 code 0 from 10.0.1.254]", noRoute.errors().toString());
            h.settle();

            // B: small + 5 fragments + the connected send + 3 echo requests; sends 3 replies and a port unreachable.
            assertEquals("RECEIVED=10 FRAGMENTS_RECEIVED=5 FRAGMENTS_HELD=4 REASSEMBLED=1 DELIVERED=6 SENT=4", b.ipStats().nonZero());
            // R: 11 packets from A and 4 from B; 12 forwarded, 3 answered with an error; the 2 full fragments re-split.
            assertEquals("RECEIVED=15 FORWARDED=12 NO_ROUTE_FORWARD=1 TTL_EXCEEDED=1 SENT=3 "
                    + "FRAGMENTED=2 FRAGMENTS_CREATED=4 CANT_FRAGMENT=1", r.ipStats().nonZero());
            // A: the DF ping after path MTU discovery counts as sent and can't-fragment, and never leaves.
            assertEquals("RECEIVED=7 DELIVERED=7 SENT=10 FRAGMENTED=1 FRAGMENTS_CREATED=3 CANT_FRAGMENT=1", a.ipStats().nonZero());
            assertEquals("RECEIVED=7 ECHO_REPLIES_RECEIVED=3 UNREACHABLE_RECEIVED=3 TIME_EXCEEDED_RECEIVED=1 CONSUMED=7 "
                    + "ECHO_REQUESTS_SENT=6", a.icmpStats().nonZero());
            assertEquals("RECEIVED=3 NO_PORT=1 DELIVERED=2", b.udpStats().nonZero());
            assertEquals("RECEIVED=3 ECHO_REQUESTS=3 CONSUMED=3 ECHO_REPLIES_SENT=3 PORT_UNREACHABLE_SENT=1", b.icmpStats().nonZero());
            assertEquals("NET_UNREACHABLE_SENT=1 FRAG_NEEDED_SENT=1 TIME_EXCEEDED_SENT=1", r.icmpStats().nonZero());
        }
        assertEquals("", Hosts.tsharkProblems(atB));
        assertEquals("", Hosts.tsharkProblems(atRouter));
        // Offsets in 8-byte units: 0, 1256, 1480, 2736, 2960 bytes (A cut 1480-byte pieces, R re-cut them to 1256).
        assertEquals("""
                63\t1\t0
                63\t1\t157
                63\t1\t185
                63\t1\t342
                63\t0\t370
                """, Hosts.tsharkFields(atB, "ip.flags.mf == 1 || ip.frag_offset > 0", "ip.ttl", "ip.flags.mf",
                "ip.frag_offset"));
    }

    private static int ip(String s) { return smpnet.stack.internal.wire.Ipv4Header.parseAddress(s); }
}
