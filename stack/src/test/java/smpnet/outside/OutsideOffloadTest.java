package smpnet.outside;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import smpnet.stack.Stack;
import smpnet.stack.StackConfig;
import smpnet.stack.dev.NicConfig;
import smpnet.stack.dev.RssHash;
import smpnet.stack.dev.SimNic;
import smpnet.stack.dev.Wire;
import smpnet.stack.locks.LockMode;
import smpnet.stack.socket.TcpSocket;
import smpnet.stack.stats.TcpStat;

/**
 * Large receive offload as README.md's "Large receive offload" section promises it, from public types only:
 * a bulk transfer arrives byte for byte in every locking mode; the interface counters and a capture still see
 * each frame as it came off the wire (MTU-sized, clean for tshark); TCP counts a merged packet once in
 * tcps_rcvtotal and its segments in tcps_rcvpack, so what one host sent equals what the other counted; LRO
 * turned off and on while data flows loses nothing; wrong use fails at once, naming the mistake. Every host
 * is quiet and holds no mbuf at the end (and the leak extension checks after).
 */
class OutsideOffloadTest {
    private static final InetSocketAddress B7000 = new InetSocketAddress("10.0.0.2", 7000);
    private final List<Stack> hosts = new ArrayList<>();
    @TempDir Path dir;

    @AfterEach
    void closeHosts() {
        hosts.forEach(Stack::close);
    }

    private Stack a;
    private Stack b;
    private SimNic na;
    private SimNic nb;

    /**
     * A host whose retransmission timeout is at least 10 s (net.inet.tcp.rexmit_slop): on a lossless wire
     * nothing is then ever resent, however long a loaded machine leaves a thread of the peer unscheduled, and
     * what one host sent is exactly what the other counts.
     */
    private Stack host(String name, LockMode mode) {
        Stack s = Stack.create(StackConfig.defaults(name).withMode(mode));
        hosts.add(s);
        s.sysctl("net.inet.tcp.rexmit_slop", 10_000);
        return s;
    }

    /** Hosts a (10.0.0.1) and b (10.0.0.2) in the given modes, their NICs em0 on one wire; not started. */
    private void wire(LockMode modeA, NicConfig nicA, LockMode modeB, NicConfig nicB) {
        a = host("a", modeA);
        b = host("b", modeB);
        na = a.addNic("em0", "10.0.0.1/24", nicA);
        nb = b.addNic("em0", "10.0.0.2/24", nicB);
        Wire.connect(na, nb);
    }

    private void start() {
        a.start();
        b.start();
    }

