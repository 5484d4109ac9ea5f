package smpnet.stack.tcp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.Map;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import smpnet.stack.Stack;
import smpnet.stack.dev.SimNic;
import smpnet.stack.locks.LockMode;
import smpnet.stack.socket.TcpSocket;
import smpnet.stack.stats.TcpStat;
import smpnet.witness.junit.WitnessExtension;

/**
 * A connection between two hosts whose NICs have two transmit queues (and two RX queues, two netisr
 * workers): every segment of the connection carries the pcb's flow hash, so each host sends all of them on
 * one queue, in the order TCP produced them. Without it a segment sent by the writer and one sent from the
 * ithread that processed an ACK take different queues and overtake each other on the wire, which the
 * receiver sees as out-of-order and duplicate segments, PAWS drops and SACK recoveries on a lossless link.
 */
@ExtendWith(WitnessExtension.class)
class TcpFlowQueueTest {
    private static final int UP = 1024 * 1024;
    private static final int DOWN = 256 * 1024;
    /** What a lossless, order-keeping link must never cause. */
    private static final TcpStat[] NEVER = {TcpStat.RCVOOPACK, TcpStat.RCVDUPPACK, TcpStat.PAWSDROP,
            TcpStat.SNDREXMITPACK, TcpStat.SACK_RECOVERY_EPISODE, TcpStat.RCVDUPACK};

    @ParameterizedTest
    @EnumSource(LockMode.class)
    void oneConnectionLeavesOnOneTransmitQueueInOrder(LockMode mode) {
        byte[] up = TcpTwoHostsTest.pattern(UP, 5);
        byte[] down = TcpTwoHostsTest.pattern(DOWN, 6);
        TcpSim.runWithNics(21, mode, TcpSim.CLEAN, 2, (a, b, na, nb) -> {
            TcpSocket lis = b.openTcp().bind(new InetSocketAddress("10.0.0.2", 5001)).listen(1);
            // A first connection resolves ARP both ways: the frames counted below are the second one's only.
            TcpSocket warm = a.openTcp();
            warm.connect(new InetSocketAddress("10.0.0.2", 5001));
            TcpSocket warmPeer = lis.accept();
            warm.close();
            warmPeer.close();
            TcpSim.sleep(1_000);
            long[] txA = txPackets(na);
            long[] txB = txPackets(nb);
            long sentA = a.tcpStats().get(TcpStat.SNDTOTAL);
            long sentB = b.tcpStats().get(TcpStat.SNDTOTAL);
            Map<TcpStat, Long> neverA = never(a);
            Map<TcpStat, Long> neverB = never(b);

            TcpSim.transfer(a, lis, up, down);
            lis.close();
            TcpSim.sleep(61_000); // past TIME_WAIT: the connection's last segment has been sent
            assertOneQueue("a", a.tcpStats().get(TcpStat.SNDTOTAL) - sentA, txA, txPackets(na));
            assertOneQueue("b", b.tcpStats().get(TcpStat.SNDTOTAL) - sentB, txB, txPackets(nb));
            assertEquals(neverA, never(a), "a: " + a.tcpStats().nonZero());
            assertEquals(neverB, never(b), "b: " + b.tcpStats().nonZero());
        });
    }

    private static Map<TcpStat, Long> never(Stack h) {
        Map<TcpStat, Long> seen = new EnumMap<>(TcpStat.class);
        for (TcpStat st : NEVER) seen.put(st, h.tcpStats().get(st));
        return seen;
    }

    private static long[] txPackets(SimNic nic) {
        long[] n = new long[nic.txQueueCount()];
        for (int q = 0; q < n.length; q++) n[q] = nic.txCounters(q).outPackets();
        return n;
    }

    /** Every segment the host sent went out on one queue: one queue's count grew by {@code sent}, the other's not. */
    private static void assertOneQueue(String host, long sent, long[] before, long[] after) {
        long[] grew = new long[after.length];
        for (int q = 0; q < grew.length; q++) grew[q] = after[q] - before[q];
        long[] sorted = grew.clone();
        Arrays.sort(sorted);
        assertArrayEquals(new long[] {0, sent}, sorted, host + " sent " + sent + " segments; per TX queue " + Arrays.toString(grew));
    }
}
