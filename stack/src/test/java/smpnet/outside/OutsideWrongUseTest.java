package smpnet.outside;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static smpnet.outside.OutsideTcpTest.errno;
import static smpnet.outside.TwoHosts.B7000;
import static smpnet.outside.TwoHosts.WAIT;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import smpnet.stack.kevent.EventQueue;
import smpnet.stack.socket.Errno;
import smpnet.stack.socket.SockOpt;
import smpnet.stack.socket.SocketError;
import smpnet.stack.socket.Datagram;
import smpnet.stack.socket.TcpSocket;
import smpnet.stack.socket.TcpState;
import smpnet.stack.socket.UdpSocket;

/**
 * Wrong use of the public API, as a stranger would make it: every mistake must fail at once with an
 * exception that names it (an errno for what POSIX reports as -1), never hang, and leave no mbuf behind
 * (checked on the hosts' allocators before they close, and by the leak extension after).
 */
class OutsideWrongUseTest {
    private final TwoHosts h = new TwoHosts();

    @AfterEach
    void closeHosts() {
        h.close();
    }

    private void assertNothingHeld() {
        h.quiesce();
        assertEquals(0, h.a.allocator().outstanding(), "mbufs a still holds");
        assertEquals(0, h.b.allocator().outstanding(), "mbufs b still holds");
    }

    @Test
    void tcpDropRefusesWhatIsNotAConnectionAndDropsOnlyItsState() throws Exception {
        assertEquals("tcpDrop drops connections, not LISTEN",
                assertThrows(IllegalArgumentException.class, () -> h.a.tcpDrop(TcpState.LISTEN)).getMessage());
        assertEquals("tcpDrop drops connections, not CLOSED",
                assertThrows(IllegalArgumentException.class, () -> h.a.tcpDrop(TcpState.CLOSED)).getMessage());
        assertEquals("state", assertThrows(NullPointerException.class, () -> h.a.tcpDrop(null)).getMessage());
        h.start();
        TcpSocket lis = h.listen();
        TcpSocket[] cs = h.connect(lis);
        TcpSocket c = cs[0];
        TcpSocket s = cs[1];
        assertEquals(0, h.a.tcpDrop(TcpState.TIME_WAIT), "no connection in TIME_WAIT");
        assertEquals(TcpState.ESTABLISHED, c.state());
        assertEquals(1, h.a.tcpDrop(TcpState.ESTABLISHED));
        assertEquals(Errno.ECONNABORTED, errno(() -> c.read(new byte[1])));
        assertEquals(Errno.ECONNRESET, errno(() -> s.read(new byte[1])), "the peer got the drop's RST");
        c.close();
        s.close();
        lis.close();
        assertNothingHeld();
    }

    @Test
    void callsOnAClosedTcpSocketFailWithEbadfAndNeverWait() throws Exception {
        TcpSocket[] cs = h.startAndConnect();
        TcpSocket c = cs[0];
        c.close();
        c.close(); // closing twice is harmless
        // Each would otherwise wait: the peer neither writes nor closes.
        assertEquals(Errno.EBADF, errno(() -> c.read(new byte[4])));
        assertEquals(Errno.EBADF, errno(() -> c.write(new byte[4])));
        assertEquals(Errno.EBADF, errno(() -> c.shutdown(true, true)));
        assertEquals(Errno.EBADF, errno(() -> c.connect(B7000)));
        assertEquals(Errno.EBADF, errno(() -> c.bind(new InetSocketAddress("10.0.0.1", 0))));
        assertEquals(Errno.EBADF, errno(() -> c.listen(1)));
        assertEquals(Errno.EBADF, errno(c::accept));
        assertEquals(Errno.EBADF, errno(() -> c.setOption(SockOpt.TCP_NODELAY, 1)));
        assertEquals(Errno.EBADF, errno(() -> c.getOption(SockOpt.TCP_NODELAY)));
        cs[1].close();
        assertNothingHeld();
    }

