package smpnet.stack.internal.zerocopy;

import java.lang.foreign.MemorySegment;
import smpnet.stack.internal.StackProperties;
import smpnet.stack.internal.os.Posix;
import smpnet.stack.zerocopy.DirtyTracker;
import smpnet.stack.zerocopy.DirtyTracker.Backend;

/** Builds the {@link DirtyTracker} back-ends and says which can run here (each probed once, lazily). */
public final class Trackers {
    /** The kernel's page size: the granule of every back-end's diff. */
    static final int PAGE_SIZE = Posix.pageSize();

    private Trackers() {}

    /** The back-end the setting names; unset: userfaultfd where it runs, else copy-and-compare. */
    public static Backend configured() {
        String s = StackProperties.dirtyBackend();
        if (s != null) return Backend.bySetting(s);
        return UffdTracker.unavailableReason() == null ? Backend.USERFAULTFD : Backend.COPY_COMPARE;
    }

    public static String unavailableReason(Backend b) {
        return switch (b) {
            case USERFAULTFD -> UffdTracker.unavailableReason();
            case SOFT_DIRTY -> SoftDirtyTracker.unavailableReason();
            case COPY_COMPARE, WRITE_BARRIER -> null;
        };
    }

    public static DirtyTracker open(MemorySegment region, Backend b) {
        checkRegion(region, b == Backend.USERFAULTFD || b == Backend.SOFT_DIRTY);
        String why = unavailableReason(b);
        if (why != null) throw new UnsupportedOperationException("the " + b.setting() + " back-end cannot run here: " + why);
        return switch (b) {
            case USERFAULTFD -> new UffdTracker(region);
            case SOFT_DIRTY -> new SoftDirtyTracker(region);
            case COPY_COMPARE -> new CopyCompareTracker(region);
            case WRITE_BARRIER -> new WriteBarrierTracker(region);
        };
    }

    private static void checkRegion(MemorySegment region, boolean pageTables) {
        if (region.byteSize() == 0 || region.byteSize() % PAGE_SIZE != 0) {
            throw new IllegalArgumentException("a tracked region is whole pages of " + PAGE_SIZE + " bytes, not "
                    + region.byteSize() + " bytes");
        }
        if (pageTables && !region.isNative()) {
            throw new IllegalArgumentException("the page-table back-ends track native or mapped memory, not a heap array");
        }
        if (region.isNative() && region.address() % PAGE_SIZE != 0) {
            throw new IllegalArgumentException("a tracked region starts on a page boundary; 0x"
                    + Long.toHexString(region.address()) + " does not (allocate it with alignment " + PAGE_SIZE + ")");
        }
    }
}
