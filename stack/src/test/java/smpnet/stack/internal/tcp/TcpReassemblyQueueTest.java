package smpnet.stack.internal.tcp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static smpnet.stack.mbuf.Mbuf.M_NOWAIT;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import smpnet.stack.mbuf.Mbuf;
import smpnet.stack.mbuf.MbufAllocator;

/**
 * The out-of-order queue: every arrival order of five segments with the exact bytes delivered and the exact SACK
 * blocks after each arrival (checked against RFC 2018 section 4 stated over block ranges), overlaps of every
 * kind (old data wins), FIN out of order, the limits. The stack's MbufLeakExtension (auto-detected) fails any
 * test that leaves an mbuf allocated.
 */
class TcpReassemblyQueueTest {
    private final MbufAllocator alloc = MbufAllocator.create("reass");

    /** The byte a segment of version {@code v} carries at sequence number {@code seq}. */
    private static byte pattern(int seq, int v) { return (byte) (seq * 13 + v * 101); }

    /** A packet of {@code len} bytes for sequence numbers from {@code seq}, in two mbufs or more if len > 1. */
    private Mbuf seg(int seq, int len, int v) {
        byte[] b = new byte[len];
        for (int i = 0; i < len; i++) b[i] = pattern(seq + i, v);
        if (len < 2) return alloc.fromBytes(b, 0, len, M_NOWAIT);
        // The first half fills its mbuf (the rest of it left as leading space), so the second half goes on in
        // further mbufs: a packet of several mbufs, as input hands over.
        int h = len / 2;
        Mbuf head = alloc.fromBytes(b, 0, h, (h <= Mbuf.MHLEN ? Mbuf.MHLEN : Mbuf.MCLBYTES) - h, M_NOWAIT);
        head.append(b, h, len - h, M_NOWAIT);
        assertTrue(head.next() != null);
        return head;
    }

    /** Takes the chain's bytes (checking the chain is sound) and frees it. */
    private static byte[] take(Mbuf m) {
        m.sanity();
        byte[] b = m.toBytes();
        m.freeChain();
        return b;
    }

    private static void assertBytes(int seq, int[] versionsPerRange, byte[] got) {
        // versionsPerRange: start, end, version triples relative to seq
        int total = 0;
        for (int i = 0; i < versionsPerRange.length; i += 3) total = versionsPerRange[i + 1];
        assertEquals(total, got.length, "delivered length");
        for (int i = 0; i < versionsPerRange.length; i += 3) {
            for (int off = versionsPerRange[i]; off < versionsPerRange[i + 1]; off++) {
                assertEquals(pattern(seq + off, versionsPerRange[i + 2]), got[off], "byte at offset " + off);
            }
        }
    }

    // ---- every arrival order of five segments -------------------------------------------------------------

    private static final int BASE = -250; // the sequence space wraps inside the third segment
    private static final int[] LEN = {100, 300, 2500, 50, 700};

    private static int start(int k) {
        int s = BASE;
        for (int i = 0; i < k; i++) s += LEN[i];
        return s;
    }

    @Test void everyOrderOfFiveSegmentsDeliversAllBytesWithExactSackBlocks() {
        List<int[]> orders = new ArrayList<>();
        permute(new int[] {0, 1, 2, 3, 4}, 0, orders);
        assertEquals(120, orders.size());
        for (int max : new int[] {4, 1}) { // five segments make at most two blocks above rcv_nxt: 4 holds all
            for (int[] order : orders) runOrder(order, max);
        }
    }

