package smpnet.stack.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import smpnet.locking.Scheduler;
import smpnet.stack.kevent.EventQueue;
import smpnet.stack.locks.LockMode;
import smpnet.stack.socket.Errno;
import smpnet.stack.socket.SockOpt;
import smpnet.stack.socket.SocketError;
import smpnet.stack.socket.TcpSocket;
import smpnet.stack.socket.TcpState;
import smpnet.stack.stats.TcpStat;
import smpnet.witness.junit.WitnessExtension;

/**
 * Connection set-up as FreeBSD behaves, on virtual time in every mode: a refused connect, a SYN that nobody
 * answers (retransmitted with backoff until net.inet.tcp.keepinit's 75 s end it with ETIMEDOUT), a
 * non-blocking connect (EINPROGRESS, EALREADY, WRITE readiness, EISCONN), and SYN cookies only (no SYN cache
 * entry, the connection built from the cookie).
 */
@ExtendWith(WitnessExtension.class)
class TcpBehaviourTest {
    @ParameterizedTest
    @EnumSource(LockMode.class)
    void connectionSetUp(LockMode mode) {
        TcpSim.Result r = TcpSim.run(5, mode, TcpSim.CLEAN, (a, b, link) -> {
            // refused: the RST of a closed port
            TcpSocket refused = a.openTcp();
            SocketError e = assertThrows(SocketError.class, () -> refused.connect(new InetSocketAddress("10.0.0.2", 1)));
            assertEquals(Errno.ECONNREFUSED, e.errno());
            refused.close();

            // unanswered: 10.0.0.3 does not exist (ARP fails, so does every SYN)
            TcpSocket lost = a.openTcp();
            long t0 = Scheduler.current().nanoTime();
            e = assertThrows(SocketError.class, () -> lost.connect(new InetSocketAddress("10.0.0.3", 80)));
            assertEquals(Errno.ETIMEDOUT, e.errno());
            assertEquals(75_000_000_000L, Scheduler.current().nanoTime() - t0, 2_000_000L);
            lost.close();
            assertEquals(1, a.tcpStats().get(TcpStat.KEEPDROPS));
            assertEquals(6, a.tcpStats().get(TcpStat.REXMTTIMEO), "SYN at 0, then 1.2, 3.4, 7.6, 15.8, 32, 64.4 s");

            // non-blocking connect, seen through an event queue
            TcpSocket lis = b.openTcp().bind(new InetSocketAddress("10.0.0.2", 80)).listen(4);
            TcpSocket nb = a.openTcp().configureBlocking(false);
            EventQueue q = a.newEventQueue();
            q.register(nb, EventQueue.WRITE, false, "nb");
            assertEquals(Errno.EINPROGRESS, assertThrows(SocketError.class,
                    () -> nb.connect(new InetSocketAddress("10.0.0.2", 80))).errno());
            assertEquals(Errno.EALREADY, assertThrows(SocketError.class,
                    () -> nb.connect(new InetSocketAddress("10.0.0.2", 80))).errno());
            List<EventQueue.Event> ev = q.poll(4, Duration.ofSeconds(5));
            assertEquals(1, ev.size());
            assertTrue((ev.get(0).ready() & EventQueue.WRITE) != 0);
            assertEquals(0, nb.getOption(SockOpt.SO_ERROR));
            assertEquals(TcpState.ESTABLISHED, nb.state());
            assertEquals(Errno.EISCONN, assertThrows(SocketError.class,
                    () -> nb.connect(new InetSocketAddress("10.0.0.2", 80))).errno());
            TcpSocket s = lis.accept();
            nb.close();
            s.close();

            // SYN cookies only: no entry, the ACK's cookie builds the connection
            b.sysctl("net.inet.tcp.syncookies_only", 1);
            long added = b.tcpStats().get(TcpStat.SC_ADDED);
            TcpSocket ck = a.openTcp();
            ck.connect(new InetSocketAddress("10.0.0.2", 80));
            TcpSocket cs = lis.accept();
            assertEquals(added, b.tcpStats().get(TcpStat.SC_ADDED));
            assertEquals(1, b.tcpStats().get(TcpStat.SC_RECVCOOKIE));
            ck.write(new byte[] {42});
            byte[] one = new byte[1];
            assertEquals(1, cs.read(one));
            assertEquals(42, one[0]);
            ck.close();
            cs.close();
            lis.close();
            TcpSim.sleep(61_000);
        });
        // tcp_drop before the SYN-ACK counts an embryonic drop: the refused connect and the timed-out one
        assertEquals(2, r.a().tcpStats().get(TcpStat.CONNDROPS), r.a().tcpStats().nonZero());
    }
}
