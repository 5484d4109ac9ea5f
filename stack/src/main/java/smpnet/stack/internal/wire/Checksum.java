package smpnet.stack.internal.wire;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * The Internet checksum (RFC 1071): a one's complement sum of 16-bit words, folded and complemented.
 * An accumulator, so a datagram spread over several buffers (an mbuf chain) is summed piece by piece: a
 * piece of odd length leaves its last byte pending, to pair with the first byte of the next piece.
 */
public final class Checksum {
    private long sum;
    private int pendingHighByte = -1;

    /** Adds {@code len} bytes of {@code s} from {@code off}. */
    public Checksum add(MemorySegment s, long off, int len) {
        long i = off;
        long end = off + len;
        if (pendingHighByte >= 0 && i < end) {
            sum += (pendingHighByte << 8) | Bytes.u8(s, i++);
            pendingHighByte = -1;
        }
        long bulk = (end - i) & ~7L;
        if (bulk > 0) {
            sum += swappedSum(s, i, bulk);
            i += bulk;
        }
        for (; i + 4 <= end; i += 4) sum += Bytes.u32(s, i) & 0xffff_ffffL;
        for (; i + 2 <= end; i += 2) sum += Bytes.u16(s, i);
        if (i < end) pendingHighByte = Bytes.u8(s, i);
        return this;
    }

    /** Four bytes a read, in little-endian order: no byte swap per read (see {@link #swappedSum}). */
    private static final ValueLayout.OfInt LE32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    /**
     * The one's complement sum of the big-endian 16-bit words of {@code s[from, from+len)} ({@code len} a
     * multiple of 8), folded to 16 bits. Read four bytes at a time in little-endian order and added, zero
     * extended, into one 64-bit sum: each 32-bit value is its two byte-swapped words' sum modulo 0xffff
     * (2^16 is 1 there), and since the sum is byte-order independent (RFC 1071 2(B)) swapping its folded
     * value gives the big-endian words' sum. Zero only for all-zero bytes, as the sum it stands for. 16,384
     * reads of a 64 KB packet stay below 2^46. This simplest loop is one the compiler vectorizes: {@link #add}
     * of 1,460 bytes took 36 ns against 150 for the loop it replaced (eight bytes a read, split into two
     * halves, in two sums), in one run of {@code ChecksumBench} (sumOnly against sumLongHalves, average time,
     * 2 forks).
     *
     * <p>Through the segment, whatever backs it: an mbuf's data is a read-only segment whenever its cluster
     * is shared (a TSO frame's payload, a segment TCP still holds for retransmission), and a read-only heap
     * segment has no array to read. The compiler hoists this loop's bounds checks, so it is as fast as a
     * loop over the array (and 4 to 5 times the big-endian read of one long at a time it replaced, measured
     * on 1,448 bytes of a read-only segment).
     */
    private static long swappedSum(MemorySegment s, long from, long len) {
        return s.isNative() ? swappedSumNative(s, from, len) : swappedSumHeap(s, from, len);
    }

    /**
     * {@link #swappedSum} of a heap segment (an mbuf's cluster or header). The same loop as
     * {@link #swappedSumNative}, kept apart so that the compiler's profile of each sees one kind of segment:
     * one loop seeing both (a zero-copy send's frames reference native memory, their headers heap memory)
     * had its reads left as calls with a bounds check each, a third of the sum's time.
     */
    private static long swappedSumHeap(MemorySegment s, long from, long len) {
        long x = 0;
        for (long i = from, to = from + len; i < to; i += 4) x += s.get(LE32, i) & 0xffff_ffffL;
        return fold(x);
    }

    /** {@link #swappedSum} of a native segment (a zero-copy region, a mapped file): see {@link #swappedSumHeap}. */
    private static long swappedSumNative(MemorySegment s, long from, long len) {
        long x = 0;
        for (long i = from, to = from + len; i < to; i += 4) x += s.get(LE32, i) & 0xffff_ffffL;
        return fold(x);
    }

    /** {@code sum} folded to 16 bits and byte-swapped (see {@link #swappedSum}). */
    private static long fold(long sum) {
        long folded = sum;
        while ((folded >>> 16) != 0) folded = (folded & 0xffff) + (folded >>> 16);
        return ((folded & 0xff) << 8) | (folded >>> 8);
    }

    /** Adds one 16-bit word (a pseudo-header field). */
    public Checksum addWord(int word) {
        sum += word & 0xffff;
        return this;
    }

    /** Adds the IPv4 pseudo-header of RFC 768 / RFC 9293 3.1: addresses, protocol, upper-layer length. */
    public Checksum addPseudoHeader(int src, int dst, int protocol, int length) {
        return addWord(src >>> 16).addWord(src).addWord(dst >>> 16).addWord(dst).addWord(protocol).addWord(length);
    }

    /** The checksum field value: the complement of the folded sum (0 when the data carries a valid sum). */
    public int finish() {
        long s = sum + (pendingHighByte >= 0 ? pendingHighByte << 8 : 0);
        while ((s >>> 16) != 0) s = (s & 0xffff) + (s >>> 16);
        return (int) (~s & 0xffff);
    }

    /** The checksum of one contiguous region. */
    public static int of(MemorySegment s, long off, int len) { return new Checksum().add(s, off, len).finish(); }
}
