package smpnet.stack.mbuf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static smpnet.stack.mbuf.Mbuf.M_NOWAIT;

import java.util.Arrays;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Every mbuf operation, with exact bytes, lengths and reference counts. */
class MbufOpsTest {
    private final MbufAllocator alloc = MbufAllocator.create("ops");

    @AfterEach
    void nothingOutstanding() {
        assertEquals(0, alloc.outstanding(), () -> String.join("\n", alloc.outstandingReport()));
        assertEquals(0, alloc.outstandingClusters());
    }

    static byte[] seq(int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) b[i] = (byte) (i * 7 + 3);
        return b;
    }

    static byte[] range(byte[] b, int from, int to) { return Arrays.copyOfRange(b, from, to); }

    /** Builds a chain of the given segment sizes (small ones internal, large ones in clusters). */
    private Mbuf chain(byte[] data, int... sizes) {
        Mbuf head = null;
        Mbuf tail = null;
        int at = 0;
        for (int s : sizes) {
            Mbuf m = s > (head == null ? Mbuf.MHLEN : Mbuf.MLEN)
                    ? (head == null ? alloc.getHeaderCluster(M_NOWAIT) : alloc.getCluster(M_NOWAIT))
                    : (head == null ? alloc.getHeader(M_NOWAIT) : alloc.get(M_NOWAIT));
            m.setLen(s);
            m.putBytes(0, data, at, s);
            at += s;
            if (head == null) head = m; else tail.setNext(m);
            tail = m;
        }
        head.pkthdr().setPktLen(at);
        return head;
    }

    private static int count(Mbuf m) {
        int n = 0;
        for (; m != null; m = m.next()) n++;
        return n;
    }

    @Test
    void getGivesEmptyMbufsOfFreeBsdSizes() {
        Mbuf m = alloc.get(M_NOWAIT);
        Mbuf h = alloc.getHeader(M_NOWAIT);
        Mbuf c = alloc.getHeaderCluster(M_NOWAIT);
        assertEquals(0, m.len());
        assertEquals(Mbuf.MLEN, m.trailingSpace());
        assertFalse(m.hasPkthdr());
        assertEquals(Mbuf.MHLEN, h.trailingSpace());
        assertEquals(0, h.pktLen());
        assertTrue(c.isExternal());
        assertEquals(Mbuf.MCLBYTES, c.trailingSpace());
        assertEquals(1, c.ext().refCount());
        assertEquals(3, alloc.outstanding());
        m.free();
        h.free();
        c.free();
    }

    @Test
    void bigEndianAccessorsReadAndWriteNetworkOrder() {
        Mbuf m = alloc.getHeader(M_NOWAIT);
        m.setLen(8);
        m.putU8(0, 0x45);
        m.putU8(1, 0x1ff);
        m.putU16(2, 0xabcd);
        m.putU32(4, 0xc0a80001);
        byte[] out = new byte[8];
        m.getBytes(0, out, 0, 8);
        assertArrayEquals(new byte[] {0x45, (byte) 0xff, (byte) 0xab, (byte) 0xcd, (byte) 0xc0, (byte) 0xa8, 0, 1}, out);
        assertEquals(0x45, m.getU8(0));
        assertEquals(0xabcd, m.getU16(2));
        assertEquals(0xc0a80001, m.getU32(4));
        assertEquals(8, m.data().byteSize());
        m.free();
    }

    @Test
    void fromBytesBuildsClustersForLargeDataAndToBytesReadsThemBack() {
        byte[] data = seq(5000);
        Mbuf m = alloc.fromBytes(data, 0, 5000, 16, M_NOWAIT);
        assertEquals(5000, m.pktLen());
        assertEquals(5000, m.length());
        assertEquals(3, count(m), "2048-16 + 2048 + 920 bytes");
        assertEquals(2032, m.len());
        assertEquals(16, m.leadingSpace());
        assertArrayEquals(data, m.toBytes());
        m.sanity();
        m.freeChain();
        Mbuf small = alloc.fromBytes(data, 10, 100, M_NOWAIT);
        assertFalse(small.isExternal());
        assertArrayEquals(range(data, 10, 110), small.toBytes());
        small.freeChain();
    }

    @Test
    void pullupMakesHeaderContiguousAcrossManyMbufs() {
        byte[] data = seq(60);
        Mbuf m = chain(data, 10, 10, 10, 30);
        Mbuf p = m.pullup(40);
        assertSame(m, p, "the first mbuf had room");
        assertEquals(40, p.len());
        assertEquals(2, count(p), "the emptied mbufs were freed");
        assertEquals(60, p.pktLen());
        assertArrayEquals(data, p.toBytes());
        assertEquals(2, alloc.outstanding());
        p.freeChain();
    }

    @Test
    void pullupIntoNewMbufWhenFirstIsSharedCluster() {
        byte[] data = seq(3000);
        Mbuf m = alloc.fromBytes(data, 0, 3000, 100, M_NOWAIT);
        Mbuf copy = m.copyRange(0, Mbuf.M_COPYALL, M_NOWAIT);
        assertEquals(1948, copy.len());
        Mbuf p = copy.pullup(2000);
        assertNotSame(copy, p);
        assertTrue(copy.isFreed(), "its data all moved into the new first mbuf");
        assertEquals(2000, p.len());
        assertEquals(3000, p.pktLen());
        assertArrayEquals(data, p.toBytes());
        assertArrayEquals(data, m.toBytes(), "the original is untouched");
        p.freeChain();
        m.freeChain();
    }

    @Test
    void pullupBeyondPacketFreesChainAndReturnsNull() {
        Mbuf m = chain(seq(30), 10, 20);
        assertNull(m.pullup(31));
        assertEquals(0, alloc.outstanding());
    }

    @Test
    void adjTrimsHeadAndTailAcrossMbufs() {
        byte[] data = seq(100);
        Mbuf m = chain(data, 20, 30, 50);
        m.adj(25);
        assertEquals(75, m.pktLen());
        assertEquals(0, m.len());
        assertArrayEquals(range(data, 25, 100), m.toBytes());
        m.adj(-60);
        assertEquals(15, m.pktLen());
        assertEquals(2, count(m), "the mbuf beyond the new end is freed");
        assertArrayEquals(range(data, 25, 40), m.toBytes());
        m.adj(-1000);
        assertEquals(0, m.pktLen());
        assertEquals(0, m.length());
        m.freeChain();
    }

    @Test
    void prependUsesLeadingSpaceThenANewMbufCarryingTheHeader() {
        Mbuf m = alloc.fromBytes(seq(50), 0, 50, 20, M_NOWAIT);
        m.pkthdr().setSourceId(7);
        Mbuf p = m.prepend(20, M_NOWAIT);
        assertSame(m, p);
        assertEquals(70, p.pktLen());
        p.putU32(0, 0x01020304);
        Mbuf q = p.prepend(14, M_NOWAIT);
        assertNotSame(p, q);
        assertTrue(q.hasPkthdr());
        assertFalse(p.hasPkthdr(), "the header moved to the new first mbuf");
        assertEquals(7, q.pkthdr().sourceId());
        assertEquals(84, q.pktLen());
        assertEquals(Mbuf.MHLEN - 14, q.leadingSpace(), "data at the end, room for lower headers");
        byte[] out = q.toBytes();
        assertEquals(84, out.length);
        assertEquals(0x01020304, p.getU32(0));
        q.sanity();
        q.freeChain();
    }

    @Test
    void copyRangeSharesClustersAndCopiesInternalData() {
        byte[] data = seq(4200);
        Mbuf m = chain(data, 100, 2048, 2000, 52);
        Mbuf c = m.copyRange(50, 4100, M_NOWAIT);
        assertFalse(c.hasPkthdr(), "only a copy from offset 0 duplicates the header");
        assertArrayEquals(range(data, 50, 4150), c.toBytes());
        Mbuf cl = m.next();
        assertEquals(2, cl.ext().refCount());
        assertFalse(cl.isWritable(), "a shared cluster is read-only");
        assertEquals(0, cl.trailingSpace());
        assertEquals(2, alloc.outstandingClusters(), "no cluster was copied");
        c.freeChain();
        assertEquals(1, cl.ext().refCount());
        assertTrue(cl.isWritable());
        Mbuf whole = m.copyRange(0, Mbuf.M_COPYALL, M_NOWAIT);
        assertEquals(4200, whole.pktLen());
        assertArrayEquals(data, whole.toBytes());
        whole.freeChain();
        m.freeChain();
    }

    @Test
    void copiesOfCopiesKeepClustersUntilTheLastReference() {
        byte[] data = seq(6000);
        Mbuf m = alloc.fromBytes(data, 0, 6000, M_NOWAIT);
        Mbuf a = m.copyRange(1000, 4000, M_NOWAIT);
        Mbuf b = a.copyRange(500, 2000, M_NOWAIT);
        m.freeChain();
        a.freeChain();
        assertEquals(2, alloc.outstandingClusters(), "b still references two of the three clusters");
        assertArrayEquals(range(data, 1500, 3500), b.toBytes());
        b.freeChain();
    }

    @Test
    void copyDataReadsAnyRangeOfTheChain() {
        byte[] data = seq(300);
        Mbuf m = chain(data, 1, 99, 200);
        byte[] out = new byte[150];
        m.copyData(50, 140, out, 10);
        assertArrayEquals(range(data, 50, 190), range(out, 10, 150));
        m.freeChain();
    }

    @Test
    void appendFillsTrailingSpaceThenAddsMbufs() {
        Mbuf m = alloc.getHeader(M_NOWAIT);
        byte[] data = seq(3000);
        assertTrue(m.append(data, 0, 100, M_NOWAIT));
        assertEquals(1, count(m));
        assertTrue(m.append(data, 100, 2900, M_NOWAIT));
        assertEquals(3000, m.pktLen());
        assertEquals(Mbuf.MHLEN, m.len());
        assertArrayEquals(data, m.toBytes());
        m.freeChain();
    }

    @Test
    void concatCopiesSmallDataAndLinksClusters() {
        byte[] a = seq(40);
        byte[] b = seq(30);
        Mbuf m = alloc.fromBytes(a, 0, 40, M_NOWAIT);
        Mbuf n = alloc.fromBytes(b, 0, 30, M_NOWAIT);
        m.concat(n);
        assertTrue(n.isFreed(), "small data was copied and its mbuf freed");
        assertEquals(70, m.pktLen());
        assertEquals(1, count(m));
        Mbuf big = alloc.fromBytes(seq(2000), 0, 2000, M_NOWAIT);
        m.concat(big);
        assertEquals(2070, m.pktLen());
        assertEquals(2, count(m));
        assertFalse(m.next().hasPkthdr());
        byte[] out = m.toBytes();
        assertArrayEquals(b, range(out, 40, 70));
        m.sanity();
        m.freeChain();
    }

    @Test
    void splitInsideInternalAndClusterData() {
        byte[] data = seq(2500);
        Mbuf m = chain(data, 160, 2000, 340);
        m.pkthdr().setFlow(99, PacketHeader.HASH_OPAQUE);
        Mbuf tail = m.split(100, M_NOWAIT);
        assertEquals(100, m.pktLen());
        assertEquals(2400, tail.pktLen());
        assertEquals(99, tail.pkthdr().flowId());
        assertEquals(60, tail.len(), "the internal remainder was copied into the new header mbuf");
        assertArrayEquals(range(data, 0, 100), m.toBytes());
        assertArrayEquals(range(data, 100, 2500), tail.toBytes());
        Mbuf tail2 = tail.split(1000, M_NOWAIT);
        assertArrayEquals(range(data, 100, 1100), tail.toBytes());
        assertArrayEquals(range(data, 1100, 2500), tail2.toBytes());
        assertEquals(2, tail.next().ext().refCount(), "the cluster is shared by both halves");
        assertEquals(2, alloc.outstandingClusters());
        m.sanity();
        tail.sanity();
        tail2.sanity();
        m.freeChain();
        tail.freeChain();
        tail2.freeChain();
    }

    @Test
    void splitAtTheEndGivesAnEmptyPacket() {
        Mbuf m = alloc.fromBytes(seq(10), 0, 10, M_NOWAIT);
        Mbuf t = m.split(10, M_NOWAIT);
        assertEquals(0, t.pktLen());
        assertEquals(10, m.pktLen());
        m.freeChain();
        t.freeChain();
    }

    @Test
    void packetHeaderCarriesItsFields() {
        Mbuf m = alloc.getHeader(M_NOWAIT);
        m.pkthdr().setRcvIf(2).setFlow(0x1234, PacketHeader.HASH_OPAQUE)
                .setCsumFlags(PacketHeader.CSUM_IP_CHECKED | PacketHeader.CSUM_IP_VALID).setCsumData(0xffff).setSourceId(3);
        Mbuf c = m.copyRange(0, 0, M_NOWAIT);
        assertEquals(2, c.pkthdr().rcvIf());
        assertEquals("pkthdr len 0 rcvif 2 flow 4660/1 csum 0x3 src 3", c.pkthdr().toString());
        c.free();
        m.free();
    }

    @Test
    void packetsLinkThroughNextPacket() {
        Mbuf p1 = alloc.getHeader(M_NOWAIT);
        Mbuf p2 = alloc.getHeader(M_NOWAIT);
        p1.setNextPacket(p2);
        assertSame(p2, p1.nextPacket());
        p1.freeChain();
        assertTrue(p1.isFreed());
        assertFalse(p2.isFreed(), "freeChain follows next only");
        p2.freeChain();
    }
}
