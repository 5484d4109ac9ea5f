package smpnet.stack.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import smpnet.stack.Stack;
import smpnet.stack.dev.ImpairedLink.Impairments;
import smpnet.stack.dev.SimNic;
import smpnet.stack.dev.Wire;
import smpnet.stack.internal.tcp.AckPolicy;
import smpnet.stack.locks.LockMode;
import smpnet.stack.mbuf.MbufLeakExtension;
import smpnet.stack.mbuf.MbufTransfer;
import smpnet.stack.socket.TcpSocket;
import smpnet.stack.stats.EtherStat;
import smpnet.stack.stats.TcpStat;
import smpnet.witness.junit.WitnessExtension;

/**
 * Large receive offload on a bulk transfer's receiver (host b), deterministic and on virtual time: every
 * byte arrives exactly, segments were merged, TCP input ran fewer times than frames arrived, and TCP counted
 * the merged packets' segments one by one (FreeBSD's {@code lro_nsegs}), so that its packet counters equal
 * the sender's. With LRO off every frame goes up alone.
 */
@ExtendWith({WitnessExtension.class, MbufLeakExtension.class})
class TcpLroTest {
    private static final int UP = 2 * 1024 * 1024;
    /** The lossy link's transfer: loss recovery costs more per byte. */
    private static final int UP_LOSSY = 1024 * 1024;

    /** What a run left to check, read once the transfer ended. */
    private record Outcome(long sentData, long rcvPack, long rcvByte, long rcvTotal, long framesIn,
                           long etherReceived, SimNic.LroCounters lro, long acksSent, long longerThanMss) {}

    private static Outcome bulk(LockMode mode, boolean lro) { return bulk(mode, lro, MbufTransfer.COPY); }

    private static Outcome bulk(LockMode mode, boolean lro, MbufTransfer transfer) {
        byte[] up = TcpTwoHostsTest.pattern(UP, 5);
        byte[] down = TcpTwoHostsTest.pattern(100, 6);
        Outcome[] out = new Outcome[1];
        AtomicLong longerThanMss = new AtomicLong();
        TcpSim.Result r = TcpSim.runLinked(3, mode, 1, 4096, (na, nb) -> {
            Wire w = Wire.connect(na, nb, transfer);
            return w::disconnect;
        }, (a, b, na, nb) -> {
            nb.setLro(lro);
            // DELAY_ACK sees each merged packet whole: one longer than the MSS is acknowledged at once
            b.tcpAckPolicy(arrival -> {
                if (arrival.length() > arrival.maxseg()) longerThanMss.incrementAndGet();
                return AckPolicy.FREEBSD.delay(arrival);
            });
            TcpSocket lis = b.openTcp().bind(new InetSocketAddress("10.0.0.2", 5001)).listen(1);
            TcpSim.transfer(a, lis, up, down);
            lis.close();
            TcpSim.sleep(61_000); // past TIME_WAIT
            out[0] = outcome(a, b, nb, longerThanMss.get());
        });
        assertNoMbufs(r);
        return out[0];
    }

    private static Outcome outcome(Stack a, Stack b, SimNic nb, long longerThanMss) {
        return new Outcome(a.tcpStats().get(TcpStat.SNDPACK), b.tcpStats().get(TcpStat.RCVPACK),
                b.tcpStats().get(TcpStat.RCVBYTE), b.tcpStats().get(TcpStat.RCVTOTAL), nb.counters().inPackets(),
                b.etherStats().get(EtherStat.RECEIVED), nb.lroCounters(), b.tcpStats().get(TcpStat.SNDACKS),
                longerThanMss);
    }

    private static void assertNoMbufs(TcpSim.Result r) {
        for (Stack h : new Stack[] {r.a(), r.b()}) {
            assertEquals(0, h.allocator().outstanding() + h.allocator().outstandingClusters(), h.name() + " mbufs");
        }
    }

    @ParameterizedTest
    @EnumSource(LockMode.class)
    void aBulkTransferIsMergedAndCountedSegmentBySegment(LockMode mode) {
        assertMerged(bulk(mode, true));
    }

    /**
     * Frames handed over as they are: each one's data shares the sender's send-buffer clusters (not
     * writable), its headers sit in an mbuf of their own, which LRO rewrites.
     */
    @Test
    void framesWhoseDataIsSharedWithTheSenderAreMergedToo() {
        assertMerged(bulk(LockMode.FINE, true, MbufTransfer.HANDOFF));
    }

    private static void assertMerged(Outcome o) {
        assertEquals(UP, o.rcvByte(), o.toString());
        assertEquals(o.sentData(), o.rcvPack(), "TCP counts every merged segment: " + o);
        assertTrue(o.lro().merged() > o.sentData() / 2, "most segments were merged: " + o);
        // each frame went up alone or was merged into another's packet; Ethernet input saw one per packet
        assertEquals(o.framesIn(), o.etherReceived() + o.lro().merged(), o.toString());
        assertEquals(o.lro().queued(), o.lro().flushed() + o.lro().merged(), o.toString());
        assertTrue(o.rcvTotal() < o.framesIn() / 2, "tcp_input ran for fewer packets than frames: " + o);
        assertEquals(0, o.lro().badChecksum(), o.toString());
        // the receiver sends no data meanwhile: each merged packet's immediate ACK is a pure ACK of its own
        assertTrue(o.longerThanMss() > o.lro().flushed() / 2, o.toString());
        assertTrue(o.acksSent() >= o.longerThanMss(), "a merged packet waited for the delayed-ACK timer: " + o);
    }

    @Test
    void withLroOffEverySegmentGoesUpAlone() {
        Outcome o = bulk(LockMode.FINE, false);
        assertEquals(UP, o.rcvByte(), o.toString());
        assertEquals(o.sentData(), o.rcvPack(), o.toString());
        assertEquals(new SimNic.LroCounters(0, 0, 0, 0), o.lro());
        assertEquals(o.framesIn(), o.etherReceived(), o.toString());
        assertEquals(0, o.longerThanMss(), o.toString());
    }

    @ParameterizedTest
    @EnumSource(LockMode.class)
    void lostAndReorderedFramesStillArriveExactly(LockMode mode) {
        Impairments imp = Impairments.NONE.withLatency(Duration.ofMillis(1), Duration.ZERO).withLoss(0.01)
                .withReorder(0.01, Duration.ofMillis(1));
        byte[] up = TcpTwoHostsTest.pattern(UP_LOSSY, 7);
        byte[] down = TcpTwoHostsTest.pattern(1000, 8);
        SimNic.LroCounters[] lro = new SimNic.LroCounters[1];
        TcpSim.Result r = TcpSim.runWithNics(13, mode, imp, (a, b, na, nb) -> {
            nb.setLro(true);
            TcpSocket lis = b.openTcp().bind(new InetSocketAddress("10.0.0.2", 5001)).listen(1);
            TcpSim.transfer(a, lis, up, down);
            lis.close();
            TcpSim.sleep(61_000);
            lro[0] = nb.lroCounters();
        });
        assertNoMbufs(r);
        assertEquals(UP_LOSSY, r.b().tcpStats().get(TcpStat.RCVBYTE));
        assertTrue(r.b().tcpStats().get(TcpStat.RCVOOPACK) > 0, r.b().tcpStats().nonZero());
        assertTrue(lro[0].merged() > 0, lro[0].toString());
    }
}
