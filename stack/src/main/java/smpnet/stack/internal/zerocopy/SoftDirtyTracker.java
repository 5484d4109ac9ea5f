package smpnet.stack.internal.zerocopy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.BitSet;
import java.util.concurrent.atomic.AtomicBoolean;
import smpnet.stack.zerocopy.DirtyDiff;

/**
 * The page tables' soft-dirty bits: writing "4" to {@code /proc/self/clear_refs} clears them (and
 * write-protects every page of the process, so the next write to each sets its bit), and bit 55 of a page's
 * 64-bit {@code /proc/self/pagemap} entry reads it. The clear is process-wide, so one soft-dirty tracker may
 * be open at a time. Whether the kernel sets the bit at all (it is built with CONFIG_MEM_SOFT_DIRTY or not)
 * is probed once, on a page of our own: cleared, written, read back.
 *
 * <p>Locking key: {@code OPEN} (atomic) admits one tracker; start/end run on one thread at a time.
 */
final class SoftDirtyTracker extends AbstractTracker {
    private static final Path CLEAR_REFS = Path.of("/proc/self/clear_refs");
    private static final Path PAGEMAP = Path.of("/proc/self/pagemap");
    private static final long SOFT_DIRTY_BIT = 1L << 55;
    private static final AtomicBoolean OPEN = new AtomicBoolean();
    private static final Probe PROBE = new Probe(SoftDirtyTracker::probe);

    private final FileChannel pagemap;
    private boolean closed;

    SoftDirtyTracker(MemorySegment region) {
        super(region);
        if (!OPEN.compareAndSet(false, true)) {
            throw new IllegalStateException("one soft-dirty tracker at a time: clearing the bits is process-wide");
        }
        try {
            pagemap = FileChannel.open(PAGEMAP, StandardOpenOption.READ);
        } catch (IOException e) {
            OPEN.set(false);
            throw new UncheckedIOException("opening " + PAGEMAP, e);
        }
    }

    /** Why soft-dirty tracking cannot run here (probed once), or null. */
    static String unavailableReason() { return PROBE.reason(); }

    private static String probe() {
        if (!Files.isWritable(CLEAR_REFS)) return CLEAR_REFS + " is not writable (not Linux, or no permission)";
        int ps = Trackers.PAGE_SIZE;
        try (Arena a = Arena.ofConfined(); FileChannel pm = FileChannel.open(PAGEMAP, StandardOpenOption.READ)) {
            MemorySegment page = a.allocate(ps, ps);
            page.set(ValueLayout.JAVA_BYTE, 0, (byte) 1); // present before the clear
            Files.writeString(CLEAR_REFS, "4");
            boolean before = (entry(pm, page.address(), ps) & SOFT_DIRTY_BIT) != 0;
            page.set(ValueLayout.JAVA_BYTE, 0, (byte) 2);
            boolean after = (entry(pm, page.address(), ps) & SOFT_DIRTY_BIT) != 0;
            if (before || !after) {
                return "the kernel does not keep soft-dirty bits (a page written after clear_refs reads " + after
                        + ", a cleared one " + before + "): it is built without CONFIG_MEM_SOFT_DIRTY";
            }
            return null;
        } catch (IOException e) {
            return "soft-dirty probe failed: " + e.getMessage();
        }
    }

    /** The pagemap entry of the page at {@code address}. */
    private static long entry(FileChannel pm, long address, int ps) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(8).order(ByteOrder.nativeOrder());
        pm.read(b, address / ps * 8);
        return b.getLong(0);
    }

    @Override public Backend backend() { return Backend.SOFT_DIRTY; }

    @Override
    public void start() {
        try {
            Files.writeString(CLEAR_REFS, "4");
        } catch (IOException e) {
            throw new UncheckedIOException("clearing soft-dirty bits", e);
        }
    }

    @Override
    public DirtyDiff end() {
        int ps = Trackers.PAGE_SIZE;
        ByteBuffer b = ByteBuffer.allocate(pages * 8).order(ByteOrder.nativeOrder());
        try {
            long pos = region.address() / ps * 8;
            while (b.hasRemaining()) {
                if (pagemap.read(b, pos + b.position()) < 0) break;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + PAGEMAP, e);
        }
        BitSet written = new BitSet(pages);
        for (int p = 0; p < pages; p++) if ((b.getLong(p * 8) & SOFT_DIRTY_BIT) != 0) written.set(p);
        return DirtyDiff.of(ps, region.byteSize(), written);
    }

    @Override
    public void close() {
        if (closed) return;
        closed = true;
        try {
            pagemap.close();
        } catch (IOException ignored) {
            // read-only: nothing is lost
        } finally {
            OPEN.set(false);
        }
    }
}
