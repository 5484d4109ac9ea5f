package smpnet.sim.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.foreign.MemorySegment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import smpnet.stack.mbuf.Mbuf;
import smpnet.stack.mbuf.MbufAllocator;
import smpnet.stack.mbuf.MbufLeakExtension;
import smpnet.stack.net.MacAddress;
import smpnet.stack.internal.wire.Checksum;

@ExtendWith(MbufLeakExtension.class)
class FlowFramesTest {
    private static final int SRC = 0x0a01_0001;
    private static final int DST = 0x0a01_0002;

    private final FlowFrames frames = new FlowFrames(MacAddress.local(2), MacAddress.local(1), SRC, DST,
            new int[] {1000, 1001}, new int[] {2000, 2001}, new int[] {0x1234, 0x5678}, 16);
    private final MbufAllocator alloc = MbufAllocator.create("frames-test");

    private byte[] bytes(Mbuf m) {
        byte[] b = new byte[m.len()];
        m.getBytes(0, b, 0, b.length);
        return b;
    }

    @Test
    void exactFrameOfFlowOne() {
        Mbuf m = frames.frame(alloc, 1, 0x0102_0304_0506_0708L);
        try {
            assertEquals(58, m.pktLen());
            assertEquals(0x5678, m.pkthdr().flowId());
            byte[] b = bytes(m);
            byte[] head = {2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1, 8, 0, // Ethernet
                0x45, 0, 0, 44, 0, 1, 0x40, 0, 64, 17, 0, 0, 10, 1, 0, 1, 10, 1, 0, 2, // IPv4, checksum zeroed
                0x03, (byte) 0xe9, 0x07, (byte) 0xd1, 0, 24}; // UDP ports and length
            byte[] got = java.util.Arrays.copyOf(b, head.length);
            got[24] = 0;
            got[25] = 0;
            assertArrayEquals(head, got);
            assertArrayEquals(new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 0, 0, 0, 1, 0, 0, 0, 0},
                    java.util.Arrays.copyOfRange(b, 42, 58));
        } finally {
            m.freeChain();
        }
    }

    @Test
    void checksumsVerifyForAnySendTime() {
        long[] times = {0, 1, 0xffff_ffff_ffff_ffffL, 0x8000_0000_0000_0000L, 123_456_789_012_345L, 0xfffeL};
        for (long t : times) {
            for (int f = 0; f < 2; f++) {
                Mbuf m = frames.frame(alloc, f, t);
                MemorySegment s = MemorySegment.ofArray(bytes(m));
                m.freeChain();
                assertEquals(0, Checksum.of(s, 14, 20), "IPv4 header checksum, time " + t);
                int udp = new Checksum().addPseudoHeader(SRC, DST, 17, 24).add(s, 34, 24).finish();
                assertEquals(0, udp, "UDP checksum, flow " + f + ", time " + t);
                assertEquals(t, FlowFrames.sentNanos(java.util.Arrays.copyOfRange(s.toArray(
                        java.lang.foreign.ValueLayout.JAVA_BYTE), 42, 58)));
            }
        }
    }
}
