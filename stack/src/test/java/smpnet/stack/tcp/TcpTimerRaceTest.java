package smpnet.stack.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
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
import smpnet.stack.mbuf.MbufLeakExtension;
import smpnet.stack.socket.Errno;
import smpnet.stack.socket.SockOpt;
import smpnet.stack.socket.SocketError;
import smpnet.stack.socket.TcpSocket;
import smpnet.stack.socket.TcpState;
import smpnet.stack.stats.TcpStat;
import smpnet.witness.junit.WitnessExtension;

/**
 * Timers firing while their connection is closed, reset or leaves TIME_WAIT (the classic SMP bug: a callout
 * running against a freed control block). Every kind of timer on the host's callout wheel falls due at the
 * very virtual instant the application acts: retransmit, persist and delayed ACK as a connection is reset
 * (SO_LINGER 0); retransmit and the connection-establishment timeout as a socket closes in SYN_SENT; the SYN
 * cache's SYN-ACK retransmit as its listener closes; keepalive as a connection closes; 2MSL as TIME_WAIT ends
 * beside closing sockets. The seeded scheduler interleaves the wheel's softclock (entry point, then the
 * callout's lock, then the handler, or nothing if the callout was stopped meanwhile) with the application
 * in many ways across seeds, in every locking mode. A run passes with no witness report (no lock-order
 * reversal), no exception in any thread, no leaked mbuf, and no connection, control block or timer left on
 * either host.
 */
@ExtendWith({WitnessExtension.class, MbufLeakExtension.class})
class TcpTimerRaceTest {
    static List<Arguments> runs() {
        List<Arguments> out = new ArrayList<>();
        for (LockMode m : LockMode.values()) for (long seed = 1; seed <= 3; seed++) out.add(Arguments.of(m, seed));
        return out;
    }

    private static final InetSocketAddress SERVER = new InetSocketAddress("10.0.0.2", 9);
    private static final InetSocketAddress SERVER2 = new InetSocketAddress("10.0.0.2", 10);
    private static final InetSocketAddress CLOSED_PORT = new InetSocketAddress("10.0.0.2", 11);

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

            // 2. a SYN unanswered (b blackholes it): the SYN's retransmit timer and the connection-establishment
            //    timeout (keepinit) both fall due at 3.4 s, the very instant the socket is closed in SYN_SENT
            b.sysctl("net.inet.tcp.blackhole", 1);
            a.sysctl("net.inet.tcp.keepinit", 3_400);
            TcpSocket syn = a.openTcp().configureBlocking(false);
            long t1 = Scheduler.current().nanoTime();
            assertEquals(Errno.EINPROGRESS, assertThrows(SocketError.class, () -> syn.connect(CLOSED_PORT)).errno());
            assertEquals(2, a.tcpResources().timers(), "rexmt and keep on the wheel");
            Scheduler.current().parkNanos("syn", t1 + 3_400_000_000L - Scheduler.current().nanoTime());
            syn.close();                                     // SYN at 0, 1.2, 3.4 s: the close meets the second
            assertEquals(0, a.tcpResources().timers());
            b.sysctl("net.inet.tcp.blackhole", 0);

            // 3. a half-open connection whose client vanished (a closes in SYN_SENT and blackholes the SYN-ACK):
            //    b's SYN-ACK retransmit timer falls due (1 s, then 3 s after the SYN) as its listener closes
            TcpSocket lis2 = b.openTcp().bind(SERVER2).listen(8);
            a.sysctl("net.inet.tcp.blackhole", 1);
            TcpSocket gone = a.openTcp().configureBlocking(false);
            long t2 = Scheduler.current().nanoTime();
            assertEquals(Errno.EINPROGRESS, assertThrows(SocketError.class, () -> gone.connect(SERVER2)).errno());
            gone.close();                                    // before the SYN-ACK is back: it finds no connection
            TcpSim.sleep(500);
            assertEquals(new Stack.TcpResources(0, 2, 1, 1), b.tcpResources(), "one SYN cache entry, its timer");
            Scheduler.current().parkNanos("syncache", t2 + 1_000_000L + 3_000_000_000L - Scheduler.current().nanoTime());
            lis2.close();                                    // the entry goes as its second retransmit falls due
            assertEquals(new Stack.TcpResources(0, 1, 0, 0), b.tcpResources());
            a.sysctl("net.inet.tcp.blackhole", 0);

            // 4. keepalive probes due at the instant the connection is closed
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

            // 5. TIME_WAIT expiring as its socket's peer retransmits and the host closes sockets around it
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
        assertTrue(r.a().tcpStats().get(TcpStat.REXMTTIMEO) >= 1, r.a().tcpStats().nonZero());
        assertTrue(r.b().tcpStats().get(TcpStat.SC_RETRANSMITTED) >= 1, r.b().tcpStats().nonZero());
    }
}
