package smpnet.stack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import java.util.stream.Stream;
import smpnet.stack.locks.LockMode;
import smpnet.stack.mbuf.Mbuf;
import smpnet.stack.dev.NicConfig;
import smpnet.stack.dev.SimNic;
import smpnet.stack.netisr.DispatchPolicy;
import smpnet.stack.netisr.NetisrConfig;
import smpnet.stack.netisr.PlacementPolicy;
import smpnet.stack.socket.UdpSocket;
import smpnet.stack.testing.Frames;
import smpnet.witness.junit.WitnessExtension;
import smpnet.stack.internal.wire.EthernetHeader;

/**
 * End to end ordering: many sources (RX queues of one NIC) and many flows flood a host through two netisr
 * workers, in both locking modes and every dispatch; at the socket, datagrams of one source (source
 * placement) or of one flow (flow placement) arrive in the order they entered the NIC.
 */
@ExtendWith(WitnessExtension.class)
class DeliveryOrderTest {
    private static final int QUEUES = 4;
    private static final int FLOWS = 8;
    private static final int PER_QUEUE = 500;
    private static final int US = 0x0a000002;
    private static final int PEER = 0x0a000001;

    static Stream<Arguments> runs() {
        Stream.Builder<Arguments> b = Stream.builder();
        for (LockMode m : new LockMode[] {LockMode.GIANT, LockMode.FINE}) {
            for (DispatchPolicy d : DispatchPolicy.values()) {
                for (PlacementPolicy p : new PlacementPolicy[] {PlacementPolicy.SOURCE, PlacementPolicy.FLOW}) {
                    b.add(Arguments.of(m, d, p));
                }
            }
        }
        return b.build();
    }

    @ParameterizedTest(name = "{0} {1} {2}")
    @MethodSource("runs")
    void orderHoldsAtTheSocket(LockMode mode, DispatchPolicy dispatch, PlacementPolicy placement) throws Exception {
        int total = QUEUES * PER_QUEUE;
        try (Hosts h = new Hosts()) {
            Stack host = h.host(StackConfig.defaults("rx").withMode(mode)
                    .withNetisr(NetisrConfig.of(2, dispatch, placement).withQueueLimit(total)));
            SimNic nic = host.addNic("em0", "10.0.0.2/24", NicConfig.of(QUEUES).withRingSize(total));
            h.start();
            host.sysctl("kern.ipc.maxsockbuf", 64 << 20); // a buffer that holds every datagram of the run
            try (UdpSocket rx = host.openUdp().bind(5000).setReceiveBuffer(64 << 20, 1)
                    .setReceiveTimeout(Duration.ofSeconds(30))) {
                int[] seqOfSource = new int[QUEUES];
                int[] seqOfFlow = new int[FLOWS];
                for (int i = 0; i < total; i++) {
                    int flow = i % FLOWS;
                    int queue = flow % QUEUES;
                    byte[] data = ByteBuffer.allocate(12).putInt(queue).putInt(flow)
                            .putInt(placement == PlacementPolicy.SOURCE ? seqOfSource[queue]++ : seqOfFlow[flow]++).array();
                    byte[] frame = Frames.ether(nic.mac().bits(), 0x020000000099L, EthernetHeader.TYPE_IPV4,
                            Frames.ipv4(PEER, US, 17, 64, 0, i, Frames.udp(PEER, US, 10000 + flow, 5000, data)));
                    Mbuf m = host.allocator().fromBytes(frame, 0, frame.length, Mbuf.M_WAIT);
                    // Source placement: the test picks each source's ring. Flow placement: RSS does, per flow.
                    assertTrue(placement == PlacementPolicy.SOURCE ? nic.receiveOnQueue(queue, m) : nic.receive(m));
                }
                Map<Integer, Integer> last = new HashMap<>();
                byte[] buf = new byte[12];
                for (int i = 0; i < total; i++) {
                    assertEquals(12, rx.receive(buf));
                    ByteBuffer bb = ByteBuffer.wrap(buf);
                    int source = bb.getInt();
                    int flow = bb.getInt();
                    int seq = bb.getInt();
                    int key = placement == PlacementPolicy.SOURCE ? source : flow;
                    int expected = last.merge(key, 0, (old, zero) -> old + 1);
                    assertEquals(expected, seq, placement + " order broken for " + key);
                }
            }
            h.settle();
            assertEquals(total, host.udpStats().get(smpnet.stack.stats.UdpStat.DELIVERED));
        }
    }
}