    @Test
    void zeroLengthCallsFailAsTheirLongerFormsDo() throws Exception {
        TcpSocket[] cs = h.startAndConnect();
        TcpSocket c = cs[0];
        byte[] b = new byte[8];
        // Open and connected: asking for nothing gets nothing at once, even with no data queued.
        assertEquals(0, c.read(b, 3, 0));
        assertEquals(0, c.peek(b, 8, 0));
        assertEquals(0, c.write(b, 8, 0));
        // Bad offsets and lengths are the caller's mistake, reported before the socket is looked at.
        assertThrows(IndexOutOfBoundsException.class, () -> c.read(b, -1, 1));
        assertThrows(IndexOutOfBoundsException.class, () -> c.read(b, 0, -1));
        assertThrows(IndexOutOfBoundsException.class, () -> c.write(b, 4, 5));
        assertThrows(IndexOutOfBoundsException.class, () -> c.peek(b, 9, 0));
        // A write of nothing still says why no byte could go: ENOTCONN unconnected, EPIPE after shutdown.
        TcpSocket fresh = h.a.openTcp();
        assertEquals(Errno.ENOTCONN, errno(() -> fresh.write(b, 0, 0)));
        cs[1].shutdown(false, true);
        assertEquals(Errno.EPIPE, errno(() -> cs[1].write(b, 0, 0)));
        // Closed: every call is EBADF, the zero-length ones too.
        c.close();
        fresh.close();
        assertEquals(Errno.EBADF, errno(() -> c.read(b, 3, 0)));
        assertEquals(Errno.EBADF, errno(() -> c.peek(b, 0, 0)));
        assertEquals(Errno.EBADF, errno(() -> c.write(b, 8, 0)));
        assertEquals(Errno.EBADF, errno(() -> fresh.write(b, 0, 0)));
        // UDP: a closed socket is a ClosedChannelException, whatever the length.
        UdpSocket u = h.a.openUdp();
        u.close();
        assertThrows(java.nio.channels.ClosedChannelException.class, () -> u.receive(b, 0, 0));
        assertThrows(java.nio.channels.ClosedChannelException.class,
                () -> u.sendTo(b, 0, 0, new InetSocketAddress("10.0.0.2", 9)));
        cs[1].close();
        assertNothingHeld();
    }

    @Test
    void connectAndSendBeforeStartFailAtOnceWithEnetdown() throws Exception {
        // Blocking and without a receive timeout: a connect that waited for the host to start would never return.
        TcpSocket c = h.a.openTcp();
        SocketError e = assertThrows(SocketError.class, () -> c.connect(B7000));
        assertEquals(Errno.ENETDOWN, e.errno());
        assertEquals("ENETDOWN (Network is down): connect /10.0.0.2:7000", e.getMessage());
        assertEquals(TcpState.CLOSED, c.state());
        UdpSocket u = h.a.openUdp();
        java.net.SocketException ue = assertThrows(java.net.SocketException.class,
                () -> u.sendTo("abc".getBytes(), new InetSocketAddress("10.0.0.2", 9)));
        assertEquals("Network is down: the host has not started", ue.getMessage());
        assertEquals("", h.a.ipStats().nonZero(), "nothing went out, nothing was queued");
        assertEquals(0, h.a.tcpStats().get(smpnet.stack.stats.TcpStat.CONNATTEMPT));
        assertEquals(0, h.a.tcpResources().connections());
        // Once the host runs, the same sockets connect and send.
        h.start();
        TcpSocket lis = h.listen();
        c.setReceiveTimeout(WAIT);
        c.connect(B7000);
        TcpSocket s = lis.accept();
        assertEquals(TcpState.ESTABLISHED, c.state());
        UdpSocket rx = h.b.openUdp().bind(9).setReceiveTimeout(WAIT);
        u.sendTo("abc".getBytes(), new InetSocketAddress("10.0.0.2", 9));
        assertEquals("abc", rx.receiveFrom().text());
        c.close();
        s.close();
        lis.close();
        u.close();
        rx.close();
        assertNothingHeld();
    }

    /** Starts a thread blocked in a read of {@code s} (no timeout), runs {@code closer}, and says how the read ended. */
    private static Errno readInterruptedBy(TcpSocket s, Runnable closer) throws Exception {
        s.setReceiveTimeout(Duration.ZERO); // waits for ever
        Errno[] got = new Errno[1];
        Thread reader = new Thread(() -> {
            try {
                s.read(new byte[4]);
            } catch (SocketError e) {
                got[0] = e.errno();
            }
        }, "reader");
        reader.start();
        while (reader.isAlive() && reader.getState() != Thread.State.WAITING
                && reader.getState() != Thread.State.TIMED_WAITING) {
            Thread.onSpinWait();
        }
        closer.run();
        reader.join(WAIT.toMillis());
        assertTrue(!reader.isAlive(), "the reader still waits");
        return got[0];
    }

