package smpnet.stack.tcp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntPredicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import smpnet.locking.DeterministicScheduler;
import smpnet.locking.Scheduler;
import smpnet.stack.Stack;
import smpnet.stack.dev.SimNic;
import smpnet.stack.locks.LockMode;
import smpnet.stack.mbuf.Mbuf;
import smpnet.stack.mbuf.MbufLeakExtension;
import smpnet.stack.mbuf.MbufStats;
import smpnet.stack.socket.SockOpt;
import smpnet.stack.socket.TcpSocket;
import smpnet.stack.stats.TcpStat;
import smpnet.witness.junit.WitnessExtension;

/**
 * PMTU black-hole detection (net.inet.tcp.pmtud_blackhole_detection, FreeBSD 14's tcp_timer_rexmt) between
 * two hosts whose path silently drops IPv4 packets above a size from a to b (no ICMP: a black hole; ARP
 * passes), timestamps off (with them a retransmission after a timeout is never a full segment, see
 * {@code TcpPmtuBlackhole}): the MSS comes down to net.inet.tcp.pmtud_blackhole_mss at the second timeout, to
 * mssdflt at the fourth, and back at the sixth when nothing got through, and the transfer completes byte-exact.
 * Plain and over UDP; exact counters, and no mbuf left in use. The sysctls' defaults and bounds. The
 * packetdrill scripts {@code pmtud-blackhole/*.pkt} and {@code udp-tunnel/pmtud-blackhole-*.pkt} specify the
 * segments themselves.
 */
@ExtendWith({WitnessExtension.class, MbufLeakExtension.class})
class TcpPmtuBlackholeTest {
    private static final int ETHER = 14;
    private static final int TUNNEL = 9811;
    /** Virtual time a run gives the transfer before it gives up (the six-timeout series takes about 15 s). */
    private static final long DEADLINE_MS = 30_000;

    /**
     * What one run counted on a: the three black-hole counters, the retransmission timeouts, the IPv4 frames
     * the path dropped, whether b read the whole pattern byte-exact, and a's MSS after it (-1 if not).
     */
    private record Run(long activated, long minMss, long failed, long rexmtTimeouts, int dropped, boolean delivered,
                       int mssAfter) {}

    @ParameterizedTest
    @EnumSource(LockMode.class)
    void aPathThatDropsAbove1300BytesTakesPmtudBlackholeMss(LockMode mode) {
        // the 10 segments of the initial window (1500-byte packets) are lost, and the first timeout's
        // retransmission of one (full: 1460 bytes, the congestion window one segment); the second timeout
        // lowers the MSS to 1200 (ACTIVATED), whose 1240-byte packets pass
        assertEquals(new Run(1, 0, 0, 2, 11, true, 1200), transfer(mode, false, len -> len > 1300, 20_000));
    }

    @Test
    void overUdpTheTunneledMssIsLoweredToo() {
        // the same through the UDP tunnel: MSS 1452 (1500-byte datagrams), lowered to 1200 (1248 bytes: the IP,
        // UDP and TCP headers), which pass
        assertEquals(new Run(1, 0, 0, 2, 11, true, 1200), transfer(LockMode.FINE, true, len -> len > 1300, 20_000));
    }

    @Test
    void aPathThatDropsAbove600BytesTakesMssdflt() {
        // as above, then the 1200-byte retransmissions of the second and third timeouts are lost too; the
        // fourth lowers the MSS to mssdflt, 536 (ACTIVATED_MIN_MSS), whose 576-byte packets pass
        assertEquals(new Run(1, 1, 0, 4, 13, true, 536), transfer(LockMode.FINE, false, len -> len > 600, 20_000));
    }

