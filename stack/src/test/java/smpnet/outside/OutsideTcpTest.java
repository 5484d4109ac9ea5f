package smpnet.outside;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static smpnet.outside.TwoHosts.B7000;
import static smpnet.outside.TwoHosts.WAIT;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import smpnet.stack.Stack;
import smpnet.stack.kevent.EventQueue;
import smpnet.stack.socket.Errno;
import smpnet.stack.socket.SockOpt;
import smpnet.stack.socket.SocketError;
import smpnet.stack.socket.TcpInfo;
import smpnet.stack.socket.TcpSocket;
import smpnet.stack.socket.TcpState;
import smpnet.stack.stats.TcpStat;

/**
 * TCP as a program outside the stack uses it, from README.md and the public types' documentation alone:
 * blocking calls and their timeouts, non-blocking calls and their errnos, options, the TCP_INFO view and
 * event-queue readiness, between the README's two hosts.
 */
class OutsideTcpTest {
    private final TwoHosts h = new TwoHosts();

    @AfterEach
    void closeHosts() {
        h.close();
    }

    static Errno errno(Executable call) {
        return assertThrows(SocketError.class, call).errno();
    }

    /** Reads exactly {@code n} bytes. */
    static byte[] readExactly(TcpSocket s, int n) throws SocketError {
        byte[] out = new byte[n];
        int at = 0;
        while (at < n) {
            int r = s.read(out, at, n - at);
            if (r < 0) throw new AssertionError("end of stream after " + at + " of " + n + " bytes");
            at += r;
        }
        return out;
    }

    @Test
    void aBlockingExchangeAndTheTimeoutsOfReadAndAccept() throws Exception {
        h.start();
        TcpSocket lis = h.listen();
        TcpSocket[] cs = h.connect(lis);
        TcpSocket c = cs[0];
        TcpSocket s = cs[1];
        assertEquals(TcpState.ESTABLISHED, c.state());
        assertEquals(B7000, c.remoteAddress());
        assertEquals(c.localAddress(), s.remoteAddress());
        assertEquals(4, c.write("ping".getBytes()));
        assertArrayEquals("ping".getBytes(), readExactly(s, 4));
        assertEquals(4, s.write("pong".getBytes()));
        assertArrayEquals("pong".getBytes(), readExactly(c, 4));

        s.setReceiveTimeout(Duration.ofMillis(50));
        long t0 = System.nanoTime();
        SocketError timedOut = assertThrows(SocketError.class, () -> s.read(new byte[8]));
        assertEquals(Errno.EAGAIN, timedOut.errno()); // SO_RCVTIMEO: EWOULDBLOCK, as FreeBSD
        assertTrue(System.nanoTime() - t0 >= 50_000_000L, "the read waited its timeout");
        lis.setReceiveTimeout(Duration.ofMillis(50));
        assertEquals(Errno.EAGAIN, errno(lis::accept));
        assertEquals(0, c.getOption(SockOpt.SO_ERROR));
    }

    @Test
    void nonBlockingConnectReadWriteAndAcceptWithAnEventQueue() throws Exception {
        h.start();
        TcpSocket lis = h.listen().configureBlocking(false);
        assertEquals(Errno.EAGAIN, errno(lis::accept));
        EventQueue qa = h.a.newEventQueue();
        EventQueue qb = h.b.newEventQueue();
        qb.register(lis, EventQueue.READ, false, "listener");
        TcpSocket c = h.a.openTcp().configureBlocking(false);
        qa.register(c, EventQueue.READ | EventQueue.WRITE, false, "client");
        assertEquals(List.of(), qa.poll(4, Duration.ZERO), "not writable before connected");

        assertEquals(Errno.EINPROGRESS, errno(() -> c.connect(B7000)));
        List<EventQueue.Event> connected = qa.poll(4, WAIT);
        assertEquals(1, connected.size());
        assertEquals(EventQueue.WRITE, connected.get(0).ready(), "a connect's completion is WRITE");
        assertEquals("client", connected.get(0).attachment());
        assertEquals(0, c.getOption(SockOpt.SO_ERROR));
        assertEquals(Errno.EISCONN, errno(() -> c.connect(B7000)));
        assertEquals(Errno.EAGAIN, errno(() -> c.read(new byte[8])));

        List<EventQueue.Event> toAccept = qb.poll(4, WAIT);
        assertEquals(1, toAccept.size());
        assertEquals(EventQueue.READ, toAccept.get(0).ready());
        TcpSocket s = lis.accept().configureBlocking(false);
        assertEquals(Errno.EAGAIN, errno(lis::accept));

        // Nobody reads on s: c's writes fill its send buffer and s's receive window, then EAGAIN. The buffer's size
        // is read before: the ACKs that come back meanwhile may grow it (net.inet.tcp.sendbuf_auto), never shrink it.
        int sndbuf = c.getOption(SockOpt.SO_SNDBUF);
        byte[] chunk = new byte[16384];
        long written = 0;
        SocketError full = null;
        for (int i = 0; i < 1000 && full == null; i++) {
            try {
                int n = c.write(chunk);
                assertTrue(n > 0 && n <= chunk.length, "a non-blocking write returns what fitted: " + n);
                written += n;
            } catch (SocketError e) {
                full = e;
            }
        }
        assertEquals(Errno.EAGAIN, full == null ? null : full.errno(), "the writes never filled the buffers");
        assertTrue(written >= sndbuf, written + " bytes written, the send buffer " + sndbuf + " before");

        EventQueue qs = h.b.newEventQueue();
        qs.register(s, EventQueue.READ, false, "server");
        assertEquals(EventQueue.READ, qs.poll(4, WAIT).get(0).ready());
        long read = 0;
        byte[] buf = new byte[65536];
        while (read < written) {
            try {
                read += s.read(buf);
            } catch (SocketError e) {
                assertEquals(Errno.EAGAIN, e.errno());
                qs.poll(4, WAIT);
            }
        }
        assertEquals(written, read);
    }

