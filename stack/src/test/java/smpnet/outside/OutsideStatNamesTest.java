package smpnet.outside;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import smpnet.stack.socket.UdpSocket;
import smpnet.stack.stats.IpStat;
import smpnet.stack.stats.UdpStat;

/**
 * The FreeBSD names of the IP and UDP counters as README.md's table gives them: {@code freebsdName()} and
 * {@code ofFreebsdName} are each other's inverse, the examples the table names hold, a name smpnet has no
 * counter for is null, a null name a NullPointerException naming it, and {@code Stack.netstat()} prints each
 * counter with its FreeBSD wording.
 */
class OutsideStatNamesTest {
    @Test
    void udpStatNamesRoundTrip() {
        Set<String> seen = new HashSet<>();
        for (UdpStat s : UdpStat.values()) {
            String name = s.freebsdName();
            if (name == null) continue;
            assertTrue(name.matches("udps_[a-z]+"), name);
            assertTrue(seen.add(name), "one counter per FreeBSD field: " + name);
            assertEquals(s, UdpStat.ofFreebsdName(name));
        }
        assertEquals(UdpStat.TOO_SHORT, UdpStat.ofFreebsdName("udps_hdrops"));
        assertEquals("udps_hdrops", UdpStat.TOO_SHORT.freebsdName());
        assertEquals(UdpStat.NO_PORT_BROADCAST, UdpStat.ofFreebsdName("udps_noportbcast"));
        assertEquals(UdpStat.NO_PORT, UdpStat.ofFreebsdName("udps_noport"));
        assertEquals(UdpStat.SENT, UdpStat.ofFreebsdName("udps_opackets"));
        assertNull(UdpStat.ofFreebsdName("udps_nosuch"));
        assertNull(UdpStat.ofFreebsdName("ips_toosmall"), "an ipstat field is no udpstat field");
        assertNull(UdpStat.ofFreebsdName(""));
        assertNull(UdpStat.DELIVERED.freebsdName(), "smpnet's own counter");
        assertEquals("name", assertThrows(NullPointerException.class, () -> UdpStat.ofFreebsdName(null)).getMessage());
        assertEquals("with incomplete header", UdpStat.TOO_SHORT.toString(), "netstat's wording");
    }

    @Test
    void ipStatNamesRoundTrip() {
        Set<String> seen = new HashSet<>();
        for (IpStat s : IpStat.values()) {
            String name = s.freebsdName();
            if (name == null) continue;
            assertTrue(seen.add(name), "one counter per FreeBSD field: " + name);
            assertEquals(s, IpStat.ofFreebsdName(name));
        }
        assertEquals(IpStat.TOO_SHORT, IpStat.ofFreebsdName("ips_toosmall"));
        assertNull(IpStat.ofFreebsdName("udps_hdrops"));
        assertEquals("name", assertThrows(NullPointerException.class, () -> IpStat.ofFreebsdName(null)).getMessage());
    }

    @Test
    void netstatPrintsUdpCountersInFreebsdWording() throws Exception {
        try (TwoHosts h = new TwoHosts().start()) {
            UdpSocket u = h.a.openUdp();
            u.sendTo("x".getBytes(), new InetSocketAddress("10.0.0.2", 5999)); // nobody listens there
            u.close();
            h.quiesce();
            assertEquals(1, h.b.udpStats().get(UdpStat.ofFreebsdName("udps_noport")));
            assertEquals(1, h.b.udpStats().get(UdpStat.ofFreebsdName("udps_ipackets")));
            String udp = h.b.netstat().substring(h.b.netstat().indexOf("udp:\n"));
            assertTrue(udp.contains("\t1 datagrams received\n"), udp);
            assertTrue(udp.contains("\t1 dropped due to no socket\n"), udp);
            h.assertNothingHeld();
        }
    }
}
