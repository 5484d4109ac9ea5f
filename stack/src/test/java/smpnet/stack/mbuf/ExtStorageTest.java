package smpnet.stack.mbuf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static smpnet.stack.mbuf.Mbuf.M_NOWAIT;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** External storage: zero-copy regions shared by reference, one completion when the last reference drops. */
class ExtStorageTest {
    private final MbufAllocator alloc = MbufAllocator.create("ext");

    @Test
    void completionRunsOnceWhenTheLastSliceIsFreed() {
        byte[] file = MbufOpsTest.seq(10_000);
        List<String> events = new ArrayList<>();
        Mbuf whole = alloc.getExternal(MemorySegment.ofArray(file), true, () -> events.add("region free"), M_NOWAIT);
        // A sender slices the region into segments without copying a byte.
        Mbuf seg1 = whole.copyRange(0, 1460, M_NOWAIT);
        Mbuf seg2 = whole.copyRange(1460, 1460, M_NOWAIT);
        Mbuf rest = whole.split(2920, M_NOWAIT);
        assertEquals(4, whole.ext().refCount());
        whole.free();
        seg1.freeChain();
        events.add("segments sent");
        assertArrayEquals(MbufOpsTest.range(file, 1460, 2920), seg2.toBytes());
        seg2.freeChain();
        assertEquals(List.of("segments sent"), events, "rest still references the region");
        assertArrayEquals(MbufOpsTest.range(file, 2920, 10_000), rest.toBytes());
        rest.freeChain();
        assertEquals(List.of("segments sent", "region free"), events);
        assertEquals(0, alloc.outstanding());
    }

    @Test
    void clusterReturnsToItsZoneWithTheLastReference() {
        Mbuf m = alloc.getCluster(M_NOWAIT);
        m.setLen(100);
        Mbuf c = m.copyRange(10, 20, M_NOWAIT);
        ExtStorage e = m.ext();
        m.free();
        assertEquals(1, alloc.outstandingClusters());
        assertEquals(1, e.refCount());
        c.free();
        assertEquals(0, e.refCount());
        assertEquals(0, alloc.outstandingClusters());
        assertEquals("cluster#0.1 refs 0", e.toString());
    }

    @Test
    void callerRegionIsWritableWhileUnshared() {
        byte[] region = new byte[16];
        int[] done = {0};
        Mbuf m = alloc.getExternal(MemorySegment.ofArray(region), false, () -> done[0]++, M_NOWAIT);
        m.putU32(4, 0xdeadbeef);
        assertEquals((byte) 0xde, region[4]);
        Mbuf c = m.copyRange(0, 16, M_NOWAIT);
        assertThrows(MbufMisuseException.class, () -> m.putU8(0, 1), "shared: read-only");
        c.free();
        m.free();
        assertEquals(1, done[0]);
    }
}
