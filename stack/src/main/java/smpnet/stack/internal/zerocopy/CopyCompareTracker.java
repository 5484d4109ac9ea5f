package smpnet.stack.internal.zerocopy;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.BitSet;
import smpnet.stack.zerocopy.DirtyDiff;

/**
 * A snapshot of the region at start, compared page by page at end ({@link MemorySegment#mismatch}). Finds
 * pages whose bytes changed: a write of the value already there is not seen.
 *
 * <p>Locking key: none; start/end run on one thread at a time (the interface's contract). The snapshot lives
 * in a shared arena closed by {@link #close}.
 */
final class CopyCompareTracker extends AbstractTracker {
    private final Arena arena = Arena.ofShared();
    private final MemorySegment snapshot;

    CopyCompareTracker(MemorySegment region) {
        super(region);
        this.snapshot = arena.allocate(region.byteSize(), Trackers.PAGE_SIZE);
    }

    @Override public Backend backend() { return Backend.COPY_COMPARE; }

    @Override
    public void start() { snapshot.copyFrom(region); }

    @Override
    public DirtyDiff end() {
        int ps = Trackers.PAGE_SIZE;
        BitSet written = new BitSet(pages);
        long off = 0;
        while (off < region.byteSize()) {
            long m = MemorySegment.mismatch(region, off, region.byteSize(), snapshot, off, region.byteSize());
            if (m < 0) break;
            int page = (int) ((off + m) / ps);
            written.set(page);
            off = (long) (page + 1) * ps; // the rest of this page is already reported
        }
        return DirtyDiff.of(ps, region.byteSize(), written);
    }

    @Override
    public void close() { arena.close(); }
}
