package smpnet.stack.internal.zerocopy;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import smpnet.stack.zerocopy.DirtyTracker;

/**
 * What the back-ends share: the region, its page count, and writes through the tracker, which go straight
 * into the region (the page-table and snapshot back-ends see them as any other write).
 */
abstract class AbstractTracker implements DirtyTracker {
    final MemorySegment region;
    final int pages;

    AbstractTracker(MemorySegment region) {
        this.region = region;
        this.pages = (int) (region.byteSize() / Trackers.PAGE_SIZE);
    }

    @Override public MemorySegment region() { return region; }

    @Override public int pageSize() { return Trackers.PAGE_SIZE; }

    @Override
    public void write(long offset, byte[] src, int srcOff, int len) {
        MemorySegment.copy(src, srcOff, region, ValueLayout.JAVA_BYTE, offset, len);
    }

    @Override
    public void set(long offset, byte value) { region.set(ValueLayout.JAVA_BYTE, offset, value); }

    @Override public String toString() { return backend().setting() + " tracker of " + pages + " pages"; }
}