    private static byte[] pattern(int n, int seed) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) b[i] = (byte) (i * 31 + seed + (i >> 11));
        return b;
    }

    /** Connects a -> b:7000, writes {@code data} from a thread, reads it on b while {@code duringRead} runs per chunk. */
    private byte[] transfer(byte[] data, Runnable duringRead) throws Exception {
        TcpSocket lis = b.openTcp().setReceiveTimeout(TwoHosts.WAIT).bind(B7000).listen(4);
        TcpSocket c = a.openTcp().setReceiveTimeout(TwoHosts.WAIT);
        c.connect(B7000);
        TcpSocket s = lis.accept().setReceiveTimeout(TwoHosts.WAIT);
        FutureTask<Void> writer = new FutureTask<>(() -> {
            c.write(data);
            c.shutdown(false, true);
            return null;
        });
        Thread.ofPlatform().name("offload-writer").start(writer); // joined by writer.get below
        byte[] got = new byte[data.length];
        int at = 0;
        while (at < got.length) {
            int r = s.read(got, at, Math.min(16384, got.length - at));
            if (r < 0) throw new AssertionError("end of stream after " + at + " of " + data.length + " bytes");
            at += r;
            duringRead.run();
        }
        writer.get(TwoHosts.WAIT.toSeconds(), TimeUnit.SECONDS);
        assertEquals(-1, s.read(new byte[1]), "the writer's FIN");
        s.close();
        assertEquals(-1, c.read(new byte[1]));
        c.close();
        lis.close();
        return got;
    }

    private static void quiesce(Stack... hs) {
        for (int i = 0; i < 3; i++) for (Stack h : hs) h.quiesce();
    }

    /**
     * What {@code to} received from {@code from} over a lossless wire, as README.md promises it with LRO on:
     * each frame counted by the interface, each segment by tcps_rcvpack, each merged packet once by
     * tcps_rcvtotal; every segment LRO queued was flushed or merged.
     */
    private static void assertCountedSegmentBySegment(Stack from, SimNic fromNic, Stack to, SimNic toNic) {
        SimNic.LroCounters lro = toNic.lroCounters();
        assertEquals(lro.queued(), lro.flushed() + lro.merged(), "queued = flushed + merged: " + lro);
        assertEquals(0, lro.badChecksum(), lro.toString());
        assertEquals(fromNic.counters().outPackets(), toNic.counters().inPackets(), "frames as they came off the wire");
        assertEquals(0, from.tcpStats().get(TcpStat.SNDREXMITPACK), "a lossless wire: " + from.tcpStats().nonZero());
        assertEquals(from.tcpStats().get(TcpStat.SNDPACK), to.tcpStats().get(TcpStat.RCVPACK),
                "every data segment counted in tcps_rcvpack, merged or not");
        assertEquals(from.tcpStats().get(TcpStat.SNDTOTAL), to.tcpStats().get(TcpStat.RCVTOTAL) + lro.merged(),
                "a merged packet counts once in tcps_rcvtotal: " + lro);
        assertEquals(0, to.tcpStats().get(TcpStat.RCVBADSUM));
        assertTrue(to.inputOutcomes().balanced(), "every frame has one outcome: " + to.inputOutcomes());
        assertEquals(0, to.allocator().outstanding(), "mbufs " + to.name() + " still holds");
    }

    @ParameterizedTest
    @EnumSource(LockMode.class)
    void aBulkTransferWithLroAtBothEndsArrivesExactlyAndIsCountedSegmentBySegment(LockMode mode) throws Exception {
        wire(mode, NicConfig.of(2).withLro(true), mode, NicConfig.of(2).withLro(true));
        assertTrue(na.lro() && nb.lro(), "NicConfig.withLro(true) turns it on at start");
        start();
        byte[] data = pattern(1 << 20, 3);
        assertArrayEquals(data, transfer(data, () -> {}));
        quiesce(a, b);
        assertCountedSegmentBySegment(a, na, b, nb);
        assertCountedSegmentBySegment(b, nb, a, na);
        assertTrue(nb.lroCounters().merged() > 0, "a megabyte in bursts: some segments merged " + nb.lroCounters());
        assertEquals(nb.lroCounters(), nb.lroCounters(0).plus(nb.lroCounters(1)), "the sum over the RX queues");
    }

    @Test
    void lroIsOffUnlessAskedAndThenMergesNothing() throws Exception {
        wire(LockMode.FINE, NicConfig.of(1), LockMode.GIANT, NicConfig.of(1));
        assertFalse(NicConfig.of(1).lro(), "off by default");
        assertFalse(nb.lro());
        start();
        byte[] data = pattern(200_000, 5);
        assertArrayEquals(data, transfer(data, () -> {}));
        quiesce(a, b);
        assertEquals(new SimNic.LroCounters(0, 0, 0, 0), nb.lroCounters());
        assertEquals(a.tcpStats().get(TcpStat.SNDTOTAL), b.tcpStats().get(TcpStat.RCVTOTAL), "one packet a segment");
        assertCountedSegmentBySegment(a, na, b, nb);
    }

    @Test
    void lroTurnedOffAndOnWhileDataFlowsLosesNothing() throws Exception {
        wire(LockMode.FINE, NicConfig.of(1), LockMode.GIANT_OVER_FINE, NicConfig.of(2));
        start();
        byte[] data = pattern(1 << 20, 7);
        int[] flips = {0};
        assertArrayEquals(data, transfer(data, () -> nb.setLro(++flips[0] % 2 == 1)));
        assertEquals(flips[0] % 2 == 1, nb.lro(), "lro() is what setLro set last");
        nb.setLro(false);
        quiesce(a, b);
        assertCountedSegmentBySegment(a, na, b, nb);
        assertCountedSegmentBySegment(b, nb, a, na);
    }

    /**
     * {@code pcap} is clean for tshark and holds {@code frames} frames, none above a 1500-byte MTU, every one of
     * 10.0.0.1's TCP frames with good IPv4 and TCP checksums, carrying {@code dataBytes} bytes in all.
     */
    private static void assertCapturedAsOnTheWire(Path pcap, long frames, int dataBytes) throws Exception {
        // a full or zero window is the receiver's flow control, which a bulk transfer may well meet: no fault
        assertEquals("", OutsidePcapTest.tshark(pcap, "_ws.malformed || (_ws.expert.severity >= warning"
                + " && !tcp.analysis.window_full && !tcp.analysis.zero_window)"), "tshark found malformed frames or warnings");
        List<String[]> seen = OutsidePcapTest.tshark(pcap, "frame", "frame.len", "ip.src", "tcp.len", "ip.checksum.status",
                "tcp.checksum.status").lines().map(l -> l.split("\t", -1)).toList();
        assertEquals(frames, seen.size(), "each frame as it was on the wire, in and out");
        long fromA = 0;
        for (String[] f : seen) {
            assertTrue(Integer.parseInt(f[0]) <= 1514, "no frame above the MTU: " + String.join(" ", f));
            if (f[1].equals("10.0.0.1") && !f[2].isEmpty()) {
                fromA += Long.parseLong(f[2]);
                assertEquals("1 1", f[3] + " " + f[4], "IPv4 and TCP checksums verified (1: good)");
            }
        }
        assertEquals(dataBytes, fromA, "every byte a sent, once");
    }

    @Test
    void aCaptureOnAnLroInterfaceShowsTheFramesAsTheyCameOffTheWire() throws Exception {
        Path pcap = dir.resolve("b.pcap");
        wire(LockMode.FINE, NicConfig.of(1).withLro(true), LockMode.FINE, NicConfig.of(1).withLro(true));
        b.capture(nb, pcap);
        start();
        byte[] data = pattern(300_000, 9);
        assertArrayEquals(data, transfer(data, () -> {}));
        quiesce(a, b);
        long frames = nb.counters().inPackets() + nb.counters().outPackets();
        b.close(); // flushes the capture
        assertCapturedAsOnTheWire(pcap, frames, data.length);
        assertTrue(nb.lroCounters().queued() > 0, nb.lroCounters().toString());
    }

    // ---- TCP segmentation offload ---------------------------------------------------------------------

    /**
     * What {@code to} received from {@code from}, whose NIC cut TSO segments, over a lossless wire as README.md
     * promises it: the frames on the wire are what the interfaces count, and each is one segment for the
     * receiver's TCP, while tcps_sndtotal counts a TSO segment once, so the receiver's tcps_rcvtotal (a packet
     * LRO merged counted once) is the sender's packets less its TSO packets plus their frames; TCP's TSO payload
     * was never copied, and every byte was sent and received once.
     */
    private static void assertTsoCountedFrameByFrame(Stack from, SimNic fromNic, Stack to, SimNic toNic, int bytes) {
        String counters = from.tcpStats().nonZero() + " / " + to.tcpStats().nonZero();
        assertEquals(fromNic.counters().outPackets(), toNic.counters().inPackets(), "frames as they went on the wire");
        assertEquals(0, from.tcpStats().get(TcpStat.SNDNOBUFS), "every TSO packet found room: " + counters);
        assertEquals(0, from.tcpStats().get(TcpStat.SNDREXMITPACK), "a lossless wire: " + counters);
        assertEquals(0, fromNic.tsoPayloadBytesCopied(), "TCP's TSO payload goes by reference");
        assertTrue(fromNic.tsoFrames() >= fromNic.tsoPackets(), fromNic.tsoFrames() + " frames");
        assertEquals(from.tcpStats().get(TcpStat.SNDTOTAL) - fromNic.tsoPackets() + fromNic.tsoFrames(),
                to.tcpStats().get(TcpStat.RCVTOTAL) + toNic.lroCounters().merged(),
                "each frame one segment, a merged packet once: " + counters);
        assertEquals(bytes, to.tcpStats().get(TcpStat.RCVBYTE), "bytes received in sequence once: " + counters);
        assertEquals(bytes, from.tcpStats().get(TcpStat.SNDBYTE), "bytes sent once: " + counters);
        assertEquals(from.tcpStats().get(TcpStat.SNDPACK) - fromNic.tsoPackets() + fromNic.tsoFrames(),
                to.tcpStats().get(TcpStat.RCVPACK), "each data frame one segment in tcps_rcvpack, merged or not: " + counters);
        assertTrue(to.inputOutcomes().balanced(), "every frame has one outcome: " + to.inputOutcomes());
        assertEquals(0, to.allocator().outstanding(), "mbufs " + to.name() + " still holds");
        assertEquals(0, from.allocator().outstanding(), "mbufs " + from.name() + " still holds");
    }

    @ParameterizedTest
    @EnumSource(LockMode.class)
    void aBulkTransferWithTsoAtTheSenderArrivesExactly(LockMode mode) throws Exception {
        wire(mode, NicConfig.of(2).withTso(true), mode, NicConfig.of(2));
        assertEquals(1, a.sysctl("net.inet.tcp.tso"), "on by default where the NIC offers it");
        assertTrue(na.tso(), "NicConfig.withTso(true) turns it on at start");
        start();
        byte[] data = pattern(1 << 20, 11);
        assertArrayEquals(data, transfer(data, () -> {}));
        quiesce(a, b);
        assertTrue(na.tsoPackets() > 0, "a megabyte in TSO segments: " + na.tsoPackets());
        assertTrue(na.tsoFrames() > na.tsoPackets(), "each TSO packet several frames: " + na.tsoFrames());
        assertEquals(0, nb.tsoPackets(), "b's NIC offers no TSO");
        assertTsoCountedFrameByFrame(a, na, b, nb, data.length);
    }

    @ParameterizedTest
    @EnumSource(LockMode.class)
    void tsoAndLroTogetherCarryABulkTransferBothWays(LockMode mode) throws Exception {
        NicConfig both = NicConfig.of(1).withTso(true).withLro(true);
        assertTrue(both.tso() && both.lro(), "the withers keep each other's setting");
        wire(mode, both, LockMode.FINE, both);
        start();
        byte[] data = pattern(1 << 20, 13);
        assertArrayEquals(data, transfer(data, () -> {}));
        quiesce(a, b);
        assertTrue(na.tsoPackets() > 0, "a megabyte in TSO segments: " + na.tsoPackets());
        SimNic.LroCounters lro = nb.lroCounters();
        assertEquals(lro.queued(), lro.flushed() + lro.merged(), lro.toString());
        assertTsoCountedFrameByFrame(a, na, b, nb, data.length);
        assertTsoCountedFrameByFrame(b, nb, a, na, 0);
    }

    @Test
    void netInetTcpTsoZeroSendsOrdinarySegmentsAndOnlyZeroOrOneIsTaken() throws Exception {
        wire(LockMode.FINE, NicConfig.of(1).withTso(true), LockMode.GIANT, NicConfig.of(1));
        assertEquals("sysctl net.inet.tcp.tso: 2 is outside [0, 1]",
                assertThrows(IllegalArgumentException.class, () -> a.sysctl("net.inet.tcp.tso", 2)).getMessage());
        assertEquals("sysctl net.inet.tcp.tso: -1 is outside [0, 1]",
                assertThrows(IllegalArgumentException.class, () -> a.sysctl("net.inet.tcp.tso", -1)).getMessage());
        a.sysctl("net.inet.tcp.tso", 0);
        assertEquals(0, a.sysctl("net.inet.tcp.tso"));
        start();
        byte[] data = pattern(300_000, 15);
        assertArrayEquals(data, transfer(data, () -> {}));
        quiesce(a, b);
        assertEquals(0, na.tsoPackets(), "net.inet.tcp.tso 0: no TSO segment");
        assertEquals(a.tcpStats().get(TcpStat.SNDPACK), b.tcpStats().get(TcpStat.RCVPACK));
        assertTsoCountedFrameByFrame(a, na, b, nb, data.length);
    }

    @Test
    void tsoTurnedOffAndOnWhileDataFlowsLosesNothing() throws Exception {
        wire(LockMode.GIANT_OVER_FINE, NicConfig.of(1).withTso(true), LockMode.FINE, NicConfig.of(1).withLro(true));
        start();
        byte[] data = pattern(1 << 20, 17);
        int[] flips = {0};
        assertArrayEquals(data, transfer(data, () -> na.setTso(++flips[0] % 2 == 0)));
        quiesce(a, b);
        assertTrue(flips[0] > 2, "toggled while data flowed: " + flips[0]);
        assertEquals(flips[0] % 2 == 0, na.tso(), "tso() is what setTso set last");
        assertEquals(0, a.allocator().outstanding() + b.allocator().outstanding(), "no mbuf held");
        assertTrue(b.inputOutcomes().balanced(), b.inputOutcomes().toString());
    }

    @Test
    void aCaptureOfTsoSegmentsShowsMtuSizedFramesTsharkReadsClean() throws Exception {
        Path pcap = dir.resolve("a.pcap");
        wire(LockMode.FINE, NicConfig.of(1).withTso(true), LockMode.FINE, NicConfig.of(1));
        a.capture(na, pcap);
        start();
        byte[] data = pattern(300_000, 19);
        assertArrayEquals(data, transfer(data, () -> {}));
        quiesce(a, b);
        long frames = na.counters().inPackets() + na.counters().outPackets();
        assertTrue(na.tsoPackets() > 0, "TSO was used: " + na.tsoPackets());
        a.close(); // flushes the capture
        assertCapturedAsOnTheWire(pcap, frames, data.length);
    }

    @Test
    void wrongUseFailsAtOnceNamingTheMistake() {
        wire(LockMode.FINE, NicConfig.of(1), LockMode.FINE, NicConfig.of(2).withLro(true));
        assertEquals("no RX queue 2 on em0 (it has 2)",
                assertThrows(IllegalArgumentException.class, () -> nb.lroCounters(2)).getMessage());
        assertEquals("no RX queue -1 on em0 (it has 2)",
                assertThrows(IllegalArgumentException.class, () -> nb.lroCounters(-1)).getMessage());
        assertEquals("rssKey", assertThrows(NullPointerException.class,
                () -> new NicConfig(1, 1, 1024, 32, 1, null, true)).getMessage());
        assertEquals("rssKey", assertThrows(NullPointerException.class,
                () -> new NicConfig(1, 1, 1024, 32, 1, null, true, true)).getMessage());
        assertTrue(new NicConfig(1, 1, 1024, 32, 1, RssHash.MICROSOFT_KEY, true).lro(), "the constructor LRO came with");
        assertFalse(new NicConfig(1, 1, 1024, 32, 1, RssHash.MICROSOFT_KEY, true).tso());
        assertEquals("a NIC needs 1+ RX and TX queues",
                assertThrows(IllegalArgumentException.class, () -> NicConfig.of(0).withLro(true)).getMessage());
        assertEquals("ringSize, batch, cpus >= 1",
                assertThrows(IllegalArgumentException.class, () -> NicConfig.of(1).withLro(true).withBatch(-1)).getMessage());
        assertTrue(NicConfig.of(1).withLro(true).withRingSize(64).withBatch(8).lro(), "withLro survives the other withers");
        assertFalse(NicConfig.of(1).withLro(true).withLro(false).lro());
        assertArrayEquals(RssHash.MICROSOFT_KEY, NicConfig.of(1).withLro(true).rssKey());
        assertEquals("em0 has no TCP segmentation offload",
                assertThrows(IllegalStateException.class, () -> nb.setTso(true)).getMessage());
        nb.setTso(false); // turning off what is off is harmless
        assertFalse(nb.tso());
        assertEquals(0, nb.tsoPackets());
        assertTrue(NicConfig.of(1).withTso(true).withRingSize(64).withLro(false).tso(), "withTso survives the other withers");
        assertFalse(NicConfig.of(1).tso(), "off by default");
        b.close();
        // ifconfig on an interface that is down: the setting is kept, nothing runs, the counters stay readable
        nb.setLro(false);
        assertFalse(nb.lro());
        assertEquals(new SimNic.LroCounters(0, 0, 0, 0), nb.lroCounters());
        assertThrows(IllegalStateException.class, () -> b.capture(nb, dir.resolve("late.pcap")));
        assertEquals(0, b.allocator().outstanding());
    }
}
