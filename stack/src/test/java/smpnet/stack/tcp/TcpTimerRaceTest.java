package smpnet.stack.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import smpnet.locking.Scheduler;
import smpnet.stack.Stack;
import smpnet.stack.locks.LockMode;
import smpnet.stack.socket.SockOpt;
import smpnet.stack.socket.TcpSocket;
import smpnet.stack.socket.TcpState;
import smpnet.stack.stats.TcpStat;
import smpnet.witness.junit.WitnessExtension;

/**
 * Timers firing while their connection is closed, reset or leaves TIME_WAIT (the classic SMP bug: a callout
 * running against a freed control block). Each scenario acts at the very virtual instant a timer is due, so
 * the seeded scheduler interleaves the callout thread's handler with the close in many ways across seeds, in
 * every locking mode. A run passes with no witness report, no exception in any thread, no leaked mbuf, and
 * no connection, control block or timer left on either host.
 */
@ExtendWith(WitnessExtension.class)
class TcpTimerRaceTest {
    static List<Arguments> runs() {
        List<Arguments> out = new ArrayList<>();
        for (LockMode m : LockMode.values()) for (long seed = 1; seed <= 3; seed++) out.add(Arguments.of(m, seed));
        return out;
    }

    private static final InetSocketAddress SERVER = new InetSocketAddress("10.0.0.2", 9);

    @ParameterizedTest
    @MethodSource("runs")
    void everyTimerKindFiresWhileItsConnectionCloses(LockMode mode, long seed) {
        TcpSim.Result r = TcpSim.run(seed, mode, TcpSim.CLEAN, (a, b, link) -> {
            for (Stack s : List.of(a, b)) {
                s.sysctl("net.inet.tcp.msl", 50);           // TIME_WAIT 100 ms
                s.sysctl("net.inet.tcp.delacktime", 40);
            }
            TcpSocket lis = b.openTcp().bind(SERVER).listen(8);

            // 1. persist, retransmit and delayed-ACK timers pending when the sender resets (SO_LINGER 0)
            TcpSocket c = a.openTcp();
            c.setOption(SockOpt.SO_RCVBUF, 4096);
            c.connect(SERVER);
            TcpSocket s = lis.accept();
            s.setOption(SockOpt.SO_RCVBUF, 4096);
            s.setOption(SockOpt.SO_SNDBUF, 65536);
            c.write(new byte[100]);                          // b's delayed ACK armed
            s.write(new byte[60_000]);                       // a does not read: its window closes, b persists
            TcpSim.sleep(6_000 + seed);                      // after the first persist probe, the next one armed
            assertTrue(b.tcpStats().get(TcpStat.PERSISTTIMEO) + b.tcpStats().get(TcpStat.SNDPROBE) >= 0);
            s.setOption(SockOpt.SO_LINGER, 0);
            s.close();                                       // RST while persist (and maybe rexmt) is armed
            TcpSim.sleep(10);
            assertEquals(TcpState.CLOSED, c.state());
            c.close();

            // 2. keepalive probes due at the instant the connection is closed
            TcpSocket k = a.openTcp();
            k.setOption(SockOpt.SO_KEEPALIVE, 1);
            k.setOption(SockOpt.TCP_KEEPIDLE, 1);
            k.setOption(SockOpt.TCP_KEEPINTVL, 1);
            k.setOption(SockOpt.TCP_KEEPCNT, 2);
            k.connect(SERVER);
            TcpSocket ks = lis.accept();
            long t0 = Scheduler.current().nanoTime();
            Scheduler.current().parkNanos("keep", t0 % 1 + 2_000_000_000L - 1_000_000L * (seed % 3));
            k.close();                                       // FIN as the second probe falls due
            ks.close();
            TcpSim.sleep(300);                               // past TIME_WAIT

            // 3. TIME_WAIT expiring as its socket's peer retransmits and the host closes sockets around it
            TcpSocket t = a.openTcp();
            t.connect(SERVER);
            TcpSocket ts = lis.accept();
            t.close();                                       // a: FIN_WAIT_1 ... TIME_WAIT
            TcpSim.sleep(5);
            ts.close();
            TcpSim.sleep(100 - 1 + seed % 3);                // act at the 2MSL expiry, a tick either side
            assertEquals(0, b.tcpResources().connections());
            lis.close();
            TcpSim.sleep(200);
        });
        assertTrue(r.a().tcpStats().get(TcpStat.KEEPPROBE) >= 1, r.a().tcpStats().nonZero());
        assertTrue(r.b().tcpStats().get(TcpStat.PERSISTTIMEO) >= 1, r.b().tcpStats().nonZero());
        assertTrue(r.b().tcpStats().get(TcpStat.DELACK) >= 1, r.b().tcpStats().nonZero());
        assertEquals(1, r.b().tcpStats().get(TcpStat.DROPS), "the RST of SO_LINGER 0");
    }
}
