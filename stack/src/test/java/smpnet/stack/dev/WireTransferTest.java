package smpnet.stack.dev;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import smpnet.stack.locks.LockMode;
import smpnet.stack.mbuf.Mbuf;
import smpnet.stack.mbuf.MbufAllocator;
import smpnet.stack.mbuf.MbufLeakExtension;
import smpnet.stack.mbuf.MbufTransfer;
import smpnet.stack.mbuf.PacketHeader;
import smpnet.witness.junit.WitnessExtension;

/**
 * What a frame is on the far side of a {@link Wire}, by copy and by hand-off: the receiving NIC starts its
 * packet header afresh (no checksum flag, checksum datum, TSO segment size or LRO count the sender's header
 * carried survives), a handed-off frame is the sender's own memory and goes back to the sender's allocator
 * when the receiver frees it, a copied one is the receiver's, and each allocator ends with nothing in use.
 */
@ExtendWith({WitnessExtension.class, MbufLeakExtension.class})
class WireTransferTest {
    private static final int FRAMES = 10;

    @ParameterizedTest
    @EnumSource(MbufTransfer.class)
    void theReceiverScrubsTheSendersHeaderAndFreesIntoTheRightAllocator(MbufTransfer transfer) throws Exception {
        TestHost a = new TestHost("a", 1, LockMode.FINE, NicConfig.of(1));
        TestHost b = new TestHost("b", 2, LockMode.FINE, NicConfig.of(1));
        Wire w = Wire.connect(a.nic, b.nic, transfer);
        List<String> headers = Collections.synchronizedList(new ArrayList<>());
        List<MbufAllocator> memory = Collections.synchronizedList(new ArrayList<>());
        b.handler = m -> {
            PacketHeader h = m.pkthdr();
            headers.add(h.csumFlags() + "/" + h.csumData() + "/" + h.tsoSegsz() + "/" + h.lroNsegs());
            memory.add(m.allocator());
            m.freeChain();
        };
        a.nic.start();
        b.nic.start();
        for (int i = 0; i < FRAMES; i++) {
            Mbuf f = a.udp(b.nic.mac(), 0, i, 8);
            // What a sending stack may leave in the header: checksum offload requests, a TSO segment size,
            // results a receiving NIC reports, LRO's count. None of it is the receiving host's to believe.
            f.pkthdr().setCsumFlags(PacketHeader.CSUM_IP | PacketHeader.CSUM_UDP | PacketHeader.CSUM_IP_CHECKED | PacketHeader.CSUM_IP_VALID | PacketHeader.CSUM_DATA_VALID
                            | PacketHeader.CSUM_PSEUDO_HDR)
                    .setCsumData(0xffff).setTsoSegsz(1448).setLroNsegs(3);
            assertTrue(a.nic.transmit(f));
        }
        a.nic.awaitTransmitted();
        b.nic.awaitReceived();
        a.nic.stop();
        b.nic.stop();
        assertEquals(Collections.nCopies(FRAMES, "0/0/0/0"), headers);
        MbufAllocator expected = transfer == MbufTransfer.HANDOFF ? a.alloc : b.alloc;
        assertEquals(FRAMES, memory.size());
        for (MbufAllocator m : memory) assertSame(expected, m);
        assertEquals(FRAMES, w.carriedAtoB());
        assertEquals(0, w.copyFailures());
        // Each host's allocator counts what it allocated, wherever it was freed: a hand-off allocates nothing
        // on the receiver, a copy one mbuf per frame there; nothing is left in use on either side.
        assertEquals(FRAMES, a.alloc.stats().mbufs().allocs());
        assertEquals(transfer == MbufTransfer.HANDOFF ? 0 : FRAMES, b.alloc.stats().mbufs().allocs());
        for (MbufAllocator m : new MbufAllocator[] {a.alloc, b.alloc}) {
            assertEquals(0, m.stats().mbufs().inUse(), m.stats().toString());
            assertEquals(m.stats().mbufs().allocs(), m.stats().mbufs().frees(), m.stats().toString());
        }
    }
}
