package smpnet.stack.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.util.EnumMap;
import java.util.Map;
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
 * A bulk transfer at full speed over a {@link Wire} whose rings (8 frames each, and a TX software queue of 8
 * packets) are far smaller than the window: the wire's flow control holds each sender back while the peer's RX
 * ring is full, so no frame is lost on the wire, and a segment that finds its own TX ring and software queue
 * full comes back to TCP as ENOBUFS, which backs
 * it out and sends the same bytes later (counted in {@link TcpStat#SNDNOBUFS}, one per TX ring drop; as in
 * FreeBSD they count as retransmitted, at most one packet per ENOBUFS). So TCP has no retransmission timeout
 * and no recovery and sees neither a duplicate ACK nor an out-of-order segment, while the wire
 * counts its pauses. Deterministic and on virtual time, in every locking mode; the same seed gives the
 * same counters.
 */
@ExtendWith({WitnessExtension.class, MbufLeakExtension.class})
class TcpWireFlowControlTest {
    private static final int RING = 8;
    private static final int UP = 1024 * 1024;
    /** What a lossless link must never cause. */
    private static final TcpStat[] NEVER = {TcpStat.REXMTTIMEO, TcpStat.SACK_RECOVERY_EPISODE,
            TcpStat.RCVDUPACK, TcpStat.RCVOOPACK, TcpStat.RCVDUPPACK};

    /** What one run left: both hosts' TCP counters, the wire's, and the NICs'. */
    private record Outcome(String tcpA, String tcpB, long nobufsA, long nobufsB, long pauses, long carried,
                           IfCounters nicA, IfCounters nicB, SimNic.TxRingCounters ringA, SimNic.TxRingCounters ringB) {}

    private static Outcome transfer(long seed, LockMode mode) {
        byte[] up = TcpTwoHostsTest.pattern(UP, 3);
        byte[] down = TcpTwoHostsTest.pattern(1000, 4);
        Wire[] wire = new Wire[1];
        Outcome[] out = new Outcome[1];
        NicConfig nic = NicConfig.of(1).withRingSize(RING).withTxSoftQueue(RING);
        TcpSim.Result r = TcpSim.runLinked(seed, mode, nic, (na, nb) -> {
            wire[0] = Wire.connect(na, nb);
            return wire[0]::disconnect;
        }, (a, b, na, nb) -> {
            TcpSocket lis = b.openTcp().bind(new InetSocketAddress("10.0.0.2", 5001)).listen(1);
            TcpSim.transfer(a, lis, up, down);
            lis.close();
            TcpSim.sleep(61_000); // past TIME_WAIT
            out[0] = new Outcome(a.tcpStats().nonZero(), b.tcpStats().nonZero(), a.tcpStats().get(TcpStat.SNDNOBUFS),
                    b.tcpStats().get(TcpStat.SNDNOBUFS), wire[0].pauses(),
                    wire[0].carriedAtoB() + wire[0].carriedBtoA(), na.counters(), nb.counters(), na.txRingCounters(),
                    nb.txRingCounters());
            for (Stack h : new Stack[] {a, b}) {
                Map<TcpStat, Long> seen = new EnumMap<>(TcpStat.class);
                for (TcpStat st : NEVER) {
                    if (h.tcpStats().get(st) != 0) seen.put(st, h.tcpStats().get(st));
                }
                assertEquals(Map.of(), seen, h.name() + ": " + h.tcpStats().nonZero() + "; " + out[0]);
                assertTrue(h.tcpStats().get(TcpStat.SNDREXMITPACK) <= h.tcpStats().get(TcpStat.SNDNOBUFS),
                        h.name() + ": a retransmission that no ENOBUFS explains: " + h.tcpStats().nonZero());
            }
        });
        for (Stack h : new Stack[] {r.a(), r.b()}) {
            assertEquals(0, h.allocator().outstanding() + h.allocator().outstandingClusters(), h.name() + " mbufs");
        }
        return out[0];
    }

    @ParameterizedTest
    @EnumSource(LockMode.class)
    void aFullSpeedTransferOverSmallRingsDropsNothingAndRetransmitsNothing(LockMode mode) {
        Outcome o = transfer(7, mode);
        assertEquals(0, o.nicA().inDrops(), "a " + o.nicA());
        assertEquals(0, o.nicB().inDrops(), "b " + o.nicB());
        // every TX ring drop was a segment TCP heard about (ENOBUFS) and sent again
        assertEquals(o.nobufsA(), o.nicA().outDrops(), "a " + o);
        assertEquals(o.nobufsB(), o.nicB().outDrops(), "b " + o);
        // and every one found the software queue full, after packets had waited in it
        assertEquals(o.nobufsA(), o.ringA().softDrops(), "a " + o);
        assertEquals(o.nobufsB(), o.ringB().softDrops(), "b " + o);
        assertTrue(o.ringA().softQueued() > 0 && o.ringA().noDescriptors() > 0, "a " + o);
        assertTrue(o.nobufsA() > 0, "the sender's TX ring never filled: " + o);
        assertEquals(o.carried(), o.nicA().outPackets() + o.nicB().outPackets());
        assertEquals(o.nicA().outPackets(), o.nicB().inPackets());
        assertEquals(o.nicB().outPackets(), o.nicA().inPackets());
        assertTrue(o.pauses() > 0, "the rings never filled: " + o);
        assertEquals(o, transfer(7, mode), "the same seed, the same run");
    }
}
