package smpnet.stack.internal.tcp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import smpnet.locking.CondVar;
import smpnet.locking.Mutex;
import smpnet.stack.internal.mbuf.Zone;
import smpnet.witness.junit.WitnessExtension;

/**
 * A stream buffer's rings come from their zones and go back to them when the buffer empties, grows or is
 * flushed: a buffer filled and emptied over and over takes no new ring, and its bytes come out as written.
 */
@ExtendWith(WitnessExtension.class)
class StreamBufferRingTest {
    private final Mutex lock = new Mutex("so_snd");
    private final Zone<byte[]> rings = StreamBuffer.ringZone(1);
    private final StreamBuffer sb = new StreamBuffer(lock, new CondVar("sbwait"), 64 * 1024, rings);

    private static byte[] bytes(int n, int seed) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) b[i] = (byte) (seed + i);
        return b;
    }

    private byte[] readAll() {
        byte[] out = new byte[sb.ccLocked()];
        sb.copyLocked(0, out.length, out, 0);
        sb.consumeLocked(out.length);
        return out;
    }

    @Test
    void aBufferEmptiedAtEveryExchangeReusesOneRing() {
        lock.lock();
        try {
            for (int i = 0; i < 1_000; i++) {
                byte[] request = bytes(64, i);
                sb.appendLocked(request, 0, request.length);
                assertEquals(1, rings.inUse());
                assertArrayEquals(request, readAll());
                assertEquals(0, rings.inUse());
            }
            assertEquals(1, rings.stats().created(), "one ring, taken and given back 1,000 times");
        } finally {
            lock.unlock();
        }
    }

    @Test
    void aGrownRingGivesTheSmallOneBackAndAFlushGivesBackTheRing() {
        lock.lock();
        try {
            byte[] a = bytes(1_500, 1), b = bytes(1_500, 7);
            sb.appendLocked(a, 0, a.length);
            assertEquals(1, rings.inUse());
            sb.appendLocked(b, 0, b.length); // 3,000 bytes: a 4 KB ring of its own, the 2 KB one back to the zone
            assertEquals(0, rings.inUse());
            byte[] both = readAll();
            assertArrayEquals(a, java.util.Arrays.copyOfRange(both, 0, 1_500));
            assertArrayEquals(b, java.util.Arrays.copyOfRange(both, 1_500, 3_000));

            assertEquals(4 * 1024, sb.nextRingSizeLocked(), "the fill needed 3,000 bytes");
            sb.appendLocked(a, 0, 100);
            assertEquals(0, rings.inUse(), "a 4 KB ring, allocated: this buffer's zone holds only the smallest");
            sb.flushLocked();
            assertEquals(0, sb.ccLocked());
            assertEquals(0, rings.inUse());
            sb.appendLocked(b, 0, 10);
            assertArrayEquals(java.util.Arrays.copyOf(b, 10), readAll());
            assertEquals(1, rings.stats().created());
        } finally {
            lock.unlock();
        }
    }

    @Test
    void aBulkReceiversGrownRingsComeFromTheirZonesAndGoBack() {
        RingZones zones = RingZones.of(1);
        StreamBuffer bulk = new StreamBuffer(lock, new CondVar("sbwait"), 256 * 1024, zones);
        lock.lock();
        try {
            byte[] segment = bytes(1_448, 3);
            for (int read = 0; read < 100; read++) {
                for (int i = 0; i < 40; i++) bulk.appendLocked(segment, 0, segment.length); // 57,920 bytes: up to 64 KB
                byte[] out = new byte[bulk.ccLocked()];
                bulk.copyLocked(0, out.length, out, 0);
                bulk.consumeLocked(out.length);
                assertArrayEquals(segment, java.util.Arrays.copyOfRange(out, out.length - 1_448, out.length));
                noRingInUse(zones, "after the read");
            }
            for (int size = StreamBuffer.MIN_RING; size <= RingZones.MAX_ZONED; size *= 2) {
                assertEquals(size <= 64 * 1024 ? 1 : 0, zones.zoneOf(size).stats().created(),
                        size + "-byte rings: one for each size the buffer grew through, reused at every read");
            }
            assertEquals(null, zones.zoneOf(2 * RingZones.MAX_ZONED), "larger rings are allocated");
        } finally {
            lock.unlock();
        }
    }

    @Test
    void aRefilledBufferTakesAtOnceARingAsLargeAsItsLastFillNeeded() {
        RingZones zones = RingZones.of(1);
        StreamBuffer bulk = new StreamBuffer(lock, new CondVar("sbwait"), 256 * 1024, zones);
        lock.lock();
        try {
            assertEquals(StreamBuffer.MIN_RING, bulk.nextRingSizeLocked());
            byte[] segment = bytes(1_448, 5);
            for (int i = 0; i < 40; i++) bulk.appendLocked(segment, 0, segment.length); // 57,920 bytes
            byte[] out = new byte[bulk.ccLocked()];
            bulk.copyLocked(0, out.length, out, 0);
            bulk.consumeLocked(out.length);
            assertEquals(64 * 1024, bulk.nextRingSizeLocked(), "the smallest ring that held 57,920 bytes");

            long[] before = new long[8];
            for (int k = 0; k < before.length; k++) before[k] = zones.zoneOf(StreamBuffer.MIN_RING << k).stats().allocs();
            for (int i = 0; i < 40; i++) bulk.appendLocked(segment, 0, segment.length);
            for (int k = 0; k < before.length; k++) {
                int size = StreamBuffer.MIN_RING << k;
                assertEquals(size == 64 * 1024 ? before[k] + 1 : before[k], zones.zoneOf(size).stats().allocs(),
                        size + "-byte rings taken by the second fill: only one 64 KB ring, no growth");
            }
            // the bytes come out as written, across the ring's wrap: half read, the rest after more appends
            byte[] half = new byte[20 * 1_448];
            bulk.copyLocked(0, half.length, half, 0);
            bulk.consumeLocked(half.length);
            for (int i = 0; i < 10; i++) bulk.appendLocked(segment, 0, segment.length);
            byte[] rest = new byte[bulk.ccLocked()];
            assertEquals(30 * 1_448, rest.length);
            bulk.copyLocked(0, rest.length, rest, 0);
            bulk.consumeLocked(rest.length);
            for (int i = 0; i < 30; i++) {
                assertArrayEquals(segment, java.util.Arrays.copyOfRange(rest, i * 1_448, (i + 1) * 1_448), "segment " + i);
            }
            assertEquals(64 * 1024, bulk.nextRingSizeLocked(), "the peak of this fill was 57,920 bytes too");

            // small fills next: the ring stays at 64 KB for SHRINK_AFTER fills in a row, then halves each time
            int expected = 64 * 1024;
            for (int fill = 1; fill <= 6 * StreamBuffer.SHRINK_AFTER; fill++) {
                bulk.appendLocked(segment, 0, 100);
                assertEquals(1, zones.zoneOf(expected).inUse(), "fill " + fill + " taken at " + expected + " bytes");
                byte[] small = new byte[100];
                bulk.copyLocked(0, 100, small, 0);
                bulk.consumeLocked(100);
                assertArrayEquals(java.util.Arrays.copyOf(segment, 100), small);
                if (fill % StreamBuffer.SHRINK_AFTER == 0) expected = Math.max(StreamBuffer.MIN_RING, expected / 2);
                assertEquals(expected, bulk.nextRingSizeLocked(), "after fill " + fill + " of 100 bytes");
            }
            assertEquals(StreamBuffer.MIN_RING, expected, "64 KB halved five times: the smallest ring");
            noRingInUse(zones, "after the reads");
        } finally {
            lock.unlock();
        }
    }

    @Test
    void fillsOfMovingLevelsTakeTheLargestRecentRingAndStopGrowingIt() {
        RingZones zones = RingZones.of(1);
        StreamBuffer bulk = new StreamBuffer(lock, new CondVar("sbwait"), 1024 * 1024, zones);
        lock.lock();
        try {
            byte[] segment = bytes(1_448, 9);
            // a reader away for 4, 40, 12, 90, 7, 60 ... segments' time: fills of 4,344 to 130,320 bytes
            int[] segments = {4, 40, 12, 90, 7, 60, 25, 3, 88, 50, 9, 70};
            long grown = 0;
            for (int round = 0; round < 5; round++) {
                for (int n : segments) {
                    long before = allocs(zones);
                    for (int i = 0; i < n; i++) bulk.appendLocked(segment, 0, segment.length);
                    grown += allocs(zones) - before - 1; // the ring the fill took at its start is not a growth
                    byte[] out = new byte[bulk.ccLocked()];
                    assertEquals(n * 1_448, out.length);
                    bulk.copyLocked(0, out.length, out, 0);
                    bulk.consumeLocked(out.length);
                    for (int i = 0; i < n; i++) {
                        assertArrayEquals(segment, java.util.Arrays.copyOfRange(out, i * 1_448, (i + 1) * 1_448));
                    }
                }
            }
            // only the first fills grew: 4 segments 2 to 4 to 8 KB, 40 segments 8 KB to 64 KB, 90 segments to 128 KB
            assertEquals(2 + 3 + 1, grown, "growths of the ring in 60 fills");
            assertEquals(128 * 1024, bulk.nextRingSizeLocked(), "the largest recent fill needed 128 KB");
            noRingInUse(zones, "after the reads");
        } finally {
            lock.unlock();
        }
    }

    private static void noRingInUse(RingZones zones, String when) {
        for (int size = StreamBuffer.MIN_RING; size <= RingZones.MAX_ZONED; size *= 2) {
            assertEquals(0, zones.zoneOf(size).inUse(), size + "-byte rings in use " + when);
        }
    }

    private static long allocs(RingZones zones) {
        long n = 0;
        for (int size = StreamBuffer.MIN_RING; size <= RingZones.MAX_ZONED; size *= 2) n += zones.zoneOf(size).stats().allocs();
        return n;
    }
}
