package smpnet.stack.mbuf;

import java.lang.foreign.MemorySegment;
import smpnet.locking.CacheLinePadded;

/**
 * One zone item: a fixed block of bytes (an mbuf's internal data area or a cluster). The item is reused
 * across allocations; {@code uses} numbers them, so "mbuf#3.7" is the seventh life of item 3.
 *
 * <p>Padded ({@link CacheLinePadded}): {@code uses} is written on every allocation, and items move between
 * CPUs' caches through the pool, so without padding two items side by side in memory, each in use on
 * another CPU, would pass one cache line back and forth on every packet.
 */
final class Storage extends CacheLinePadded {
    final MemorySegment seg;
    final int index;
    /** Written only by the item's current owner (between its allocation and its free). */
    int uses;

    Storage(int index, int size) {
        this.index = index;
        this.seg = MemorySegment.ofArray(new byte[size]);
    }
}