    @Test
    void aConnectionRefusedIsSoErrorAndAnErrorEvent() throws Exception {
        h.start();
        TcpSocket c = h.a.openTcp().configureBlocking(false);
        EventQueue q = h.a.newEventQueue();
        q.register(c, EventQueue.WRITE, false, "c");
        assertEquals(Errno.EINPROGRESS, errno(() -> c.connect(B7000))); // nobody listens on b:7000
        List<EventQueue.Event> ev = q.poll(4, WAIT);
        assertEquals(1, ev.size());
        assertTrue((ev.get(0).ready() & EventQueue.ERROR) != 0, "ERROR is reported: " + ev.get(0));
        assertEquals(Errno.ECONNREFUSED.number(), c.getOption(SockOpt.SO_ERROR));
        assertEquals(0, c.getOption(SockOpt.SO_ERROR), "reading SO_ERROR clears it");

        TcpSocket blocking = h.a.openTcp().setReceiveTimeout(WAIT);
        assertEquals(Errno.ECONNREFUSED, errno(() -> blocking.connect(B7000)));
    }

    @Test
    void soLingerZeroResetsTheConnection() throws Exception {
        TcpSocket[] cs = h.startAndConnect();
        TcpSocket c = cs[0];
        TcpSocket s = cs[1];
        assertEquals(-1, c.getOption(SockOpt.SO_LINGER), "off by default");
        c.write("lost?".getBytes());
        assertArrayEquals("lost?".getBytes(), readExactly(s, 5));
        c.setOption(SockOpt.SO_LINGER, 0);
        assertEquals(0, c.getOption(SockOpt.SO_LINGER));
        EventQueue q = h.b.newEventQueue();
        q.register(s, EventQueue.READ, false, "s");
        c.close();
        List<EventQueue.Event> ev = q.poll(4, WAIT);
        assertTrue((ev.get(0).ready() & EventQueue.ERROR) != 0, "the reset is an ERROR event: " + ev);
        assertEquals(Errno.ECONNRESET, errno(() -> s.read(new byte[8])));
        h.quiesce();
        assertEquals(1, h.a.tcpStats().get(TcpStat.DROPS), h.a.tcpStats().nonZero());
        assertEquals(new Stack.TcpResources(0, 0, 0, 0), h.a.tcpResources(), "no TIME_WAIT after a reset");
    }

    @Test
    void shutdownHalfClosesAndTheOtherDirectionStillWorks() throws Exception {
        TcpSocket[] cs = h.startAndConnect();
        TcpSocket c = cs[0];
        TcpSocket s = cs[1];
        c.write("request".getBytes());
        c.shutdown(false, true);
        assertArrayEquals("request".getBytes(), readExactly(s, 7));
        assertEquals(-1, s.read(new byte[8]), "the FIN after the data is end of stream");
        assertEquals(TcpState.CLOSE_WAIT, s.state());
        assertEquals(Errno.EPIPE, errno(() -> c.write("more".getBytes())));
        s.write("response".getBytes());
        assertArrayEquals("response".getBytes(), readExactly(c, 8));
        assertEquals(TcpState.FIN_WAIT_2, c.state());
        s.close();
        assertEquals(-1, c.read(new byte[8]));
        h.quiesce();
        assertEquals(TcpState.TIME_WAIT, c.state());
    }

    @Test
    void soReuseAddrBindsAPortStillInTimeWait() throws Exception {
        h.start();
        TcpSocket lis = h.listen();
        TcpSocket[] cs = h.connect(lis);
        lis.close();
        cs[1].close(); // b closes first: b's end goes through TIME_WAIT on port 7000
        assertEquals(-1, cs[0].read(new byte[1]));
        cs[0].close();
        h.quiesce();
        assertEquals(1, h.b.tcpResources().connections(), "b's TIME_WAIT");
        TcpSocket again = h.b.openTcp();
        assertEquals(0, again.getOption(SockOpt.SO_REUSEADDR));
        assertEquals(Errno.EADDRINUSE, errno(() -> again.bind(B7000)));
        again.setOption(SockOpt.SO_REUSEADDR, 1);
        assertEquals(1, again.getOption(SockOpt.SO_REUSEADDR));
        again.bind(B7000).listen(1);
        assertEquals(B7000, again.localAddress());
        // SO_REUSEADDR passes connections by, never another socket bound to the very address (FreeBSD).
        TcpSocket second = h.b.openTcp();
        second.setOption(SockOpt.SO_REUSEADDR, 1);
        assertEquals(Errno.EADDRINUSE, errno(() -> second.bind(B7000)));
    }

