package smpnet.stack.zerocopy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import smpnet.stack.zerocopy.DirtyDiff.Range;
import smpnet.stack.zerocopy.DirtyTracker.Backend;

/**
 * Every back-end finds writes made between start and end, page by page, and reports nothing when nothing
 * was written. A back-end that cannot run here (soft-dirty on a kernel without it) skips with its reason.
 */
class DirtyTrackerTest {
    private static final int PAGES = 16;

    private static int ps() { return smpnet.stack.internal.os.Posix.pageSize(); }

    private static void requireAvailable(Backend b) {
        String why = b.unavailableReason();
        Assumptions.assumeTrue(why == null, () -> b.setting() + " back-end unavailable here: " + why);
    }

    /** Writes through the tracker, or straight into the segment for the back-ends that see those too. */
    private static void writeByte(DirtyTracker t, long offset, byte v, boolean direct) {
        if (direct) t.region().set(ValueLayout.JAVA_BYTE, offset, v);
        else t.set(offset, v);
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void findsWritesBetweenStartAndEndAndNothingElse(Backend b) {
        requireAvailable(b);
        int ps = ps();
        boolean direct = b != Backend.WRITE_BARRIER;
        try (Arena arena = Arena.ofConfined(); DirtyTracker t = DirtyTracker.open(arena.allocate((long) PAGES * ps, ps), b)) {
            assertEquals(b, t.backend());
            assertEquals(ps, t.pageSize());
            t.start();
            assertEquals(new DirtyDiff(ps, List.of(), List.of()), t.end(), "nothing written: silent");

            writeByte(t, 5L * ps + 1, (byte) 9, direct); // before the window: forgotten by start
            t.start();
            writeByte(t, 3L * ps + 10, (byte) 1, direct);
            t.write(8L * ps - 10, new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20}, 0, 20);
            writeByte(t, (long) PAGES * ps - 1, (byte) 7, direct); // the last byte of the region
            DirtyDiff d = t.end();
            assertEquals(List.of(3, 7, 8, 15), d.pages());
            assertEquals(List.of(new Range(3L * ps, 4L * ps), new Range(7L * ps, 9L * ps), new Range(15L * ps, 16L * ps)),
                    d.ranges());
            assertEquals("pages [3, 7, 8, 15], bytes [[" + 3 * ps + ", " + 4 * ps + "), [" + 7 * ps + ", " + 9 * ps + "), ["
                    + 15 * ps + ", " + 16 * ps + ")]", d.toString());

            t.start();
            assertTrue(t.end().isEmpty(), "a new window starts clean");
            assertEquals(9, t.region().get(ValueLayout.JAVA_BYTE, 5L * ps + 1), "the writes reached the region");
            assertEquals(20, t.region().get(ValueLayout.JAVA_BYTE, 8L * ps + 9));
        }
    }

    @ParameterizedTest
    @EnumSource(value = Backend.class, names = {"USERFAULTFD", "COPY_COMPARE"})
    void aFileMappedRegionIsTrackedToo(Backend b, @org.junit.jupiter.api.io.TempDir Path dir) throws IOException {
        requireAvailable(b);
        int ps = ps();
        Path shm = Path.of("/dev/shm");
        Path file = Files.createTempFile(Files.isDirectory(shm) && Files.isWritable(shm) ? shm : dir, "smpnet-dirty", ".bin");
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
             Arena arena = Arena.ofConfined()) {
            MemorySegment region = ch.map(FileChannel.MapMode.READ_WRITE, 0, 4L * ps, arena);
            try (DirtyTracker t = DirtyTracker.open(region, b)) {
                t.start();
                assertTrue(t.end().isEmpty());
                region.set(ValueLayout.JAVA_BYTE, 2L * ps + 100, (byte) 0x5a);
                assertEquals(List.of(2), t.end().pages());
            }
        } finally {
            Files.deleteIfExists(file);
        }
    }

    @Test
    void theWriteBarrierMergesTheWritingThreadsAndIsBlindToDirectWrites() throws InterruptedException {
        int ps = ps();
        try (Arena arena = Arena.ofShared(); DirtyTracker t = DirtyTracker.open(arena.allocate((long) PAGES * ps, ps), Backend.WRITE_BARRIER)) {
            t.start();
            Thread a = Thread.ofPlatform().start(() -> t.set(1L * ps, (byte) 1));
            Thread b = Thread.ofPlatform().start(() -> t.set(12L * ps, (byte) 1));
            a.join();
            b.join();
            t.region().set(ValueLayout.JAVA_BYTE, 4L * ps, (byte) 1); // not through the tracker: not seen
            assertEquals(List.of(1, 12), t.end().pages());
            t.start();
            assertTrue(t.end().isEmpty(), "start clears every thread's marks");
            assertThrows(IndexOutOfBoundsException.class, () -> t.set((long) PAGES * ps, (byte) 0));
        }
    }

    @Test
    void copyAndCompareSeesChangesNotRewritesOfTheSameValue() {
        int ps = ps();
        try (Arena arena = Arena.ofConfined(); DirtyTracker t = DirtyTracker.open(arena.allocate(2L * ps, ps), Backend.COPY_COMPARE)) {
            t.start();
            t.set(10, (byte) 0);
            assertTrue(t.end().isEmpty(), "a zero written over a zero changes nothing");
        }
    }

    @Test
    void softDirtyRefusesWithTheReasonWhereTheKernelLacksIt() {
        String why = Backend.SOFT_DIRTY.unavailableReason();
        Assumptions.assumeTrue(why != null, "this kernel keeps soft-dirty bits; the refusal cannot be shown here");
        try (Arena arena = Arena.ofConfined()) {
            UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class,
                    () -> DirtyTracker.open(arena.allocate(ps(), ps()), Backend.SOFT_DIRTY));
            assertEquals("the soft-dirty back-end cannot run here: " + why, e.getMessage());
            assertTrue(why.contains("CONFIG_MEM_SOFT_DIRTY") || why.contains("clear_refs"), why);
        }
    }

    @Test
    void badRegionsAndSettingsAreRefusedByName() {
        int ps = ps();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment aligned = arena.allocate(4L * ps, ps);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> DirtyTracker.open(aligned.asSlice(0, ps + 1), Backend.COPY_COMPARE));
            assertEquals("a tracked region is whole pages of " + ps + " bytes, not " + (ps + 1) + " bytes", e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> DirtyTracker.open(aligned.asSlice(8, ps), Backend.COPY_COMPARE));
            assertTrue(e.getMessage().startsWith("a tracked region starts on a page boundary"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class,
                    () -> DirtyTracker.open(MemorySegment.ofArray(new byte[ps]), Backend.USERFAULTFD));
            assertEquals("the page-table back-ends track native or mapped memory, not a heap array", e.getMessage());
        }
        assertEquals(Backend.COPY_COMPARE, Backend.bySetting("copy"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Backend.bySetting("dirty"));
        assertEquals("smpnet.dirty.backend must be userfaultfd, soft-dirty, copy or barrier, not \"dirty\"", e.getMessage());
    }
}
