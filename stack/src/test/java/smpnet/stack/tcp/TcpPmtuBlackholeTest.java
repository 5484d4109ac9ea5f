package smpnet.stack.tcp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntPredicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import smpnet.stack.Stack;
import smpnet.stack.dev.SimNic;
import smpnet.stack.locks.LockMode;
import smpnet.stack.mbuf.Mbuf;
import smpnet.stack.mbuf.MbufStats;
import smpnet.stack.socket.SockOpt;
import smpnet.stack.socket.TcpSocket;
import smpnet.stack.stats.TcpStat;
import smpnet.witness.junit.WitnessExtension;

/**
 * PMTU black-hole detection (net.inet.tcp.pmtud_blackhole_detection, FreeBSD 14's tcp_timer_rexmt) between
 * two hosts whose path silently drops packets above a size from a to b (no ICMP: a black hole): the MSS comes
 * down to net.inet.tcp.pmtud_blackhole_mss at the second timeout, to mssdflt at the fourth, and back at the
 * sixth when nothing got through; plain and over UDP; with timestamps (whose retransmissions never count as
 * full segments) or with the sysctl off, nothing changes. Exact counters, and no mbuf left in use.
 */
@ExtendWith(WitnessExtension.class)
class TcpPmtuBlackholeTest {
    private static final int ETHER = 14;
    private static final int TUNNEL = 9811;

    /** What one run counted: a's counters of interest, frames the path dropped, a's MSS at the end of the transfer. */
    private record Run(long activated, long minMss, long failed, long rexmtTimeouts, long timeoutDrops, int dropped,
                       int mssAfter) {}

    @ParameterizedTest
    @EnumSource(LockMode.class)
    void aPathThatDropsAbove1300BytesTakesTheFirstLoweredMss(LockMode mode) {
        // 10 segments of the initial window (1500-byte packets) and their first retransmission are lost; the
        // second timeout sends 1200-byte segments, which pass
        assertEquals(new Run(1, 0, 0, 2, 0, 11, 1200), transfer(mode, false, len -> len > 1300, 2, 1, 20_000, true));
    }

    @Test
    void aPathThatDropsAbove600BytesTakesMssdflt() {
        // two more timeouts lose two 1200-byte segments; 536 bytes (576-byte packets) pass
        assertEquals(new Run(1, 1, 0, 4, 0, 13, 536), transfer(LockMode.FINE, false, len -> len > 600, 2, 1, 20_000, true));
    }

    @Test
    void overUdpTheTunneledMssIsLoweredToo() {
        // MSS 1452 (1500-byte datagrams) to 1200 (1248 bytes: IP, UDP and TCP headers)
        assertEquals(new Run(1, 0, 0, 2, 0, 11, 1200), transfer(LockMode.FINE, true, len -> len > 1300, 2, 1, 20_000, true));
    }

    @Test
    void anUnansweredSeriesRestoresTheMss() {
        // one segment of data; its first six packets are lost whatever their size (1460 twice, 1200 twice, 536
        // twice): the sixth timeout restores 1460, which passes
        AtomicInteger lost = new AtomicInteger();
        IntPredicate firstSix = len -> len > 100 && lost.incrementAndGet() <= 6;
        assertEquals(new Run(1, 1, 1, 6, 0, 6, 1460), transfer(LockMode.FINE, false, firstSix, 2, 1, 1460, true));
    }

    @Test
    void withTimestampsTheRetransmissionsAreNeverFull() {
        // rfc1323 1: a retransmission after a timeout carries cwnd = 1448 bytes, less than t_maxseg (1460); 20
        // seconds see 10 timeouts and no change
        assertEquals(new Run(0, 0, 0, 10, 0, 20, -1), transfer(LockMode.FINE, false, len -> len > 1300, 1, 1, 20_000, false));
    }

    @Test
    void offByDefault() {
        assertEquals(new Run(0, 0, 0, 10, 0, 20, -1), transfer(LockMode.FINE, false, len -> len > 1300, 2, 0, 20_000, false));
    }