    private void runOrder(int[] order, int max) {
        String where = "order " + java.util.Arrays.toString(order) + " max " + max;
        TcpReassemblyQueue q = new TcpReassemblyQueue(16, 1 << 20);
        boolean[] got = new boolean[5];
        int delivered = 0; // segments delivered so far
        int rcvNxt = BASE;
        byte[] stream = new byte[start(5) - BASE];
        int streamLen = 0;
        boolean fin = false;
        List<int[]> firstBlocks = new ArrayList<>(); // RFC 2018: first blocks of earlier options, newest first
        SackScoreboard sender = new SackScoreboard(100);
        for (int k : order) {
            int stored = q.add(start(k), seg(start(k), LEN[k], 1), k == 4, rcvNxt);
            assertEquals(LEN[k], stored, where);
            got[k] = true;
            TcpReassemblyQueue.Delivery d = q.pullInOrder(rcvNxt);
            int expectDelivered = delivered;
            while (expectDelivered < 5 && got[expectDelivered]) expectDelivered++;
            if (expectDelivered == delivered) {
                assertNull(d, where);
            } else {
                assertEquals(start(expectDelivered) - rcvNxt, d.length(), where);
                assertEquals(start(expectDelivered), d.rcvNxt(), where);
                assertEquals(expectDelivered == 5, d.fin(), where);
                byte[] b = take(d.data());
                System.arraycopy(b, 0, stream, streamLen, b.length);
                streamLen += b.length;
                fin |= d.fin();
                rcvNxt = d.rcvNxt();
                delivered = expectDelivered;
            }
            // Expected SACK option, stated over segment-index ranges [lo, hi).
            List<int[]> expected = new ArrayList<>();
            if (k >= delivered) {
                int[] first = runOf(got, k);
                expected.add(first);
                firstBlocks.addFirst(first);
            }
            for (int[] b : firstBlocks) {
                if (expected.size() == max) break;
                if (b[0] < delivered) continue;
                int[] run = runOf(got, b[0]);
                boolean subset = false;
                for (int[] e : expected) subset |= e[0] <= run[0] && run[1] <= e[1];
                if (!subset) expected.add(run);
            }
            if (expected.size() > max) expected = expected.subList(0, max);
            int[] want = new int[2 * expected.size()];
            for (int i = 0; i < expected.size(); i++) {
                want[2 * i] = start(expected.get(i)[0]);
                want[2 * i + 1] = start(expected.get(i)[1]);
            }
            int[] option = q.sackBlocks(rcvNxt, max);
            assertArrayEquals(want, option, where + " after segment " + k);
            // The sender's scoreboard, fed these options, knows every block even when one option holds one.
            sender.update(rcvNxt, start(5), option);
            List<int[]> runs = new ArrayList<>();
            for (int i = delivered; i < 5; i++) {
                if (got[i] && (runs.isEmpty() || i >= runs.getLast()[1])) runs.add(runOf(got, i));
            }
            int[] known = new int[2 * runs.size()];
            for (int i = 0; i < runs.size(); i++) {
                known[2 * i] = start(runs.get(i)[0]);
                known[2 * i + 1] = start(runs.get(i)[1]);
            }
            assertArrayEquals(known, sender.blocks(), where + " scoreboard after segment " + k);
            assertEquals(q.isEmpty(), expected.isEmpty(), where);
        }
        assertTrue(fin, where);
        assertEquals(stream.length, streamLen, where);
        for (int i = 0; i < stream.length; i++) assertEquals(pattern(BASE + i, 1), stream[i], where + " byte " + i);
        assertEquals(0, q.bytes(), where);
        assertEquals(0, q.segments(), where);
    }

    /** The maximal run of received segments containing segment {@code k}, as [lo, hi). */
    private static int[] runOf(boolean[] got, int k) {
        int lo = k;
        int hi = k + 1;
        while (lo > 0 && got[lo - 1]) lo--;
        while (hi < got.length && got[hi]) hi++;
        return new int[] {lo, hi};
    }

    private static void permute(int[] a, int i, List<int[]> out) {
        if (i == a.length) {
            out.add(a.clone());
            return;
        }
        for (int j = i; j < a.length; j++) {
            int t = a[i]; a[i] = a[j]; a[j] = t;
            permute(a, i + 1, out);
            t = a[i]; a[i] = a[j]; a[j] = t;
        }
    }

    // ---- overlaps -----------------------------------------------------------------------------------------

    @Test void containedSegmentIsADuplicateAndFreed() {
        TcpReassemblyQueue q = new TcpReassemblyQueue(16, 100_000);
        assertEquals(200, q.add(1100, seg(1100, 200, 1), false, 1000));
        assertEquals(0, q.add(1150, seg(1150, 100, 2), false, 1000));
        assertEquals(1, q.segments());
        assertEquals(200, q.bytes());
        assertArrayEquals(new int[] {1100, 1300}, q.sackBlocks(1000, 4));
        assertEquals(100, q.add(1000, seg(1000, 100, 3), false, 1000));
        TcpReassemblyQueue.Delivery d = q.pullInOrder(1000);
        assertEquals(1300, d.rcvNxt());
        assertBytes(1000, new int[] {0, 100, 3, 100, 300, 1}, take(d.data()));
    }