    @Test
    void anUnansweredSeriesRestoresTheMss() {
        // one full segment of data whose first six packets are lost whatever their size (1460 twice, 1200
        // twice, 536 twice): the sixth timeout is the series' exit and restores 1460 (FAILED), which passes
        AtomicInteger lost = new AtomicInteger();
        IntPredicate firstSixData = len -> len > 100 && lost.incrementAndGet() <= 6;
        assertEquals(new Run(1, 1, 1, 6, 6, true, 1460), transfer(LockMode.FINE, false, firstSixData, 1460));
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
     * a (detection 1, timestamps off; over UDP if {@code tunnel}) sends a pattern of {@code bytes} bytes to b
     * through a path that drops each IPv4 packet from a to b whose IP total length {@code dropAToB} accepts (b's
     * packets all pass). A reader thread on b reads
     * exactly that many bytes; the application waits for it up to {@link #DEADLINE_MS} of virtual time, then
     * a closes with a RST (SO_LINGER 0: a transfer that did not get through cannot hang the run).
     */
    private static Run transfer(LockMode mode, boolean tunnel, IntPredicate dropAToB, int bytes) {
        AtomicInteger dropped = new AtomicInteger();
        AtomicReference<byte[]> got = new AtomicReference<>();
        int[] mss = {-1};
        byte[] up = TcpTwoHostsTest.pattern(bytes, 3);
        TcpSim.Result r = TcpSim.runLinked(11, mode, 1, 4096, (na, nb) -> {
            na.attachLink(f -> forward(f, nb, dropAToB, dropped));
            nb.attachLink(f -> forward(f, na, len -> false, dropped));
            return () -> { };
        }, (a, b, na, nb) -> {
            for (Stack h : new Stack[] {a, b}) {
                h.sysctl("net.inet.tcp.msl", 100);
                h.sysctl("net.inet.tcp.rfc1323", 0);
                if (tunnel) h.sysctl("net.inet.tcp.udp_tunneling_port", TUNNEL);
            }
            a.sysctl("net.inet.tcp.pmtud_blackhole_detection", 1);
            TcpSocket lis = b.openTcp().bind(new InetSocketAddress("10.0.0.2", 5001)).listen(1);
            TcpSocket c = a.openTcp();
            if (tunnel) c.setOption(SockOpt.TCP_REMOTE_UDP_ENCAPS_PORT, TUNNEL);
            c.connect(new InetSocketAddress("10.0.0.2", 5001));
            TcpSocket s = lis.accept();
            assertEquals(tunnel ? TUNNEL : 0, s.getOption(SockOpt.TCP_REMOTE_UDP_ENCAPS_PORT), "b: the tunnel's port");
            DeterministicScheduler sched = (DeterministicScheduler) Scheduler.current();
            Thread reader = sched.spawn("reader", () -> {
                try {
                    got.set(TcpSim.readExactly(s, up.length));
                } catch (Exception | AssertionError e) {
                    got.set(new byte[0]); // reset before the whole pattern came
                }
            });
            assertEquals(up.length, c.write(up));
            for (long waited = 0; got.get() == null && waited < DEADLINE_MS; waited += 10) TcpSim.sleep(10);
            if (got.get() != null) mss[0] = c.getOption(SockOpt.TCP_MAXSEG);
            else c.setOption(SockOpt.SO_LINGER, 0);
            c.close();
            // the reader returns at once (the pattern read, or the RST); joining it before would block outside
            // the scheduler
            for (int i = 0; got.get() == null && i < 100; i++) TcpSim.sleep(10);
            assertNotNull(got.get(), "b's reader still blocked 1 s after a closed");
            reader.join();
            s.close();
            lis.close();
            TcpSim.sleep(1_000);
        });
        for (Stack h : new Stack[] {r.a(), r.b()}) {
            MbufStats m = h.allocator().stats();
            assertEquals(0, m.mbufs().inUse(), h.name() + ": " + m);
            assertEquals(0, m.clusters().inUse(), h.name() + ": " + m);
        }
        boolean delivered = got.get() != null && got.get().length == up.length;
        if (delivered) assertArrayEquals(up, got.get());
        Stack a = r.a();
        return new Run(a.tcpStats().get(TcpStat.PMTUD_BLACKHOLE_ACTIVATED),
                a.tcpStats().get(TcpStat.PMTUD_BLACKHOLE_ACTIVATED_MIN_MSS),
                a.tcpStats().get(TcpStat.PMTUD_BLACKHOLE_FAILED), a.tcpStats().get(TcpStat.REXMTTIMEO),
                dropped.get(), delivered, delivered ? mss[0] : -1);
    }

    /**
     * Carries a copy of frame {@code f} to {@code to} ({@code f} is freed), unless it is IPv4 (ethertype
     * 0x0800: ARP and the rest always pass) and {@code drop} accepts its IP total length; each frame dropped
     * counts in {@code dropped}.
     */
    private static void forward(Mbuf f, SimNic to, IntPredicate drop, AtomicInteger dropped) {
        byte[] b = new byte[f.pktLen()];
        f.copyData(0, b.length, b, 0);
        f.freeChain();
        boolean ipv4 = b.length >= ETHER + 20 && (b[12] & 0xFF) == 0x08 && b[13] == 0;
        if (ipv4 && drop.test((b[ETHER + 2] & 0xFF) << 8 | (b[ETHER + 3] & 0xFF))) {
            dropped.incrementAndGet();
            return;
        }
        Mbuf c = to.allocator().fromBytes(b, 0, b.length, Mbuf.M_NOWAIT);
        if (c != null) to.receive(c);
    }
}