    @Test
    void theSysctlsAndTheirBounds() {
        TcpSim.run(5, LockMode.FINE, TcpSim.CLEAN, (a, b, link) -> {
            assertEquals(0, a.sysctl("net.inet.tcp.pmtud_blackhole_detection"));
            assertEquals(1200, a.sysctl("net.inet.tcp.pmtud_blackhole_mss"));
            a.sysctl("net.inet.tcp.pmtud_blackhole_detection", 3);
            assertEquals(3, a.sysctl("net.inet.tcp.pmtud_blackhole_detection"));
            assertThrows(IllegalArgumentException.class, () -> a.sysctl("net.inet.tcp.pmtud_blackhole_detection", 4));
            assertThrows(IllegalArgumentException.class, () -> a.sysctl("net.inet.tcp.pmtud_blackhole_mss", 87));
            a.sysctl("net.inet.tcp.pmtud_blackhole_mss", 1400);
            assertEquals(1400, a.sysctl("net.inet.tcp.pmtud_blackhole_mss"));
        });
    }

    /**
     * a sends {@code bytes} bytes to b through a path that drops each packet from a to b whose IP length
     * {@code dropAToB} accepts. If they get through ({@code delivered}), b reads them all and both close (TIME_WAIT
     * of 200 ms); else the run waits 20 seconds of timeouts and a closes with a RST (SO_LINGER 0).
     */
    private static Run transfer(LockMode mode, boolean tunnel, IntPredicate dropAToB, int rfc1323, int detect,
                                int bytes, boolean delivered) {
        AtomicInteger dropped = new AtomicInteger();
        int[] mss = {-1};
        byte[] up = TcpTwoHostsTest.pattern(bytes, 3);
        TcpSim.Result r = TcpSim.runLinked(11, mode, 1, 4096, (na, nb) -> {
            na.attachLink(f -> forward(f, nb, dropAToB, dropped));
            nb.attachLink(f -> forward(f, na, len -> false, null));
            return () -> { };
        }, (a, b, na, nb) -> {
            for (Stack h : new Stack[] {a, b}) {
                h.sysctl("net.inet.tcp.msl", 100);
                if (tunnel) h.sysctl("net.inet.tcp.udp_tunneling_port", TUNNEL);
            }
            a.sysctl("net.inet.tcp.pmtud_blackhole_detection", detect);
            a.sysctl("net.inet.tcp.rfc1323", rfc1323);
            TcpSocket lis = b.openTcp().bind(new InetSocketAddress("10.0.0.2", 5001)).listen(1);
            TcpSocket c = a.openTcp();
            if (tunnel) c.setOption(SockOpt.TCP_REMOTE_UDP_ENCAPS_PORT, TUNNEL);
            c.connect(new InetSocketAddress("10.0.0.2", 5001));
            TcpSocket s = lis.accept();
            assertEquals(up.length, c.write(up));
            if (delivered) {
                assertArrayEquals(up, TcpTwoHostsTest.readAll(s, up.length));
                mss[0] = c.getOption(SockOpt.TCP_MAXSEG);
            } else {
                TcpSim.sleep(20_000);
                c.setOption(SockOpt.SO_LINGER, 0);
            }
            c.close();
            s.close();
            lis.close();
            TcpSim.sleep(1_000);
        });
        for (Stack h : new Stack[] {r.a(), r.b()}) {
            MbufStats m = h.allocator().stats();
            assertEquals(0, m.mbufs().inUse(), h.name() + ": " + m);
            assertEquals(0, m.clusters().inUse(), h.name() + ": " + m);
        }
        Stack a = r.a();
        return new Run(a.tcpStats().get(TcpStat.PMTUD_BLACKHOLE_ACTIVATED),
                a.tcpStats().get(TcpStat.PMTUD_BLACKHOLE_ACTIVATED_MIN_MSS),
                a.tcpStats().get(TcpStat.PMTUD_BLACKHOLE_FAILED), a.tcpStats().get(TcpStat.REXMTTIMEO),
                a.tcpStats().get(TcpStat.TIMEOUTDROP), dropped.get(), mss[0]);
    }

    /** Carries frame {@code f} to {@code to}, unless its IP packet's length is one {@code drop} accepts. */
    private static void forward(Mbuf f, SimNic to, IntPredicate drop, AtomicInteger dropped) {
        byte[] b = new byte[f.pktLen()];
        f.copyData(0, b.length, b, 0);
        f.freeChain();
        int ipLen = (b[ETHER + 2] & 0xFF) << 8 | (b[ETHER + 3] & 0xFF);
        if (drop.test(ipLen)) {
            dropped.incrementAndGet();
            return;
        }
        Mbuf c = to.allocator().fromBytes(b, 0, b.length, Mbuf.M_NOWAIT);
        if (c != null) to.receive(c);
    }
}
