package smpnet.stack.zerocopy;

import java.lang.foreign.MemorySegment;
import smpnet.stack.internal.StackProperties;
import smpnet.stack.internal.zerocopy.Trackers;

/**
 * Which pages of a region of memory were written between {@link #start()} and {@link #end()}: the check that
 * an application did not write into a region the stack still sends from (zero-copy). One interface, four
 * back-ends ({@link Backend}), each reporting the same page-granular {@link DirtyDiff}.
 *
 * <pre>{@code
 *   try (Arena arena = Arena.ofShared()) {
 *       MemorySegment region = arena.allocate(64 * 4096, 4096);     // page-aligned, whole pages
 *       try (DirtyTracker t = DirtyTracker.open(region)) {            // back-end from smpnet.dirty.backend
 *           t.start();
 *           ... hand the region to the stack; nobody should write it ...
 *           DirtyDiff d = t.end();                                    // "no page written", or the pages
 *       }
 *   }
 * }</pre>
 *
 * <p>The region must start on a page boundary and be a whole number of pages. Writes through {@link #write}
 * and {@link #set} are seen by every back-end; writes made directly into the segment (any thread, any code)
 * by all but {@link Backend#WRITE_BARRIER}. A window sees the writes that happen-before {@link #end()}; call
 * {@code start}, {@code end} from one thread at a time. {@link #close()} releases what the back-end holds
 * (the region itself stays the caller's).
 */
public interface DirtyTracker extends AutoCloseable {
    /** How the writes are found. */
    enum Backend {
        /**
         * userfaultfd write-protection in asynchronous mode (Linux 6.7+): the kernel marks written pages in
         * the page tables, {@code PAGEMAP_SCAN} reads and re-protects them. Per region, any memory, no copy;
         * the first write to a page in a window costs a minor fault.
         */
        USERFAULTFD("userfaultfd"),
        /**
         * The soft-dirty bits of the page tables ({@code /proc/self/clear_refs}, bit 55 of
         * {@code /proc/self/pagemap}). Process-wide: a start clears every mapping's bits, so one soft-dirty
         * window at a time; refused where the kernel is built without soft-dirty.
         */
        SOFT_DIRTY("soft-dirty"),
        /** A snapshot of the region at start, compared at end: portable; finds changed bytes, not rewrites of equal values. */
        COPY_COMPARE("copy"),
        /**
         * Writes made through the tracker's {@link #write}/{@link #set} mark their pages in a bitmap of the
         * writing thread: cheapest, portable, but blind to writes made directly into the segment.
         */
        WRITE_BARRIER("barrier");

        private final String setting;

        Backend(String setting) { this.setting = setting; }

        /** The name the setting {@value StackProperties#DIRTY_BACKEND} takes for this back-end. */
        public String setting() { return setting; }

        /** The back-end named {@code setting} ("userfaultfd", "soft-dirty", "copy", "barrier"). */
        public static Backend bySetting(String setting) {
            for (Backend b : values()) if (b.setting.equals(setting)) return b;
            throw new IllegalArgumentException(StackProperties.DIRTY_BACKEND + " must be userfaultfd, soft-dirty, copy"
                    + " or barrier, not \"" + setting + "\"");
        }

        /** Why this back-end cannot run in this process, or null if it can. */
        public String unavailableReason() { return Trackers.unavailableReason(this); }
    }

    /**
     * A tracker of {@code region} with the back-end the setting {@value StackProperties#DIRTY_BACKEND} names
     * (default: userfaultfd where it runs, else copy-and-compare).
     */
    static DirtyTracker open(MemorySegment region) { return open(region, Trackers.configured()); }

    /**
     * A tracker of {@code region} with {@code backend}; an {@link UnsupportedOperationException} with the
     * reason when the back-end cannot run here, an {@link IllegalArgumentException} for a region that is not
     * whole aligned pages (or not native memory, for the page-table back-ends).
     */
    static DirtyTracker open(MemorySegment region, Backend backend) { return Trackers.open(region, backend); }

    Backend backend();

    /** The tracked region. */
    MemorySegment region();

    /** The page size diffs count in. */
    int pageSize();

    /** Begins a window: writes made before it are forgotten. */
    void start();

    /** The pages written since {@link #start()}. */
    DirtyDiff end();

    /** Copies {@code src[srcOff, srcOff+len)} to {@code offset} of the region (seen by every back-end). */
    void write(long offset, byte[] src, int srcOff, int len);

    /** Writes one byte at {@code offset} of the region (seen by every back-end). */
    void set(long offset, byte value);

    @Override
    void close();
}