    @Test void leftOverlapKeepsTheQueuedBytes() {
        TcpReassemblyQueue q = new TcpReassemblyQueue(16, 100_000);
        q.add(1100, seg(1100, 200, 1), false, 1000);
        assertEquals(50, q.add(1050, seg(1050, 150, 2), false, 1000));
        assertEquals(2, q.segments());
        assertEquals(250, q.bytes());
        assertArrayEquals(new int[] {1050, 1300}, q.sackBlocks(1000, 4));
        q.add(1000, seg(1000, 50, 3), false, 1000);
        TcpReassemblyQueue.Delivery d = q.pullInOrder(1000);
        assertEquals(300, d.length());
        assertBytes(1000, new int[] {0, 50, 3, 50, 100, 2, 100, 300, 1}, take(d.data()));
    }

    @Test void rightOverlapKeepsTheQueuedBytes() {
        TcpReassemblyQueue q = new TcpReassemblyQueue(16, 100_000);
        q.add(1100, seg(1100, 200, 1), false, 1000);
        assertEquals(100, q.add(1200, seg(1200, 200, 2), false, 1000));
        assertArrayEquals(new int[] {1100, 1400}, q.sackBlocks(1000, 4));
        q.add(1000, seg(1000, 100, 3), false, 1000);
        TcpReassemblyQueue.Delivery d = q.pullInOrder(1000);
        assertEquals(1400, d.rcvNxt());
        assertBytes(1000, new int[] {0, 100, 3, 100, 300, 1, 300, 400, 2}, take(d.data()));
    }

    @Test void segmentSpanningSeveralFillsOnlyTheHoles() {
        TcpReassemblyQueue q = new TcpReassemblyQueue(16, 100_000);
        q.add(1100, seg(1100, 100, 1), false, 1000);
        q.add(1300, seg(1300, 100, 1), false, 1000);
        q.add(1500, seg(1500, 100, 1), false, 1000);
        assertArrayEquals(new int[] {1500, 1600, 1300, 1400, 1100, 1200}, q.sackBlocks(1000, 4));
        assertEquals(300, q.add(1050, seg(1050, 600, 2), false, 1000));
        assertEquals(7, q.segments());
        assertEquals(600, q.bytes());
        assertArrayEquals(new int[] {1050, 1650}, q.sackBlocks(1000, 4));
        q.add(1000, seg(1000, 50, 3), false, 1000);
        TcpReassemblyQueue.Delivery d = q.pullInOrder(1000);
        assertEquals(650, d.length());
        assertBytes(1000, new int[] {0, 50, 3, 50, 100, 2, 100, 200, 1, 200, 300, 2, 300, 400, 1, 400, 500, 2,
                500, 600, 1, 600, 650, 2}, take(d.data()));
        assertTrue(q.isEmpty());
    }

    @Test void duplicateIsStoredOnceAndItsBlockReportedFirst() {
        TcpReassemblyQueue q = new TcpReassemblyQueue(16, 100_000);
        q.add(1100, seg(1100, 100, 1), false, 1000);
        q.add(1300, seg(1300, 100, 1), false, 1000);
        assertArrayEquals(new int[] {1300, 1400, 1100, 1200}, q.sackBlocks(1000, 4));
        assertEquals(0, q.add(1100, seg(1100, 100, 2), false, 1000));
        assertEquals(2, q.segments());
        assertEquals(200, q.bytes());
        assertArrayEquals(new int[] {1100, 1200, 1300, 1400}, q.sackBlocks(1000, 4));
        assertArrayEquals(new int[] {1100, 1200}, q.sackBlocks(1000, 1));
        // The caller's own record of the latest segment puts its block first too.
        assertArrayEquals(new int[] {1300, 1400, 1100, 1200}, q.sackBlocks(1000, 1350, 4));
        q.drain();
        assertTrue(q.isEmpty());
        assertEquals(0, q.bytes());
    }

