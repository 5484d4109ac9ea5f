package smpnet.sim.traffic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import smpnet.stack.locks.LockMode;
import smpnet.stack.mbuf.MbufLeakExtension;
import smpnet.witness.junit.WitnessExtension;
import smpnet.stack.dev.NicConfig;
import smpnet.stack.dev.PcapTsharkTest;
import smpnet.stack.dev.TestHost;
import smpnet.stack.internal.net.PcapWriter;
import smpnet.stack.net.IfAddress;
import smpnet.stack.net.MacAddress;

/** The pkt-gen style generator: every queue's ithread synthesises its own flows, in order, with valid checksums. */
@ExtendWith({WitnessExtension.class, MbufLeakExtension.class})
class UdpFlowGeneratorTest {
    @TempDir Path dir;

    @Test
    void generatorQueuesDeliverTheirFlowsInOrderWithValidChecksums() throws Exception {
        TestHost h = new TestHost("gen", 1, LockMode.FINE, NicConfig.of(2));
        UdpFlowGenerator.Spec spec = new UdpFlowGenerator.Spec(h.nic.mac(), MacAddress.local(9),
                IfAddress.parseIpv4("10.0.0.2"), IfAddress.parseIpv4("10.0.0.1"), 50000, 7777, 16, 64, 100);
        UdpFlowGenerator gen = new UdpFlowGenerator(spec, h.nic);
        assertEquals(16, gen.flowsOn(0) + gen.flowsOn(1));
        assertTrue(gen.flowsOn(0) > 0 && gen.flowsOn(1) > 0, "RSS spreads 16 flows over both queues");
        h.nic.setGenerator(0, gen);
        h.nic.setGenerator(1, gen);
        Path file = dir.resolve("gen.pcap");
        try (PcapWriter w = PcapWriter.create(file, PcapWriter.LINKTYPE_ETHERNET)) {
            h.nic.setCapture(w);
            h.nic.start();
            h.nic.awaitGenerator(0);
            h.nic.awaitGenerator(1);
            h.nic.stop();
        }
        assertEquals(200, h.seen.size());
        assertEquals(100, gen.generated(0));
        assertEquals(100, gen.generated(1));
        assertEquals(100, h.nic.rxCounters(0).inPackets());
        assertEquals(100 * (UdpFlowGenerator.HEADERS + 64), h.nic.rxCounters(1).inBytes());
        Map<Integer, Integer> next = new HashMap<>();
        for (TestHost.Seen s : h.seen) {
            int expected = next.getOrDefault(s.flow(), 0);
            assertEquals(expected, s.seq(), "flow " + s.flow());
            next.put(s.flow(), expected + 1);
            int hash = h.nic.rss().hashIpv4(spec.srcIp(), spec.dstIp(), 50000 + s.flow(), 7777);
            assertEquals(hash, s.flowId());
            assertEquals(h.nic.sourceId(h.nic.rss().queueOf(hash)), s.sourceId());
        }
        PcapTsharkTest.assertTsharkClean(file, 200);
    }
}