    @Test
    void aReaderBlockedWhenItsSocketIsClosedIsWokenWithEbadf() throws Exception {
        TcpSocket s = h.startAndConnect()[1];
        assertEquals(Errno.EBADF, readInterruptedBy(s, s::close));
    }

    @Test
    void aHostClosedUnderABlockedReaderWakesIt() throws Exception {
        TcpSocket s = h.startAndConnect()[1];
        assertEquals(Errno.EBADF, readInterruptedBy(s, h.b::close));
    }

    /** Runs {@code call} on a thread of its own; asserts it still waits 100 ms later, then runs {@code wake}. */
    private interface Action { void run() throws Exception; }

    private static <T> T waitsUntil(Callable<T> call, Action wake) throws Exception {
        FutureTask<T> task = new FutureTask<>(call);
        new Thread(task, "waiter").start();
        Thread.sleep(100);
        assertTrue(!task.isDone(), "returned at once: " + (task.isDone() ? outcome(task) : ""));
        wake.run();
        return task.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    }

    private static String outcome(FutureTask<?> t) {
        try {
            return String.valueOf(t.get());
        } catch (Exception e) {
            return e.getCause().toString();
        }
    }

    @Test
    void aTimeoutBeyondWhatNanosecondsHoldWaitsInsteadOfOverflowing() throws Exception {
        TcpSocket[] cs = h.startAndConnect();
        cs[0].setReceiveTimeout(Duration.ofNanos(Long.MAX_VALUE)); // 292 years: now + this wraps around the clock
        assertEquals(1, (int) waitsUntil(() -> cs[0].read(new byte[4]), () -> cs[1].write(new byte[1])));
        Duration forever = ChronoUnit.FOREVER.getDuration(); // beyond Duration.toNanos()
        cs[0].setReceiveTimeout(forever);
        assertEquals(1, (int) waitsUntil(() -> cs[0].read(new byte[4]), () -> cs[1].write(new byte[1])));

        UdpSocket rx = h.b.openUdp().bind(5000).setReceiveTimeout(forever);
        UdpSocket tx = h.a.openUdp();
        Datagram d = waitsUntil(rx::receiveFrom, () -> tx.sendTo("u".getBytes(), new InetSocketAddress("10.0.0.2", 5000)));
        assertEquals("u", d.text());

        EventQueue q = h.b.newEventQueue();
        q.register(rx, EventQueue.READ, false, "rx");
        List<EventQueue.Event> ev = waitsUntil(() -> q.poll(1, forever),
                () -> tx.sendTo("v".getBytes(), new InetSocketAddress("10.0.0.2", 5000)));
        assertEquals(1, ev.size());
    }

    @Test
    void bindingAndListeningWrongly() throws Exception {
        h.start();
        TcpSocket lis = h.listen();
        assertEquals(Errno.EADDRINUSE, errno(() -> h.b.openTcp().bind(B7000)));
        assertEquals(Errno.EINVAL, errno(() -> lis.bind(new InetSocketAddress("10.0.0.2", 7001))), "bound twice");
        assertEquals(Errno.EADDRNOTAVAIL, errno(() -> h.b.openTcp().bind(new InetSocketAddress("10.0.0.9", 7001))),
                "not one of b's addresses");
        assertEquals(Errno.EOPNOTSUPP, errno(() -> lis.connect(B7000)));
        TcpSocket idle = h.b.openTcp();
        assertEquals(Errno.EINVAL, errno(idle::accept), "accept without listen");
        assertEquals(Errno.ENOTCONN, errno(() -> idle.read(new byte[1])));
        assertEquals(Errno.ENOTCONN, errno(() -> idle.write(new byte[1])));
        assertEquals(Errno.ENOTCONN, errno(() -> idle.shutdown(false, true)));
        TcpSocket[] cs = h.connect(lis);
        assertEquals(Errno.EINVAL, errno(() -> cs[0].listen(1)), "listen on a connected socket");
        assertEquals(Errno.ENOPROTOOPT, errno(() -> cs[0].setOption(SockOpt.SO_ERROR, 1)));
        assertEquals(Errno.EINVAL, errno(() -> cs[0].setOption(SockOpt.SO_SNDBUF, 0)));
        assertEquals(Errno.EINVAL, errno(() -> cs[0].setOption(SockOpt.TCP_MAXSEG, 10)));
        assertEquals(Errno.EINVAL, errno(() -> cs[0].setOption(SockOpt.TCP_KEEPCNT, -1)));
        assertNothingHeld();
    }