    @Test void dataBelowRcvNxtIsTrimmedOrFreed() {
        TcpReassemblyQueue q = new TcpReassemblyQueue(16, 100_000);
        assertEquals(0, q.add(900, seg(900, 100, 1), false, 1000));
        assertTrue(q.isEmpty());
        assertEquals(100, q.add(950, seg(950, 150, 1), false, 1000));
        TcpReassemblyQueue.Delivery d = q.pullInOrder(1000);
        assertEquals(1100, d.rcvNxt());
        assertBytes(1000, new int[] {0, 100, 1}, take(d.data()));
        // Queued data that the caller received directly meanwhile is dropped by the next pull.
        q.add(1200, seg(1200, 100, 1), false, 1100);
        d = q.pullInOrder(1250);
        assertEquals(50, d.length());
        assertBytes(1250, new int[] {0, 50, 1}, take(d.data()));
    }

    // ---- D-SACK (RFC 2883) -------------------------------------------------------------------------------

    @Test void duplicateOfQueuedDataIsReportedOnceAsDsack() {
        TcpReassemblyQueue q = new TcpReassemblyQueue(16, 100_000);
        q.add(1100, seg(1100, 100, 1), false, 1000);
        q.add(1300, seg(1300, 100, 1), false, 1000);
        assertArrayEquals(new int[] {1300, 1400, 1100, 1200}, q.sackOption(1000, 4), "no duplicate: plain SACK");
        q.add(1100, seg(1100, 100, 2), false, 1000);
        assertArrayEquals(new int[] {1100, 1200, 1100, 1200, 1300, 1400}, q.sackOption(1000, 4),
                "D-SACK, then the block holding it, then the rest");
        assertArrayEquals(new int[] {1100, 1200, 1300, 1400}, q.sackOption(1000, 4), "reported once");
        q.drain();
    }

    @Test void dsackCoversTheFirstDuplicatedPartOfASpanningSegment() {
        TcpReassemblyQueue q = new TcpReassemblyQueue(16, 100_000);
        q.add(1100, seg(1100, 100, 1), false, 1000);
        q.add(1300, seg(1300, 100, 1), false, 1000);
        q.add(1500, seg(1500, 100, 1), false, 1000);
        assertEquals(150, q.add(1050, seg(1050, 300, 2), false, 1000));
        assertArrayEquals(new int[] {1100, 1200, 1050, 1400, 1500, 1600}, q.sackOption(1000, 4));
        assertArrayEquals(new int[] {1050, 1400, 1500, 1600}, q.sackOption(1000, 2), "nothing pending any more");
        q.add(1150, seg(1150, 20, 3), false, 1000);
        assertArrayEquals(new int[] {1150, 1170, 1050, 1400}, q.sackOption(1000, 2), "truncated to max blocks");
        q.drain();
    }

    @Test void dataBelowRcvNxtIsADsackBelowTheAck() {
        TcpReassemblyQueue q = new TcpReassemblyQueue(16, 100_000);
        q.add(1300, seg(1300, 100, 1), false, 1000);
        assertEquals(100, q.add(950, seg(950, 150, 1), false, 1000));
        take(q.pullInOrder(1000).data());
        assertArrayEquals(new int[] {950, 1000, 1300, 1400}, q.sackOption(1100, 3));
        assertEquals(0, q.add(900, seg(900, 100, 1), false, 1100));
        assertArrayEquals(new int[] {900, 1000, 1300, 1400}, q.sackOption(1100, 3));
        // A duplicate the caller dropped itself.
        q.noteDuplicate(1000, 1100);
        assertArrayEquals(new int[] {1000, 1100}, q.sackOption(1100, 1));
        assertArrayEquals(new int[] {1300, 1400}, q.sackOption(1100, 1));
        q.noteDuplicate(1200, 1200);
        assertArrayEquals(new int[] {1300, 1400}, q.sackOption(1100, 3), "an empty range is no duplicate");
        q.drain();
    }

    // ---- FIN -----------------------------------------------------------------------------------------------

