package smpnet.stack.tcp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.time.Duration;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import smpnet.stack.Stack;
import smpnet.stack.StackConfig;
import smpnet.stack.dev.NicConfig;
import smpnet.stack.dev.SimNic;
import smpnet.stack.dev.Wire;
import smpnet.stack.locks.LockMode;
import smpnet.stack.mbuf.MbufStats;
import smpnet.stack.mbuf.MbufTransfer;
import smpnet.stack.socket.TcpSocket;
import smpnet.stack.stats.ArpStat;
import smpnet.stack.stats.TcpStat;
import smpnet.witness.junit.WitnessExtension;

/**
 * A bulk transfer over a wire that hands frames over by reference ({@link MbufTransfer#HANDOFF}, as the TCP
 * benchmarks' wire) against one that copies them ({@link MbufTransfer#COPY}): every byte arrives, each host's
 * allocator counts exactly the mbufs and clusters that host made, and none is left in use by either.
 */
@ExtendWith(WitnessExtension.class)
class TcpHandoffWireTest {
    private static final int BYTES = 300_000;

    @ParameterizedTest
    @EnumSource(value = MbufTransfer.class)
    void theReceiverAllocatesNothingForAFrameHandedOver(MbufTransfer transfer) throws Exception {
        Stack a = Stack.create(StackConfig.defaults("a").withMode(LockMode.FINE));
        Stack b = Stack.create(StackConfig.defaults("b").withMode(LockMode.FINE));
        try {
            SimNic na = a.addNic("em0", "10.0.0.1/24", NicConfig.of(1));
            SimNic nb = b.addNic("em0", "10.0.0.2/24", NicConfig.of(1));
            Wire wire = Wire.connect(na, nb, transfer);
            a.start();
            b.start();
            byte[] up = TcpTwoHostsTest.pattern(BYTES, 3);
            TcpSocket lis = b.openTcp().bind(new InetSocketAddress("10.0.0.2", 80)).listen(5);
            lis.setReceiveTimeout(Duration.ofSeconds(20));
            TcpSocket c = a.openTcp().setReceiveTimeout(Duration.ofSeconds(20));
            c.connect(new InetSocketAddress("10.0.0.2", 80));
            TcpSocket s = lis.accept().setReceiveTimeout(Duration.ofSeconds(20));
            Thread writer = new Thread(() -> {
                try {
                    assertEquals(up.length, c.write(up));
                    c.close();
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            });
            writer.start();
            assertArrayEquals(up, TcpTwoHostsTest.readAll(s, up.length));
            writer.join();
            s.close();
            lis.close();
            for (int i = 0; i < 3; i++) {
                a.quiesce();
                b.quiesce();
            }
            MbufStats ma = a.allocator().stats();
            MbufStats mb = b.allocator().stats();
            long dataSegments = a.tcpStats().get(TcpStat.SNDPACK) + a.tcpStats().get(TcpStat.SNDREXMITPACK);
            // Every frame a host sends is one mbuf, headers prepended into its leading space. A data segment's
            // has a cluster, unless it is short enough for the mbuf itself (a window probe of one byte, which
            // a slow reader may cause); what else either host sends (SYN, ACKs, FINs, ARP) has none.
            long clustersOfA = ma.clusters().allocs();
            assertTrue(clustersOfA >= (BYTES + 1459) / 1460 && clustersOfA <= dataSegments, ma + " " + a.tcpStats().nonZero());
            long framesFromB = b.tcpStats().get(TcpStat.SNDTOTAL) + arpSent(b);
            long framesFromA = a.tcpStats().get(TcpStat.SNDTOTAL) + arpSent(a);
            assertEquals(framesFromA, wire.carriedAtoB());
            assertEquals(framesFromB, wire.carriedBtoA());
            if (transfer == MbufTransfer.HANDOFF) {
                // The frames arrive in their sender's memory: the receiver allocated nothing for them.
                assertEquals(0, mb.clusters().allocs(), mb.toString());
                assertEquals(framesFromB, mb.mbufs().allocs(), mb.toString());
                assertEquals(framesFromA, ma.mbufs().allocs(), ma.toString());
            } else {
                // A copy into the receiver's memory: an mbuf for every frame, a cluster for every frame with
                // one (its segments are full-sized, the stream's tail, or a byte: far from either threshold).
                assertEquals(clustersOfA, mb.clusters().allocs(), mb.toString());
                assertEquals(framesFromB + framesFromA, mb.mbufs().allocs(), mb.toString());
                assertEquals(framesFromA + framesFromB, ma.mbufs().allocs(), ma.toString());
            }
            for (MbufStats m : new MbufStats[] {ma, mb}) {
                assertEquals(0, m.mbufs().inUse(), m.toString());
                assertEquals(0, m.clusters().inUse(), m.toString());
                assertEquals(m.mbufs().allocs(), m.mbufs().frees(), m.toString());
                assertEquals(m.clusters().allocs(), m.clusters().frees(), m.toString());
            }
        } finally {
            a.close();
            b.close();
        }
    }

    private static long arpSent(Stack s) {
        return s.arpStats().get(ArpStat.REQUESTS_SENT) + s.arpStats().get(ArpStat.REPLIES_SENT);
    }
}
