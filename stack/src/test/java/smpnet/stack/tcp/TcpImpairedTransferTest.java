package smpnet.stack.tcp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.time.Duration;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import smpnet.stack.dev.ImpairedLink;
import smpnet.stack.dev.ImpairedLink.Impairments;
import smpnet.stack.locks.LockMode;
import smpnet.stack.socket.TcpSocket;
import smpnet.stack.stats.TcpStat;
import smpnet.witness.junit.WitnessExtension;

/**
 * Several megabytes each way over a link that loses, reorders and duplicates, deterministically from a seed
 * in every mode: every byte arrives once and in order, retransmission and SACK recovery happen (their
 * counters say so), and the link's own counters confirm it did impair.
 */
@ExtendWith(WitnessExtension.class)
class TcpImpairedTransferTest {
    private static final int BYTES = 3 * 1024 * 1024;

    @ParameterizedTest
    @EnumSource(LockMode.class)
    void megabytesArriveExactlyOverALossyReorderingDuplicatingLink(LockMode mode) {
        Impairments imp = Impairments.NONE.withLatency(Duration.ofMillis(2), Duration.ZERO)
                .withBandwidth(200_000_000L, 256).withLoss(0.01).withReorder(0.01, Duration.ofMillis(1))
                .withDuplicate(0.005);
        byte[] up = TcpTwoHostsTest.pattern(BYTES, 3);
        byte[] down = TcpTwoHostsTest.pattern(BYTES / 3, 4);
        long[] linkLost = new long[1];
        TcpSim.Result r = TcpSim.run(11, mode, imp, (a, b, link) -> {
            TcpSocket lis = b.openTcp().bind(new InetSocketAddress("10.0.0.2", 5001)).listen(1);
            TcpSim.transfer(a, lis, up, down);
            lis.close();
            ImpairedLink.Counters ab = link.counters(true);
            ImpairedLink.Counters ba = link.counters(false);
            linkLost[0] = ab.lost() + ba.lost();
            assertTrue(ab.lost() > 0 && ab.reordered() > 0 && ab.duplicated() > 0, ab.toString());
            TcpSim.sleep(61_000); // past TIME_WAIT: everything must be gone before the hosts close
            assertEquals(0, a.tcpResources().connections() + b.tcpResources().connections());
        });
        long rexmit = r.a().tcpStats().get(TcpStat.SNDREXMITPACK) + r.b().tcpStats().get(TcpStat.SNDREXMITPACK);
        assertTrue(rexmit >= linkLost[0] / 2, "retransmitted " + rexmit + " for " + linkLost[0] + " lost");
        assertTrue(r.a().tcpStats().get(TcpStat.SACK_RECOVERY_EPISODE) > 0, r.a().tcpStats().nonZero());
        assertEquals(BYTES, r.b().tcpStats().get(TcpStat.RCVBYTE));
    }
}