    @Test void finOutOfOrderIsDeliveredWithTheDataThatReachesIt() {
        TcpReassemblyQueue q = new TcpReassemblyQueue(16, 100_000);
        q.add(1100, seg(1100, 100, 1), true, 1000);
        assertTrue(q.hasFin());
        assertArrayEquals(new int[] {1100, 1200}, q.sackBlocks(1000, 4));
        q.add(1000, seg(1000, 100, 1), false, 1000);
        TcpReassemblyQueue.Delivery d = q.pullInOrder(1000);
        assertEquals(1200, d.rcvNxt());
        assertTrue(d.fin());
        assertFalse(q.hasFin());
        take(d.data());
    }

    @Test void bareFinOutOfOrderAndDataBeyondItDropped() {
        TcpReassemblyQueue q = new TcpReassemblyQueue(16, 100_000);
        assertEquals(0, q.add(1200, null, true, 1000));
        assertEquals(50, q.add(1150, seg(1150, 150, 1), false, 1000), "only the bytes before the FIN are kept");
        assertEquals(0, q.add(1200, seg(1200, 10, 1), false, 1000));
        assertArrayEquals(new int[] {1150, 1200}, q.sackBlocks(1000, 4));
        q.add(1000, seg(1000, 150, 2), false, 1000);
        TcpReassemblyQueue.Delivery d = q.pullInOrder(1000);
        assertTrue(d.fin());
        assertEquals(1200, d.rcvNxt());
        assertBytes(1000, new int[] {0, 150, 2, 150, 200, 1}, take(d.data()));
        // A FIN alone at rcv_nxt is delivered without data.
        q.add(1300, null, true, 1300);
        d = q.pullInOrder(1300);
        assertNull(d.data());
        assertEquals(0, d.length());
        assertTrue(d.fin());
        // A FIN below rcv_nxt (retransmitted after it was taken) is ignored.
        q.add(1250, seg(1250, 50, 1), true, 1301);
        assertFalse(q.hasFin());
    }

    @Test void laterFinDoesNotMoveTheFirst() {
        TcpReassemblyQueue q = new TcpReassemblyQueue(16, 100_000);
        q.add(1100, seg(1100, 100, 1), true, 1000);
        q.add(1100, seg(1100, 50, 1), true, 1000);
        q.add(1000, seg(1000, 100, 1), false, 1000);
        TcpReassemblyQueue.Delivery d = q.pullInOrder(1000);
        assertEquals(1200, d.rcvNxt());
        assertTrue(d.fin());
        take(d.data());
    }

    // ---- limits --------------------------------------------------------------------------------------------

    @Test void segmentLimitDropsAndCountsButTheHoleFillerPasses() {
        TcpReassemblyQueue q = new TcpReassemblyQueue(2, 100_000);
        q.add(1100, seg(1100, 100, 1), false, 1000);
        q.add(1300, seg(1300, 100, 1), false, 1000);
        assertEquals(TcpReassemblyQueue.DROPPED, q.add(1500, seg(1500, 100, 1), false, 1000));
        assertEquals(1, q.drops());
        // Spanning both would add two pieces: over the limit as well.
        assertEquals(TcpReassemblyQueue.DROPPED, q.add(1050, seg(1050, 400, 1), false, 1000));
        assertEquals(2, q.drops());
        assertArrayEquals(new int[] {1300, 1400, 1100, 1200}, q.sackBlocks(1000, 4), "drops leave no block");
        assertEquals(250, q.add(1000, seg(1000, 450, 2), false, 1000), "the segment at rcv_nxt is exempt");
        TcpReassemblyQueue.Delivery d = q.pullInOrder(1000);
        assertEquals(1450, d.rcvNxt());
        assertBytes(1000, new int[] {0, 100, 2, 100, 200, 1, 200, 300, 2, 300, 400, 1, 400, 450, 2}, take(d.data()));
        assertTrue(q.isEmpty());
        assertEquals(2, q.drops());
    }