    @Test
    void twoSocketsWithSoReuseAddrNeverListenOnOneAddress() throws Exception {
        h.start();
        TcpSocket x = h.b.openTcp();
        TcpSocket y = h.b.openTcp();
        x.setOption(SockOpt.SO_REUSEADDR, 1);
        y.setOption(SockOpt.SO_REUSEADDR, 1);
        x.bind(B7000);
        assertEquals(Errno.EADDRINUSE, errno(() -> y.bind(B7000)));
        y.bind(new InetSocketAddress("0.0.0.0", 7000)); // the wildcard beside a specific address: allowed
        x.listen(1);
        y.listen(1);
        TcpSocket[] cs = h.connect(x); // the listener of the exact address takes b's connections
        assertEquals(B7000, cs[1].localAddress());
    }

    @Test
    void theListenQueueHoldsThreeHalvesOfTheBacklogAndOneMore() throws Exception {
        h.start();
        TcpSocket lis = h.listen().configureBlocking(false); // backlog 4: 3 * 4 / 2 + 1 = 7 wait at most
        for (int i = 0; i < 8; i++) h.a.openTcp().setReceiveTimeout(WAIT).connect(B7000);
        h.quiesce();
        assertEquals(1, h.b.tcpStats().get(TcpStat.LISTENDROP), h.b.tcpStats().nonZero());
        for (int i = 0; i < 7; i++) lis.accept();
        assertEquals(Errno.EAGAIN, errno(lis::accept));
    }

    @Test
    void tcpNoDelaySendsEverySmallWriteAtOnce() throws Exception {
        TcpSocket[] cs = h.startAndConnect();
        TcpSocket c = cs[0];
        assertEquals(0, c.getOption(SockOpt.TCP_NODELAY));
        c.setOption(SockOpt.TCP_NODELAY, 1);
        assertEquals(1, c.getOption(SockOpt.TCP_NODELAY));
        long before = h.a.tcpStats().get(TcpStat.SNDPACK);
        for (int i = 0; i < 10; i++) c.write(new byte[] {(byte) i});
        // With Nagle's algorithm the second to tenth bytes would wait for the first one's ACK.
        assertEquals(10, h.a.tcpStats().get(TcpStat.SNDPACK) - before);
        assertArrayEquals(new byte[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, readExactly(cs[1], 10));
    }

    @Test
    void tcpInfoDescribesTheConnection() throws Exception {
        TcpSocket[] cs = h.startAndConnect();
        TcpSocket c = cs[0];
        c.write(new byte[3000]);
        readExactly(cs[1], 3000);
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (c.sendQueued() > 0 && System.nanoTime() < deadline) Thread.sleep(5); // the last ACK may be delayed
        TcpInfo i = c.info();
        assertEquals(TcpState.ESTABLISHED, i.state());
        assertEquals(TcpInfo.OPT_TIMESTAMPS | TcpInfo.OPT_SACK | TcpInfo.OPT_WSCALE, i.options());
        assertEquals(1448, i.sndMss(), "1500 - 20 (IP) - 20 (TCP) - 12 (timestamps)");
        assertEquals(i.sndNxt(), i.sndUna(), "everything acknowledged");
        assertTrue(i.rttMicros() > 0, "the handshake gave an RTT sample: " + i);
        assertTrue(i.rtoMicros() >= 230_000, "RTO at least rexmit_min + slop: " + i);
        assertEquals("cubic", i.congestionControl());
        assertEquals(0, i.retransmits());
        assertEquals(TcpState.ESTABLISHED, cs[1].info().state());
        assertEquals(i.sndNxt(), cs[1].info().rcvNxt());
    }

    @Test
    void thePeersCloseIsReadableAndEndOfStream() throws Exception {
        TcpSocket[] cs = h.startAndConnect();
        TcpSocket c = cs[0].configureBlocking(false);
        EventQueue q = h.a.newEventQueue();
        q.register(c, EventQueue.READ, true, "c");
        assertEquals(List.of(), q.poll(4, Duration.ZERO));
        cs[1].close();
        List<EventQueue.Event> ev = q.poll(4, WAIT);
        assertEquals(1, ev.size());
        assertEquals(EventQueue.READ, ev.get(0).ready() & EventQueue.READ);
        assertEquals(-1, c.read(new byte[4]));
        assertEquals(new InetSocketAddress("10.0.0.2", 7000), c.remoteAddress());
    }
}
