package smpnet.readme;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.ClosedChannelException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import smpnet.stack.Stack;
import smpnet.stack.StackConfig;
import smpnet.stack.dev.NicConfig;
import smpnet.stack.dev.SimNic;
import smpnet.stack.dev.Wire;
import smpnet.stack.kevent.EventQueue;
import smpnet.stack.locks.LockMode;
import smpnet.stack.netisr.DispatchPolicy;
import smpnet.stack.netisr.PlacementPolicy;
import smpnet.stack.socket.Datagram;
import smpnet.stack.socket.Ping;
import smpnet.stack.socket.UdpSocket;
import smpnet.stack.stats.IcmpStat;
import smpnet.stack.stats.IpStat;
import smpnet.stack.stats.UdpStat;

/**
 * The README's public API as a program outside the stack uses it (this package reaches only public types):
 * the two-host example line by line, the sysctl table and its errors, and wrong use of hosts and sockets,
 * each of which must fail at once with an exception naming the problem. The auto-registered extensions
 * check witness and that no mbuf leaked.
 */
class ReadmeApiTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final InetSocketAddress B5000 = new InetSocketAddress("10.0.0.2", 5000);
    private Stack a;
    private Stack b;

    @AfterEach
    void closeHosts() {
        if (a != null) a.close();
        if (b != null) b.close();
    }

    /** The README's example, with a pcap capture, in FINE (netisr 2, deferred, source) against GIANT. */
    private SimNic[] twoHosts(Path pcap) {
        a = Stack.create(StackConfig.defaults("a").withMode(LockMode.FINE)
                .withNetisr(2, DispatchPolicy.DEFERRED, PlacementPolicy.SOURCE));
        b = Stack.create(StackConfig.defaults("b").withMode(LockMode.GIANT));
        SimNic na = a.addNic("em0", "10.0.0.1/24", NicConfig.of(2));
        SimNic nb = b.addNic("em0", "10.0.0.2/24", NicConfig.of(2));
        Wire.connect(na, nb);
        if (pcap != null) a.capture(na, pcap);
        a.start();
        b.start();
        return new SimNic[] {na, nb};
    }

    @Test void theTwoHostExampleDeliversPingsAndCounts(@TempDir Path dir) throws Exception {
        Path pcap = dir.resolve("a.pcap");
        twoHosts(pcap);
        UdpSocket rx = b.openUdp().bind(5000).setReceiveTimeout(Duration.ofSeconds(5));
        UdpSocket tx = a.openUdp();
        tx.sendTo("hello".getBytes(), B5000);
        Datagram d = rx.receiveFrom();
        assertEquals("hello", d.text());
        assertEquals(5, d.length());
        assertEquals(new InetSocketAddress("10.0.0.1", tx.localAddress().getPort()), d.source());
        int port = tx.localAddress().getPort();
        assertTrue(port >= 49152 && port <= 65535, "ephemeral port " + port);

        Ping.Result p = a.ping("10.0.0.2", 3, Duration.ZERO, Duration.ofSeconds(1));
        assertEquals(3, p.transmitted());
        assertEquals(3, p.received());
        assertEquals(List.of(0, 1, 2), p.replies().stream().map(Ping.Reply::sequence).toList());
        assertTrue(p.summary().startsWith("3 packets transmitted, 3 received, 0% packet loss"), p.summary());

        assertEquals(1, b.udpStats().get(UdpStat.DELIVERED), b.netstat());
        assertEquals(1, a.udpStats().get(UdpStat.SENT), a.netstat());
        assertEquals(3, a.icmpStats().get(IcmpStat.ECHO_REQUESTS_SENT), a.netstat());
        assertTrue(a.netstat().contains("udp:"), a.netstat());

        b.sysctl("net.inet.udp.recvspace", 65536);
        assertEquals(65536, b.sysctl("net.inet.udp.recvspace"));
        assertEquals(2, a.sysctl("net.isr.numthreads"));
        a.close();
        b.close();
        // One ARP request and reply, the datagram, three echo requests and replies: 9 frames after a
        // 24-byte global header, each record's header saying its own length.
        assertEquals(9, pcapRecords(pcap));
        assertThrows(ClosedChannelException.class, () -> tx.sendTo("late".getBytes(), B5000));
    }

    private static int pcapRecords(Path pcap) throws IOException {
        ByteBuffer f = ByteBuffer.wrap(Files.readAllBytes(pcap)).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(0xa1b2c3d4, f.getInt(0), "classic pcap magic");
        int n = 0;
        for (int at = 24; at < f.limit(); n++) at += 16 + f.getInt(at + 8);
        return n;
    }

    @Test void sysctlTableDefaultsAndErrors() {
        a = Stack.create(StackConfig.defaults("a"));
        String all = a.sysctlAll();
        for (String line : List.of("net.inet.ip.forwarding: 0", "net.inet.ip.portrange.first: 49152",
                "net.inet.ip.portrange.last: 65535", "net.inet.ip.maxfragpackets: 256",
                "net.inet.ip.maxfragsperpacket: 16", "net.inet.udp.recvspace: 42080", "net.inet.udp.maxdgram: 9216",
                "kern.ipc.maxsockbuf: 2097152", "net.link.ether.inet.max_age: 1200",
                "net.link.ether.inet.maxhold: 16", "net.link.ether.inet.maxtries: 5", "net.link.tx_direct: 1",
                "net.link.rx_direct: 0")) {
            assertTrue(all.contains(line + "\n"), line + " in\n" + all);
        }
        assertTrue(all.contains("net.isr.numthreads: "), all);
        assertTrue(all.contains("net.isr.maxqlimit: "), all);
        assertEquals("unknown sysctl net.inet.udp.nosuch",
                assertThrows(IllegalArgumentException.class, () -> a.sysctl("net.inet.udp.nosuch")).getMessage());
        assertEquals("unknown sysctl net.inet.udp.nosuch",
                assertThrows(IllegalArgumentException.class, () -> a.sysctl("net.inet.udp.nosuch", 1)).getMessage());
        assertEquals("sysctl net.isr.numthreads is read-only",
                assertThrows(IllegalArgumentException.class, () -> a.sysctl("net.isr.numthreads", 3)).getMessage());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> a.sysctl("net.inet.ip.forwarding", 2));
        assertTrue(e.getMessage().startsWith("sysctl net.inet.ip.forwarding: 2 is outside"), e.getMessage());
        assertEquals(0, a.sysctl("net.inet.ip.forwarding"));
        assertEquals("sysctl name", assertThrows(NullPointerException.class, () -> a.sysctl(null)).getMessage());
    }

    @Test void socketBuffersAskedAboveMaxsockbufAreRefused() throws Exception {
        a = Stack.create(StackConfig.defaults("a"));
        a.start();
        a.sysctl("kern.ipc.maxsockbuf", 100_000);
        try (UdpSocket s = a.openUdp()) {
            assertEquals("100001 bytes is more than kern.ipc.maxsockbuf (100000)",
                    assertThrows(IllegalArgumentException.class, () -> s.setReceiveBuffer(100_001, 1)).getMessage());
            assertThrows(IllegalArgumentException.class, () -> s.setMaxDatagram(100_001));
        }
    }

    @Test void wrongSocketUseFailsAtOnceNamingTheProblem() throws Exception {
        twoHosts(null);
        UdpSocket rx = b.openUdp().bind(5000);
        BindException inUse = assertThrows(BindException.class, () -> b.openUdp().bind(5000));
        assertTrue(inUse.getMessage().startsWith("Address already in use"), inUse.getMessage());
        assertEquals("Socket is already bound", assertThrows(SocketException.class, () -> rx.bind(5001)).getMessage());
        assertThrows(IllegalArgumentException.class, () -> rx.setReceiveTimeout(Duration.ofMillis(-1)));
        assertThrows(NullPointerException.class, () -> rx.setReceiveTimeout(null));

        UdpSocket tx = a.openUdp();
        assertEquals("Message too long",
                assertThrows(SocketException.class, () -> tx.sendTo(new byte[9217], B5000)).getMessage());
        tx.setMaxDatagram(70_000);
        assertEquals("Message too long",
                assertThrows(SocketException.class, () -> tx.sendTo(new byte[65508], B5000)).getMessage());
        assertThrows(IndexOutOfBoundsException.class, () -> tx.sendTo(new byte[8], 4, 8, B5000));
        assertThrows(NullPointerException.class, () -> tx.sendTo(null, B5000));
        assertEquals("Destination address required",
                assertThrows(SocketException.class, () -> tx.send("x".getBytes())).getMessage());
        assertEquals("Can't assign requested address: port 0",
                assertThrows(SocketException.class, () -> tx.sendTo("x".getBytes(), new InetSocketAddress("10.0.0.2", 0)))
                        .getMessage());
        IllegalArgumentException unresolved = assertThrows(IllegalArgumentException.class,
                () -> tx.sendTo("x".getBytes(), InetSocketAddress.createUnresolved("10.0.0.999", 5000)));
        assertTrue(unresolved.getMessage().startsWith("unresolved address"), unresolved.getMessage());
        assertEquals("remote address", assertThrows(NullPointerException.class, () -> tx.connect(null)).getMessage());
        assertEquals("data", assertThrows(NullPointerException.class, () -> tx.sendTo(null, 0, 1, B5000)).getMessage());
        assertThrows(SocketException.class, () -> tx.sendTo("x".getBytes(), new InetSocketAddress("192.168.9.9", 5000)));

        // A zero timeout waits forever, so only a non-blocking receive may be tried on an empty socket.
        rx.configureBlocking(false);
        assertNull(rx.receiveFrom());
        assertEquals(-1, rx.receive(new byte[4]));
        assertThrows(IndexOutOfBoundsException.class, () -> rx.receive(new byte[4], 2, 3));
        assertThrows(NullPointerException.class, () -> rx.receive(null));

        tx.close();
        tx.close(); // closing twice is harmless
        assertThrows(ClosedChannelException.class, () -> tx.sendTo("x".getBytes(), B5000));
        assertThrows(ClosedChannelException.class, () -> tx.bind(0));
        assertThrows(ClosedChannelException.class, tx::receiveFrom);
        rx.close();
        assertThrows(ClosedChannelException.class, () -> rx.receive(new byte[4]));
        // The port is free again.
        try (UdpSocket again = b.openUdp().bind(5000)) {
            assertEquals(5000, again.localAddress().getPort());
        }
    }

    @Test void aTruncatingReceiveAndATimedOutOne() throws Exception {
        twoHosts(null);
        try (UdpSocket rx = b.openUdp().bind(5000).setReceiveTimeout(WAIT); UdpSocket tx = a.openUdp()) {
            tx.connect(B5000);
            tx.send("0123456789".getBytes());
            byte[] buf = new byte[4];
            assertEquals(10, rx.receive(buf));
            assertArrayEquals("0123".getBytes(), buf);
            rx.setReceiveTimeout(Duration.ofMillis(30));
            assertEquals("Receive timed out", assertThrows(SocketTimeoutException.class, rx::receiveFrom).getMessage());
        }
    }

    @Test void theLargestDatagramsArriveWhole() throws Exception {
        twoHosts(null);
        try (UdpSocket rx = b.openUdp().bind(5000).setReceiveTimeout(WAIT).setReceiveBuffer(200_000, 1);
             UdpSocket tx = a.openUdp()) {
            byte[] dflt = pattern(9216);
            tx.sendTo(dflt, B5000); // net.inet.udp.maxdgram exactly: sent, in 7 fragments
            assertArrayEquals(dflt, rx.receiveFrom().data());
            tx.setMaxDatagram(65507);
            byte[] max = pattern(65507); // UDP's largest over IPv4: 45 fragments of a 1500-byte MTU
            tx.sendTo(max, B5000);
            // b takes at most net.inet.ip.maxfragsperpacket (16) fragments of one datagram: it never arrives,
            // the fragment over the limit is dropped on arrival and those held with it are flushed.
            rx.setReceiveTimeout(Duration.ofMillis(300));
            assertThrows(SocketTimeoutException.class, rx::receiveFrom);
            assertEquals(7 + 45, b.ipStats().get(IpStat.FRAGMENTS_RECEIVED), b.netstat());
            assertEquals(2, b.ipStats().get(IpStat.FRAGMENTS_DROPPED), b.netstat());
            assertEquals(32, b.ipStats().get(IpStat.FRAGMENTS_FLUSHED), b.netstat());
            b.sysctl("net.inet.ip.maxfragsperpacket", 64);
            tx.sendTo(max, B5000);
            rx.setReceiveTimeout(WAIT);
            assertArrayEquals(max, rx.receiveFrom().data());
        }
    }

    private static byte[] pattern(int n) {
        byte[] d = new byte[n];
        for (int i = 0; i < n; i++) d[i] = (byte) (i * 31 + (i >> 8));
        return d;
    }

    @Test void eventQueueReportsAReadableSocket() throws Exception {
        twoHosts(null);
        EventQueue q = b.newEventQueue();
        try (UdpSocket rx = b.openUdp().bind(5000).configureBlocking(false); UdpSocket tx = a.openUdp()) {
            q.register(rx, EventQueue.READ, false, "rx");
            assertEquals(List.of(), q.poll(8, Duration.ZERO));
            tx.sendTo("e".getBytes(), B5000);
            List<EventQueue.Event> ev = q.poll(8, WAIT);
            assertEquals(1, ev.size());
            assertEquals("rx", ev.get(0).attachment());
            assertEquals(EventQueue.READ, ev.get(0).ready());
            assertEquals("e", rx.receiveFrom().text());
            assertTrue(q.deregister(rx));
            assertEquals(0, q.size());
            assertThrows(IllegalArgumentException.class, () -> q.poll(0, Duration.ZERO));
        }
    }

    @Test void wrongHostUseFailsAtOnceNamingTheProblem() {
        assertEquals("host name required",
                assertThrows(IllegalArgumentException.class, () -> StackConfig.defaults("")).getMessage());
        assertEquals("mode", assertThrows(NullPointerException.class,
                () -> StackConfig.defaults("a").withMode(null)).getMessage());
        assertEquals("workers must be >= 1: 0", assertThrows(IllegalArgumentException.class,
                () -> StackConfig.defaults("a").withNetisr(0, DispatchPolicy.DIRECT, PlacementPolicy.SOURCE)).getMessage());
        a = Stack.create(StackConfig.defaults("a"));
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
                () -> a.addNic("em0", "10.0.0.300/24", NicConfig.of(1)));
        assertTrue(bad.getMessage().contains("10.0.0.300"), bad.getMessage());
        assertThrows(IllegalArgumentException.class, () -> a.addNic("em0", "10.0.0.1", NicConfig.of(1)));
        assertThrows(IllegalArgumentException.class, () -> a.addNic("em0", "10.0.0.1/33", NicConfig.of(1)));
        SimNic em0 = a.addNic("em0", "10.0.0.1/24", NicConfig.of(1));
        assertEquals(2, em0.index()); // lo0 is 1; the refused NICs took no index
        assertEquals("gateway 10.9.0.1 is on no attached network", assertThrows(IllegalArgumentException.class,
                () -> a.addRoute("0.0.0.0/0", "10.9.0.1")).getMessage());
        assertThrows(IllegalArgumentException.class, () -> a.addRoute("0.0.0.0/0", "10.0.0"));
        assertThrows(IllegalArgumentException.class, () -> a.ping("10.0.0", 1, Duration.ZERO, Duration.ZERO));
        assertEquals("ping data bytes 7: need 8 to 65507", assertThrows(IllegalArgumentException.class,
                () -> a.ping("10.0.0.1", 1, 7, Duration.ZERO, Duration.ZERO)).getMessage());
        assertEquals("ping count -1 is negative", assertThrows(IllegalArgumentException.class,
                () -> a.ping("10.0.0.1", -1, Duration.ZERO, Duration.ZERO)).getMessage());
        assertEquals("timeout", assertThrows(NullPointerException.class,
                () -> a.ping("10.0.0.1", 1, Duration.ZERO, null)).getMessage());
        a.start();
        assertEquals("host a already started", assertThrows(IllegalStateException.class, a::start).getMessage());
        IllegalStateException late = assertThrows(IllegalStateException.class,
                () -> a.addNic("em1", "10.0.1.1/24", NicConfig.of(1)));
        assertTrue(late.getMessage().contains("before start()"), late.getMessage());
        assertThrows(IllegalStateException.class, () -> a.addRoute("0.0.0.0/0", "10.0.0.254"));
        a.close();
        a.close(); // closing twice is harmless
        assertEquals("host a is closed", assertThrows(IllegalStateException.class, a::openUdp).getMessage());
        assertEquals("host a is closed", assertThrows(IllegalStateException.class, a::start).getMessage());
        assertEquals("host a is closed", assertThrows(IllegalStateException.class,
                () -> a.capture(em0, Path.of("never.pcap"))).getMessage());
        assertEquals("host a is closed", assertThrows(IllegalStateException.class,
                () -> a.ping("10.0.0.1", 1, Duration.ZERO, Duration.ZERO)).getMessage());
    }

    @Test void bindNullTakesAnEphemeralPortAsDatagramChannelDoes() throws Exception {
        a = Stack.create(StackConfig.defaults("a"));
        a.start();
        try (UdpSocket s = a.openUdp().bind(null)) {
            int port = s.localAddress().getPort();
            assertTrue(port >= 49152 && port <= 65535, "ephemeral port " + port);
        }
        a.sysctl("net.inet.ip.portrange.first", 50000);
        a.sysctl("net.inet.ip.portrange.last", 50000);
        try (UdpSocket s = a.openUdp().bind(0)) {
            assertEquals(50000, s.localAddress().getPort());
            assertThrows(BindException.class, () -> a.openUdp().bind(0));
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> a.sysctl("net.inet.ip.portrange.first", 50001));
        assertTrue(e.getMessage().startsWith("sysctl net.inet.ip.portrange.first"), e.getMessage());
        assertEquals(50000, a.sysctl("net.inet.ip.portrange.first"));
    }

    @Test void badAddressStringsAreRefusedNamingThem() {
        a = Stack.create(StackConfig.defaults("a"));
        for (String bad : List.of("10.0.0.1./24", "10.0.0.+1/24", "10.0.0.1/+8", "10.0.0.1/x", "10.0.0.1/", "a.b.c.d/8",
                "10.0.0.1/024")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> a.addNic("em0", bad, NicConfig.of(1)), bad);
            assertTrue(e.getMessage().endsWith(bad.substring(0, bad.indexOf('/')))
                    || e.getMessage().endsWith(bad), e.getMessage());
        }
        assertEquals("not an IPv4 address: 10.0.0.1.", assertThrows(IllegalArgumentException.class,
                () -> a.ping("10.0.0.1.", 1, Duration.ZERO, Duration.ZERO)).getMessage());
    }

    @Test void aNicTakesOneCableAtATime() {
        a = Stack.create(StackConfig.defaults("a"));
        b = Stack.create(StackConfig.defaults("b"));
        SimNic na = a.addNic("em0", "10.0.0.1/24", NicConfig.of(1));
        SimNic nb = b.addNic("em0", "10.0.0.2/24", NicConfig.of(1));
        SimNic nc = b.addNic("em1", "10.0.1.2/24", NicConfig.of(1));
        assertEquals("cannot connect em0 to itself",
                assertThrows(IllegalArgumentException.class, () -> Wire.connect(na, na)).getMessage());
        Wire w = Wire.connect(na, nb);
        assertEquals("em0 is already connected; disconnect it first",
                assertThrows(IllegalStateException.class, () -> Wire.connect(nc, na)).getMessage());
        w.disconnect();
        Wire.connect(nc, na);
    }

    @Test void aCaptureThatCannotBeWrittenNamesItsFile(@TempDir Path dir) {
        a = Stack.create(StackConfig.defaults("a"));
        SimNic na = a.addNic("em0", "10.0.0.1/24", NicConfig.of(1));
        Path bad = dir.resolve("no-such-dir").resolve("a.pcap");
        java.io.UncheckedIOException e = assertThrows(java.io.UncheckedIOException.class, () -> a.capture(na, bad));
        assertEquals("cannot create capture " + bad, e.getMessage());
    }

    @Test void aHostClosedWithoutStartingFreesWhatItHolds() throws Exception {
        a = Stack.create(StackConfig.defaults("a"));
        a.addNic("em0", "10.0.0.1/24", NicConfig.of(1));
        try (UdpSocket s = a.openUdp()) {
            assertEquals(0, s.localAddress().getPort());
        }
        a.close();
    }
}