    @Test
    void connectingToNothing() throws Exception {
        h.start();
        // A closed port: refused at once. The socket is spent: it is not connected, and may not connect again.
        TcpSocket refused = h.a.openTcp().setReceiveTimeout(WAIT);
        assertEquals(Errno.ECONNREFUSED, errno(() -> refused.connect(B7000)));
        assertEquals(Errno.EINVAL, errno(() -> refused.connect(B7000)));
        assertEquals(Errno.EPIPE, errno(() -> refused.write(new byte[1]))); // FreeBSD: SBS_CANTSENDMORE first
        // No route: refused before anything is sent.
        assertEquals(Errno.ENETUNREACH,
                errno(() -> h.a.openTcp().connect(new InetSocketAddress("192.168.77.1", 80))));
        // Port 0 and a broadcast are no peers.
        assertEquals(Errno.EADDRNOTAVAIL, errno(() -> h.a.openTcp().connect(new InetSocketAddress("10.0.0.2", 0))));
        assertEquals(Errno.EADDRNOTAVAIL,
                errno(() -> h.a.openTcp().connect(new InetSocketAddress("10.0.0.255", 80))));
        // An address on the wire nobody has: ARP never resolves, the connection-establishment timer ends it.
        h.a.sysctl("net.inet.tcp.keepinit", 300);
        TcpSocket c = h.a.openTcp().configureBlocking(false);
        assertEquals(Errno.EINPROGRESS, errno(() -> c.connect(new InetSocketAddress("10.0.0.3", 80))));
        assertEquals(Errno.EALREADY, errno(() -> c.connect(new InetSocketAddress("10.0.0.3", 80))));
        EventQueue q = h.a.newEventQueue();
        q.register(c, EventQueue.WRITE, false, "c");
        assertEquals(EventQueue.ERROR, q.poll(1, WAIT).get(0).ready() & EventQueue.ERROR);
        assertEquals(Errno.ETIMEDOUT, Errno.ofNumber(c.getOption(SockOpt.SO_ERROR)));
        c.close();
        h.a.arpFlush(); // the unresolved entry still holds the last SYN, as FreeBSD's la_hold does
        assertNothingHeld();
        assertEquals(0, h.a.tcpResources().connections());
        assertEquals(0, h.a.tcpResources().timers());
    }

    @Test
    void badLengthsAndNullArguments() throws Exception {
        TcpSocket[] cs = h.startAndConnect();
        TcpSocket c = cs[0];
        byte[] b = new byte[8];
        assertThrows(IndexOutOfBoundsException.class, () -> c.write(b, 0, -1));
        assertThrows(IndexOutOfBoundsException.class, () -> c.write(b, -1, 2));
        assertThrows(IndexOutOfBoundsException.class, () -> c.write(b, 4, 5));
        assertThrows(IndexOutOfBoundsException.class, () -> c.read(b, 0, -1));
        assertThrows(IndexOutOfBoundsException.class, () -> c.read(b, 9, 0));
        assertEquals(0, c.read(b, 8, 0), "a read of nothing returns 0 at once");
        assertEquals("b", assertThrows(NullPointerException.class, () -> c.write(null)).getMessage());
        assertEquals("b", assertThrows(NullPointerException.class, () -> c.read(null, 0, 1)).getMessage());
        assertEquals("remote address", assertThrows(NullPointerException.class, () -> c.connect(null)).getMessage());
        assertEquals("option", assertThrows(NullPointerException.class, () -> c.setOption(null, 1)).getMessage());
        assertEquals("timeout", assertThrows(NullPointerException.class, () -> c.setReceiveTimeout(null)).getMessage());
        assertThrows(IllegalArgumentException.class, () -> c.setSendTimeout(Duration.ofMillis(-1)));
        EventQueue q = h.a.newEventQueue();
        assertEquals("source", assertThrows(NullPointerException.class, () -> q.register(null, 1, false, null)).getMessage());
        assertEquals("timeout", assertThrows(NullPointerException.class, () -> q.poll(1, null)).getMessage());
        assertThrows(IllegalArgumentException.class, () -> q.poll(0, Duration.ZERO));
        assertThrows(IllegalArgumentException.class, () -> h.a.sysctl("net.inet.tcp.no_such", 1));
        assertNothingHeld();
    }
}
