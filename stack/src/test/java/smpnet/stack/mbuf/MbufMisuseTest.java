package smpnet.stack.mbuf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static smpnet.stack.mbuf.Mbuf.M_NOWAIT;

import java.lang.foreign.MemorySegment;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Misuse is caught with a message naming the mbuf and where it was allocated and freed. */
class MbufMisuseTest {
    private static final String SELF = MbufMisuseTest.class.getName();
    private final MbufAllocator alloc = MbufAllocator.create("misuse");

    @AfterEach
    void nothingOutstanding() {
        assertEquals(0, alloc.outstanding(), () -> String.join("\n", alloc.outstandingReport()));
    }

    /** The line of the caller, so expected messages can name exact sites. */
    private static int line() {
        return StackWalker.getInstance().walk(s -> s.skip(1).findFirst().orElseThrow().getLineNumber());
    }

    private static String site(String method, int line) {
        return SELF + "." + method + "(MbufMisuseTest.java:" + line + ")";
    }

    @Test
    void useAfterFreeNamesAllocationAndFreeSites() {
        int allocLine = line() + 1;
        Mbuf m = alloc.getHeader(M_NOWAIT);
        int freeLine = line() + 1;
        m.free();
        MbufMisuseException e = assertThrows(MbufMisuseException.class, () -> m.getU8(0));
        String method = "useAfterFreeNamesAllocationAndFreeSites";
        assertEquals("use after free: mbuf#0.1 pkthdr len 0 allocated at " + site(method, allocLine)
                + ", freed at " + site(method, freeLine), e.getMessage());
        assertEquals("mbuf#0.1", e.mbufName());
        assertThrows(MbufMisuseException.class, m::next);
        assertThrows(MbufMisuseException.class, () -> m.copyRange(0, 0, M_NOWAIT));
    }

    @Test
    void doubleFreeIsCaught() {
        Mbuf m = alloc.get(M_NOWAIT);
        m.free();
        MbufMisuseException e = assertThrows(MbufMisuseException.class, m::free);
        assertEquals("double free", e.getMessage().substring(0, e.getMessage().indexOf(':')));
        assertEquals(0, alloc.stats().mbufs().inUse(), "the first free counted once");
        assertEquals(1, alloc.stats().mbufs().frees());
    }

    @Test
    void writeIntoSharedClusterIsCaught() {
        Mbuf m = alloc.fromBytes(new byte[1000], 0, 1000, M_NOWAIT);
        Mbuf c = m.copyRange(0, 100, M_NOWAIT);
        MbufMisuseException e = assertThrows(MbufMisuseException.class, () -> c.putU16(0, 1));
        assertEquals("write into shared read-only storage: " + c.name() + " pkthdr ext cluster#0.1 len 100 allocated at ",
                e.getMessage().substring(0, e.getMessage().indexOf(" allocated at ") + 14));
        assertThrows(MbufMisuseException.class, () -> m.putBytes(0, new byte[4], 0, 4), "the original is shared too");
        c.freeChain();
        m.putU16(0, 0xbeef);
        assertEquals(0xbeef, m.getU16(0), "writable again once it is the only reference");
        m.freeChain();
    }

    @Test
    void readOnlyRegionCannotBeWrittenAndDataViewIsReadOnly() {
        int[] completions = {0};
        Mbuf m = alloc.getExternal(MemorySegment.ofArray(new byte[64]), true, () -> completions[0]++, M_NOWAIT);
        assertThrows(MbufMisuseException.class, () -> m.putU8(0, 1));
        assertEquals(true, m.data().isReadOnly());
        m.free();
        assertEquals(1, completions[0]);
    }

    @Test
    void lengthBeyondTheChainIsCaught() {
        Mbuf m = alloc.fromBytes(new byte[300], 0, 300, M_NOWAIT);
        MbufMisuseException e = assertThrows(MbufMisuseException.class, () -> m.copyData(200, 101, new byte[101], 0));
        assertEquals("copy out of 101 bytes at 200 beyond chain length 300",
                e.getMessage().substring(0, e.getMessage().indexOf(':')));
        assertThrows(MbufMisuseException.class, () -> m.copyRange(100, 201, M_NOWAIT));
        assertThrows(MbufMisuseException.class, () -> m.copyRange(301, 0, M_NOWAIT));
        assertThrows(MbufMisuseException.class, () -> m.split(301, M_NOWAIT));
        assertThrows(MbufMisuseException.class, () -> m.getU32(m.len() - 3));
        assertThrows(MbufMisuseException.class, () -> m.setLen(Mbuf.MCLBYTES + 1));
        assertThrows(MbufMisuseException.class, () -> m.prepend(Mbuf.MHLEN + 1, M_NOWAIT));
        assertEquals(1, alloc.outstanding(), "a failed copy frees what it had built");
        m.freeChain();
    }

    @Test
    void wrongPacketLengthFailsSanity() {
        Mbuf m = alloc.fromBytes(new byte[10], 0, 10, M_NOWAIT);
        m.pkthdr().setPktLen(11);
        MbufMisuseException e = assertThrows(MbufMisuseException.class, m::sanity);
        assertEquals("pktLen 11 but chain holds 10", e.getMessage().substring(0, e.getMessage().indexOf(':')));
        m.freeChain();
    }

    @Test
    void untrackedAllocatorSaysHowToTrack() {
        MbufAllocator quiet = new MbufAllocator(MbufAllocator.Config.defaults("quiet").withTracking(false));
        Mbuf m = quiet.get(M_NOWAIT);
        m.free();
        MbufMisuseException e = assertThrows(MbufMisuseException.class, m::free);
        assertEquals("double free: mbuf#0.1 len 0 (allocation site not tracked: -Dsmpnet.mbuf.track=on)", e.getMessage());
        assertEquals(0, quiet.outstanding());
    }
}
