package smpnet.stack.zerocopy;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;

/**
 * The pages of a region written in a tracking window, as every {@link DirtyTracker} back-end reports them:
 * page numbers counted from the region's start, and the same pages as byte ranges of the region (runs of
 * adjacent pages merged). Page-granular: a one-byte write reports its whole page.
 *
 * @param pageSize the page size the pages are counted in
 * @param pages the written pages, ascending
 * @param ranges the written bytes, {@code [start, end)} offsets in the region, ascending and disjoint
 */
public record DirtyDiff(int pageSize, List<Integer> pages, List<Range> ranges) {
    /** Bytes {@code [start, end)} of the region. */
    public record Range(long start, long end) {
        @Override public String toString() { return "[" + start + ", " + end + ")"; }
    }

    public DirtyDiff {
        pages = List.copyOf(pages);
        ranges = List.copyOf(ranges);
    }

    /** The diff of {@code written} (a bit per page) in a region of {@code regionSize} bytes. */
    public static DirtyDiff of(int pageSize, long regionSize, BitSet written) {
        List<Integer> pages = new ArrayList<>();
        List<Range> ranges = new ArrayList<>();
        for (int p = written.nextSetBit(0); p >= 0; p = written.nextSetBit(p + 1)) {
            pages.add(p);
            long start = (long) p * pageSize;
            long end = Math.min(start + pageSize, regionSize);
            Range last = ranges.isEmpty() ? null : ranges.get(ranges.size() - 1);
            if (last != null && last.end() == start) ranges.set(ranges.size() - 1, new Range(last.start(), end));
            else ranges.add(new Range(start, end));
        }
        return new DirtyDiff(pageSize, pages, ranges);
    }

    /** True if no page was written. */
    public boolean isEmpty() { return pages.isEmpty(); }

    @Override
    public String toString() { return isEmpty() ? "no page written" : "pages " + pages + ", bytes " + ranges; }
}