    @Test void runLimitsOfTheQueueAndOfTheHostDropOnlyNewRuns() {
        java.util.concurrent.atomic.AtomicInteger host = new java.util.concurrent.atomic.AtomicInteger();
        TcpReassemblyQueue other = new TcpReassemblyQueue(16, 100_000, host);
        TcpReassemblyQueue q = new TcpReassemblyQueue(16, 100_000, host);
        other.setLimits(2, Long.MAX_VALUE, 3);
        q.setLimits(2, Long.MAX_VALUE, 3);
        other.add(1100, seg(1100, 100, 1), false, 1000);
        other.add(1300, seg(1300, 100, 1), false, 1000);
        assertEquals(TcpReassemblyQueue.DROPPED, other.add(1500, seg(1500, 100, 1), false, 1000), "a third run");
        assertEquals(100, other.add(1200, seg(1200, 100, 1), false, 1000), "joining two runs: allowed");
        assertEquals(1, other.runs());
        q.add(2100, seg(2100, 100, 1), false, 2000);
        assertEquals(2, host.get());
        q.add(2300, seg(2300, 100, 1), false, 2000);
        assertEquals(3, host.get());
        q.drain();
        q.add(2100, seg(2100, 100, 1), false, 2000);
        q.add(2300, seg(2300, 100, 1), false, 2000);
        assertEquals(TcpReassemblyQueue.DROPPED_HOST_LIMIT, other.add(1500, seg(1500, 100, 1), false, 1000));
        assertEquals(100, other.add(1400, seg(1400, 100, 1), false, 1000), "extending a run needs no new one");
        TcpReassemblyQueue.Delivery d = other.pullInOrder(1100);
        take(d.data());
        assertEquals(2, host.get(), "the delivered run no longer counts");
        q.drain();
        assertEquals(0, host.get());
    }

    @Test void storageLimitChargesEveryMbuf() {
        TcpReassemblyQueue q = new TcpReassemblyQueue(16, 100_000);
        q.setLimits(100, 3 * Mbuf.MSIZE, Integer.MAX_VALUE);
        q.add(1100, seg(1100, 1, 1), false, 1000);
        q.add(1101, seg(1101, 1, 1), false, 1000);
        q.add(1102, seg(1102, 1, 1), false, 1000);
        assertEquals(3 * Mbuf.MSIZE, q.storage());
        assertEquals(TcpReassemblyQueue.DROPPED, q.add(1103, seg(1103, 1, 1), false, 1000));
        q.drain();
        assertEquals(0, q.storage());
    }

    @Test void byteLimitDrops() {
        TcpReassemblyQueue q = new TcpReassemblyQueue(16, 250);
        q.add(1100, seg(1100, 100, 1), false, 1000);
        q.add(1300, seg(1300, 100, 1), false, 1000);
        assertEquals(TcpReassemblyQueue.DROPPED, q.add(1500, seg(1500, 100, 1), false, 1000));
        assertEquals(50, q.add(1500, seg(1500, 50, 1), false, 1000));
        assertEquals(250, q.bytes());
        assertEquals(1, q.drops());
        q.drain();
        assertEquals(0, q.segments());
    }

    @Test void noMbufForASplitKeepsTheFirstPieceAndFreesTheRest() {
        MbufAllocator two = new MbufAllocator(MbufAllocator.Config.defaults("two").withLimits(2, 0).withBucketSize(0));
        TcpReassemblyQueue q = new TcpReassemblyQueue(16, 100_000);
        byte[] b = new byte[150];
        for (int i = 0; i < b.length; i++) b[i] = pattern(1050 + i, 2);
        q.add(1100, two.fromBytes(new byte[20], 0, 20, M_NOWAIT), false, 1000);
        // [1050,1200) in one mbuf would be cut around [1100,1120): the split has no mbuf to take.
        assertEquals(50, q.add(1050, two.fromBytes(b, 0, 150, M_NOWAIT), false, 1000));
        assertEquals(70, q.bytes());
        assertEquals(2, q.segments());
        assertArrayEquals(new int[] {1050, 1120}, q.sackBlocks(1000, 4));
        assertEquals(2, two.outstanding());
        q.drain();
        assertEquals(0, two.outstanding());
    }

    @Test void optionSpaceLimitsTheBlocks() {
        assertEquals(3, TcpReassemblyQueue.maxSackBlocks(true));
        assertEquals(4, TcpReassemblyQueue.maxSackBlocks(false));
    }

    @Test void badLimitsAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> new TcpReassemblyQueue(0, 10));
        assertThrows(IllegalArgumentException.class, () -> new TcpReassemblyQueue(10, 0));
    }
}
