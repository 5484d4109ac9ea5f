package smpnet.stack.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import smpnet.stack.Stack;
import smpnet.stack.dev.NicConfig;
import smpnet.stack.dev.SimNic;
import smpnet.stack.dev.Wire;
import smpnet.stack.locks.LockMode;
import smpnet.stack.mbuf.MbufLeakExtension;
import smpnet.stack.net.IfCounters;
import smpnet.stack.socket.TcpSocket;
import smpnet.stack.stats.TcpStat;
import smpnet.witness.junit.WitnessExtension;

/**
 * A bulk TSO transfer between two hosts over a {@link Wire} whose TX descriptor rings hold one TSO packet
 * (12 descriptors: the NIC caps {@code tsoMaxSegCount} at 11, so TCP's TSO packets take up to the whole
 * ring), a small model of the benchmark's 1,024-descriptor rings holding some 30 packets of 34: the packets
 * that find too few descriptors free wait in the software queue in front of the ring
 * ({@link NicConfig#txSoftQueue()}, 2,048 packets), so TCP never sees ENOBUFS, never collapses its window
 * and retransmits nothing, and every byte arrives, in order. The same run without the software queue drops
 * packets at the ring, TCP sees ENOBUFS and sends bytes again: what the queue is for. Deterministic, on
 * virtual time; no mbuf is left.
 */
@ExtendWith({WitnessExtension.class, MbufLeakExtension.class})
class TcpTxSoftQueueTest {
    private static final int UP = 2 * 1024 * 1024;
    private static final NicConfig NIC = NicConfig.of(1).withTso(true).withRingSize(12);

    private record Outcome(long nobufs, long rexmitPacks, long rexmitTimeouts, long tsoPackets, IfCounters nicA,
                           SimNic.TxRingCounters ringA) {}

    private static Outcome transfer(LockMode mode, NicConfig nic) {
        byte[] up = TcpTwoHostsTest.pattern(UP, 5);
        byte[] down = TcpTwoHostsTest.pattern(1000, 6);
        Outcome[] out = new Outcome[1];
        TcpSim.Result r = TcpSim.runLinked(11, mode, nic, (na, nb) -> Wire.connect(na, nb)::disconnect,
                (a, b, na, nb) -> {

                    TcpSocket lis = b.openTcp().bind(new InetSocketAddress("10.0.0.2", 5001)).listen(1);
                    TcpSim.transfer(a, lis, up, down); // byte-exact both ways
                    lis.close();
                    TcpSim.sleep(61_000); // past TIME_WAIT
                    out[0] = new Outcome(a.tcpStats().get(TcpStat.SNDNOBUFS), a.tcpStats().get(TcpStat.SNDREXMITPACK),
                            a.tcpStats().get(TcpStat.REXMTTIMEO), na.tsoPackets(), na.counters(), na.txRingCounters());
                });
        for (Stack h : new Stack[] {r.a(), r.b()}) {
            assertEquals(0, h.allocator().outstanding() + h.allocator().outstandingClusters(), h.name() + " mbufs");
        }
        return out[0];
    }

    @ParameterizedTest
    @EnumSource(LockMode.class)
    void tsoPacketsWaitForDescriptorsInsteadOfCollapsingTheWindow(LockMode mode) {
        Outcome o = transfer(mode, NIC);
        assertEquals(0, o.nobufs(), o.toString());
        assertEquals(0, o.rexmitPacks(), o.toString());
        assertEquals(0, o.rexmitTimeouts(), o.toString());
        assertEquals(0, o.nicA().outDrops(), o.toString());
        assertEquals(0, o.ringA().softDrops(), o.toString());
        assertTrue(o.tsoPackets() > 0, o.toString());
        assertTrue(o.ringA().noDescriptors() > 0 && o.ringA().softQueued() >= o.ringA().noDescriptors(),
                "TSO packets found the ring short and waited: " + o);
    }

    @Test
    void withoutTheSoftQueueTheSameTransferSeesEnobufs() {
        Outcome o = transfer(LockMode.FINE, NIC.withTxSoftQueue(0));
        assertTrue(o.nobufs() > 0, o.toString());
        assertTrue(o.rexmitPacks() > 0, "each ENOBUFS sends bytes again: " + o);
        assertEquals(o.nobufs(), o.nicA().outDrops(), o.toString());
        assertEquals(o.nobufs(), o.ringA().softDrops(), o.toString());
        assertEquals(new SimNic.TxRingCounters(0, 0, o.nobufs()), o.ringA());
    }
}
