package smpnet.stack;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import smpnet.stack.kevent.EventQueue;
import smpnet.stack.locks.LockMode;
import smpnet.stack.socket.UdpSocket;
import smpnet.witness.junit.WitnessExtension;
import smpnet.stack.stats.UdpStat;

/** The socket API over two hosts: blocking, timeouts, non-blocking, watermarks, close, bind rules, kevents. */
@ExtendWith(WitnessExtension.class)
class SocketApiTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final InetSocketAddress B = new InetSocketAddress("10.0.0.2", 6000);
    private Hosts hosts;
    private Stack a;
    private Stack b;

    @BeforeEach
    void wire() {
        hosts = new Hosts();
        a = hosts.host("a", LockMode.FINE);
        b = hosts.host("b", LockMode.FINE);
        Hosts.wire(Hosts.nic(a, "em0", "10.0.0.1/24"), Hosts.nic(b, "em0", "10.0.0.2/24"));
        hosts.start();
    }

    @AfterEach
    void close() { hosts.close(); }

    private static byte[] bytes(int n) { return new byte[n]; }

    @Test void nonBlockingAndTimeout() throws Exception {
        try (UdpSocket s = b.openUdp().bind(6000)) {
            s.configureBlocking(false);
            assertNull(s.receiveFrom());
            assertEquals(-1, s.receive(new byte[10]));
            s.configureBlocking(true).setReceiveTimeout(Duration.ofMillis(50));
            assertThrows(SocketTimeoutException.class, s::receiveFrom);
        }
    }

    @Test void highWatermarkDropsAndLowWatermarkDefersReadability() throws Exception {
        try (UdpSocket rx = b.openUdp().bind(6000).setReceiveBuffer(100, 50).configureBlocking(false);
             UdpSocket tx = a.openUdp()) {
            tx.sendTo(bytes(40), B);
            hosts.settle();
            assertNull(rx.receiveFrom(), "40 bytes queued, below the low watermark of 50");
            assertEquals(EventQueue.WRITE, rx.readyOps());
            tx.sendTo(bytes(40), B);
            tx.sendTo(bytes(40), B);
            hosts.settle();
            assertEquals(80, rx.receiveQueued());
            assertEquals(EventQueue.READ | EventQueue.WRITE, rx.readyOps());
            assertEquals(1, b.udpStats().get(UdpStat.FULL_SOCKET_BUFFER), "the third would pass the high watermark of 100");
            byte[] small = new byte[10];
            assertEquals(40, rx.receive(small), "receive returns the datagram length; the rest is truncated");
            assertEquals(40, rx.receiveQueued());
            rx.setReceiveBuffer(100, 1); // the 40 bytes left are readable now
            byte[] into = new byte[12];
            java.util.Arrays.fill(into, (byte) 0x7f);
            assertEquals(40, rx.receive(into, 4, 6), "the datagram's zeros land in [4, 10) of a larger buffer");
            byte[] expected = {0x7f, 0x7f, 0x7f, 0x7f, 0, 0, 0, 0, 0, 0, 0x7f, 0x7f};
            assertArrayEquals(expected, into);
            assertThrows(IndexOutOfBoundsException.class, () -> rx.receive(into, 8, 6));
        }
    }

    @Test void closeWakesABlockedReceiver() throws Exception {
        UdpSocket s = b.openUdp().bind(6000);
        Throwable[] result = new Throwable[1];
        Thread reader = new Thread(() -> {
            try {
                s.receiveFrom();
            } catch (Exception e) {
                result[0] = e;
            }
        });
        reader.start();
        while (reader.getState() != Thread.State.WAITING && reader.getState() != Thread.State.TIMED_WAITING) {
            Thread.onSpinWait(); // until it sleeps on the receive buffer's condition variable
        }
        s.close();
        reader.join();
        assertInstanceOf(ClosedChannelException.class, result[0]);
        assertThrows(ClosedChannelException.class, () -> s.sendTo(bytes(1), B));
    }

    @Test void hostCloseFreesWhatOpenSocketsHold() throws Exception {
        UdpSocket forgotten = b.openUdp().bind(6000);
        a.openUdp().sendTo(bytes(100), B);
        hosts.settle();
        assertEquals(100, forgotten.receiveQueued());
        hosts.close(); // the leak extension, run after this method, finds the datagram's mbufs freed
        assertThrows(ClosedChannelException.class, forgotten::receiveFrom);
    }

    @Test void bindRulesAndConnectedFiltering() throws Exception {
        try (UdpSocket one = b.openUdp().bind(6000);
             UdpSocket connected = b.openUdp().bind(6001).setReceiveTimeout(WAIT);
             UdpSocket peer = a.openUdp().bind(7000);
             UdpSocket stranger = a.openUdp().bind(7001)) {
            assertThrows(BindException.class, () -> b.openUdp().bind(6000));
            assertThrows(SocketException.class, () -> one.bind(6002));
            connected.connect(new InetSocketAddress("10.0.0.1", 7000));
            stranger.sendTo("no".getBytes(), new InetSocketAddress("10.0.0.2", 6001));
            peer.sendTo("yes".getBytes(), new InetSocketAddress("10.0.0.2", 6001));
            assertEquals("yes", connected.receiveFrom().text());
            hosts.settle();
            assertEquals(1, b.udpStats().get(UdpStat.NO_PORT), "a connected socket takes only its peer's datagrams");
            assertThrows(SocketException.class, () -> peer.sendTo(bytes(10_000), B), "over the 9216-byte maximum");
            assertEquals(new InetSocketAddress("0.0.0.0", 7000), peer.localAddress(), "bound to every address");
        }
    }

    @Test void eventQueueOverManySockets() throws Exception {
        EventQueue kq = b.newEventQueue();
        try (UdpSocket s0 = b.openUdp().bind(6000); UdpSocket s1 = b.openUdp().bind(6001); UdpSocket s2 = b.openUdp().bind(6002);
             UdpSocket tx = a.openUdp()) {
            kq.register(s0, EventQueue.READ, false, "s0");
            kq.register(s1, EventQueue.READ, true, "s1");
            kq.register(s2, EventQueue.READ, false, "s2");
            assertEquals(List.of(), kq.poll(10, Duration.ZERO));
            tx.sendTo("x".getBytes(), new InetSocketAddress("10.0.0.2", 6001));
            tx.sendTo("y".getBytes(), new InetSocketAddress("10.0.0.2", 6002));
            hosts.settle();
            assertEquals("[s1, s2]", names(kq.poll(10, WAIT)));
            assertEquals("[s2]", names(kq.poll(10, Duration.ZERO)), "s1 is edge-triggered: once per arrival");
            tx.sendTo("z".getBytes(), new InetSocketAddress("10.0.0.2", 6001));
            hosts.settle();
            assertEquals("[s1, s2]", names(kq.poll(10, WAIT)), "a new arrival re-arms s1");
            s2.receiveFrom();
            assertEquals(List.of(), kq.poll(10, Duration.ZERO));
        }
    }

    /**
     * One socket watched by three queues (edge-triggered, so that each reports a change once): every queue
     * hears every arrival, one that deregistered hears none, whichever of the three leaves first, and a
     * re-registration of the same socket in a queue replaces its watcher rather than adding one.
     */
    @Test void oneSocketInSeveralQueues() throws Exception {
        EventQueue q0 = b.newEventQueue(), q1 = b.newEventQueue(), q2 = b.newEventQueue();
        InetSocketAddress to = new InetSocketAddress("10.0.0.2", 6000);
        try (UdpSocket rx = b.openUdp().bind(6000); UdpSocket tx = a.openUdp()) {
            for (EventQueue q : List.of(q0, q1, q2)) q.register(rx, EventQueue.READ, true, "rx");
            q1.register(rx, EventQueue.READ, true, "rx again"); // replaces q1's registration
            tx.sendTo("1".getBytes(), to);
            hosts.settle();
            assertEquals("[rx]", names(q0.poll(10, WAIT)));
            assertEquals("[rx again]", names(q1.poll(10, WAIT)), "one registration per queue");
            assertEquals("[rx]", names(q2.poll(10, WAIT)));
            assertTrue(q1.deregister(rx), "the middle one leaves");
            tx.sendTo("2".getBytes(), to);
            hosts.settle();
            assertEquals("[rx]", names(q0.poll(10, WAIT)));
            assertEquals("[]", names(q1.poll(10, Duration.ZERO)));
            assertEquals("[rx]", names(q2.poll(10, WAIT)));
            assertTrue(q0.deregister(rx), "the first one leaves");
            tx.sendTo("3".getBytes(), to);
            hosts.settle();
            assertEquals("[]", names(q0.poll(10, Duration.ZERO)));
            assertEquals("[rx]", names(q2.poll(10, WAIT)), "the last one still hears");
            assertTrue(q2.deregister(rx));
            assertFalse(q2.deregister(rx), "not registered twice");
            q0.register(rx, EventQueue.READ, true, "back");
            tx.sendTo("4".getBytes(), to);
            hosts.settle();
            assertEquals("[back]", names(q0.poll(10, WAIT)), "a queue can watch it again after every queue left");
            assertEquals("[]", names(q2.poll(10, Duration.ZERO)));
        }
    }

    private static String names(List<EventQueue.Event> events) {
        return events.stream().map(e -> (String) e.attachment()).sorted().toList().toString();
    }
}
