package smpnet.stack.internal.zerocopy;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.BitSet;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import smpnet.stack.zerocopy.DirtyDiff;

/**
 * Writes through {@link #write}/{@link #set} mark their pages in a bitmap of the writing thread (one word
 * per 64 pages), so writers on different threads never share a cache line; {@link #end} ORs the bitmaps.
 * A page already marked costs one plain read; a new one an atomic OR on the thread's own word. Writes made
 * directly into the segment are not seen.
 *
 * <p>Locking key: each bitmap word is written by its thread with an atomic OR and cleared by {@link #start}
 * with an atomic set, so a mark racing a start is either kept whole or cleared whole. {@code bitmaps} is a
 * copy-on-write list (a thread's first write adds its bitmap).
 */
final class WriteBarrierTracker extends AbstractTracker {
    private static final VarHandle WORD = MethodHandles.arrayElementVarHandle(long[].class);
    private final List<long[]> bitmaps = new CopyOnWriteArrayList<>();
    private final ThreadLocal<long[]> mine = ThreadLocal.withInitial(this::newBitmap);

    WriteBarrierTracker(java.lang.foreign.MemorySegment region) { super(region); }

    private long[] newBitmap() {
        long[] b = new long[(pages + 63) / 64];
        bitmaps.add(b);
        return b;
    }

    @Override public Backend backend() { return Backend.WRITE_BARRIER; }

    @Override
    public void write(long offset, byte[] src, int srcOff, int len) {
        if (len > 0) mark(offset, offset + len);
        super.write(offset, src, srcOff, len);
    }

    @Override
    public void set(long offset, byte value) {
        mark(offset, offset + 1);
        super.set(offset, value);
    }

    /** Marks the pages of bytes {@code [from, to)} (before the write: a window ending after it sees the mark). */
    private void mark(long from, long to) {
        if (from < 0 || to > region.byteSize()) {
            throw new IndexOutOfBoundsException("bytes [" + from + ", " + to + ") outside a region of " + region.byteSize());
        }
        long[] b = mine.get();
        int last = (int) ((to - 1) / Trackers.PAGE_SIZE);
        for (int p = (int) (from / Trackers.PAGE_SIZE); p <= last; p++) {
            long bit = 1L << p;
            int w = p >>> 6;
            if (((long) WORD.getOpaque(b, w) & bit) == 0) WORD.getAndBitwiseOr(b, w, bit);
        }
    }

    @Override
    public void start() {
        for (long[] b : bitmaps) {
            for (int w = 0; w < b.length; w++) WORD.getAndSet(b, w, 0L);
        }
    }

    @Override
    public DirtyDiff end() {
        long[] all = new long[(pages + 63) / 64];
        for (long[] b : bitmaps) {
            for (int w = 0; w < b.length; w++) all[w] |= (long) WORD.getVolatile(b, w);
        }
        return DirtyDiff.of(Trackers.PAGE_SIZE, region.byteSize(), BitSet.valueOf(all));
    }

    @Override
    public void close() { bitmaps.clear(); }
}
