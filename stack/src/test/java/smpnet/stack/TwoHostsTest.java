package smpnet.stack;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import smpnet.stack.socket.Ping;
import smpnet.stack.locks.LockMode;
import smpnet.stack.dev.SimNic;
import smpnet.stack.socket.Datagram;
import smpnet.stack.socket.UdpSocket;
import smpnet.witness.junit.WitnessExtension;

/** Two hosts on one wire exchange UDP and pings, in every locking mode, and tshark reads the capture clean. */
@ExtendWith(WitnessExtension.class)
class TwoHostsTest {
    @TempDir Path dir;

    @ParameterizedTest
    @EnumSource(LockMode.class)
    void udpAndPingOverAWire(LockMode mode) throws Exception {
        Path pcap = dir.resolve("a.pcap");
        try (Hosts h = new Hosts()) {
            Stack a = h.host("a", mode);
            Stack b = h.host("b", mode);
            SimNic na = Hosts.nic(a, "em0", "10.0.0.1/24");
            SimNic nb = Hosts.nic(b, "em0", "10.0.0.2/24");
            Hosts.wire(na, nb);
            a.capture(na, pcap);
            h.start();
            try (UdpSocket server = b.openUdp().bind(5555).setReceiveTimeout(Duration.ofSeconds(20));
                 UdpSocket client = a.openUdp().bind(40000).setReceiveTimeout(Duration.ofSeconds(20))) {
                client.sendTo("hello".getBytes(StandardCharsets.UTF_8), new InetSocketAddress("10.0.0.2", 5555));
                Datagram d = server.receiveFrom();
                assertEquals("hello", d.text());
                assertEquals(new InetSocketAddress("10.0.0.1", 40000), d.source());
                server.sendTo("world!".getBytes(StandardCharsets.UTF_8), d.source());
                assertEquals("world!", client.receiveFrom().text());
            }
            Ping.Result p = a.ping("10.0.0.2", 3, Duration.ZERO, Duration.ofSeconds(20));
            assertEquals(3, p.transmitted());
            assertEquals(3, p.received());
            assertEquals("[0, 1, 2]", p.replies().stream().map(Ping.Reply::sequence).toList().toString());
            h.settle();
            assertEquals(nb.mac().bits(), a.arpLookup(na, "10.0.0.2"));
            assertEquals(na.mac().bits(), b.arpLookup(nb, "10.0.0.1"), "learned from A's request (RFC 826)");
            assertEquals("RECEIVED=1 REPLIES_RECEIVED=1 REQUESTS_SENT=1 FOR_US=1 HELD=1", a.arpStats().nonZero());
            assertEquals("RECEIVED=1 REQUESTS_RECEIVED=1 REPLIES_SENT=1 FOR_US=1", b.arpStats().nonZero());
            assertEquals("RECEIVED=1 DELIVERED=1 SENT=1", a.udpStats().nonZero());
            assertEquals("RECEIVED=1 DELIVERED=1 SENT=1", b.udpStats().nonZero());
            assertEquals("RECEIVED=3 ECHO_REPLIES_RECEIVED=3 CONSUMED=3 ECHO_REQUESTS_SENT=3", a.icmpStats().nonZero());
            assertEquals("RECEIVED=3 ECHO_REQUESTS=3 CONSUMED=3 ECHO_REPLIES_SENT=3", b.icmpStats().nonZero());
            assertEquals("RECEIVED=4 DELIVERED=4 SENT=4", a.ipStats().nonZero());
        }
        assertEquals("", Hosts.tsharkProblems(pcap));
        assertEquals("""
                arp\t1\t\t\t\t\t
                arp\t2\t\t\t\t\t
                udp\t\t10.0.0.1\t10.0.0.2\t40000\t5555\t
                udp\t\t10.0.0.2\t10.0.0.1\t5555\t40000\t
                icmp\t\t10.0.0.1\t10.0.0.2\t\t\t8
                icmp\t\t10.0.0.2\t10.0.0.1\t\t\t0
                icmp\t\t10.0.0.1\t10.0.0.2\t\t\t8
                icmp\t\t10.0.0.2\t10.0.0.1\t\t\t0
                icmp\t\t10.0.0.1\t10.0.0.2\t\t\t8
                icmp\t\t10.0.0.2\t10.0.0.1\t\t\t0
                """, Hosts.tsharkFields(pcap, "", "_ws.col.Protocol", "arp.opcode", "ip.src", "ip.dst", "udp.srcport",
                "udp.dstport", "icmp.type").toLowerCase());
    }
}
