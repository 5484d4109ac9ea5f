package smpnet.stack.internal.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import smpnet.stack.mbuf.Mbuf;
import smpnet.stack.mbuf.MbufAllocator;
import smpnet.stack.mbuf.MbufLeakExtension;
import smpnet.stack.stats.Counters;
import smpnet.stack.stats.TcpStat;

/** tcp_output's fit of a TSO payload chain to the interface's DMA segment count and size, and the trim. */
@ExtendWith(MbufLeakExtension.class)
class TcpTsoFitTest {
    private final MbufAllocator alloc = MbufAllocator.create("tso-fit");

    /** A chain of mbufs of the given lengths (clusters over MLEN bytes). */
    private Mbuf chain(int... lens) {
        Mbuf head = null;
        Mbuf tail = null;
        for (int n : lens) {
            Mbuf m = n > Mbuf.MLEN ? alloc.getCluster(Mbuf.M_WAIT) : alloc.get(Mbuf.M_WAIT);
            m.setLen(n);
            if (head == null) head = m; else tail.setNext(m);
            tail = m;
        }
        return head;
    }

    @Test
    void bytesThatFitCountEachMbufsSegmentsAsFreeBsdDoes() {
        Mbuf c = chain(2048, 2048, 2048, 100);
        assertEquals(6244, TcpTso.bytesThatFit(c, 4, 2048), "4 mbufs, 4 segments");
        assertEquals(6144, TcpTso.bytesThatFit(c, 3, 2048), "the third mbuf uses the last segment");
        assertEquals(4096, TcpTso.bytesThatFit(c, 2, 2048));
        assertEquals(0, TcpTso.bytesThatFit(c, 0, 2048), "no segment left after the header's");
        // segments of 1,024 bytes: each cluster makes two; the fourth segment takes half of the second cluster
        assertEquals(3072, TcpTso.bytesThatFit(c, 3, 1024));
        assertEquals(6244, TcpTso.bytesThatFit(c, -1, 2048), "no count limit");
        c.freeChain();
    }

    @Test
    void trimCutsTheTailAndTakesCopiedBytesBackOutOfTheCounters() {
        Mbuf c = chain(2048, 2048, 100);
        Counters<TcpStat> stats = new Counters<>("tcp", TcpStat.class);
        TcpTso.trim(c, 4196, 2896, stats);
        assertEquals(2896, c.length());
        assertEquals(848, c.next().len());
        assertEquals(null, c.next().next());
        assertEquals(-1300, stats.get(TcpStat.SNDBYTE_COPIED), "writable mbufs held copied bytes");
        assertEquals(0, stats.get(TcpStat.SNDBYTE_BYREF));
        c.freeChain();
    }
}
