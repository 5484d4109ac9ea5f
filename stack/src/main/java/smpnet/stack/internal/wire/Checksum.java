package smpnet.stack.internal.wire;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Objects;

/**
 * The Internet checksum (RFC 1071): a one's complement sum of 16-bit words, folded and complemented.
 * An accumulator, so a datagram spread over several buffers (an mbuf chain) is summed piece by piece: a
 * piece of odd length leaves its last byte pending, to pair with the first byte of the next piece.
 */
public final class Checksum {
    private static final ValueLayout.OfLong NATIVE_64 = ValueLayout.JAVA_LONG_UNALIGNED;
    private static final VarHandle ARRAY_NATIVE_64 = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.nativeOrder());
    private static final boolean LITTLE_ENDIAN = ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN;
    private static final long LOW32 = 0xffff_ffffL;
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
        // The bulk in the machine's own byte order, 32 bytes a round (RFC 1071 2(B): the one's complement sum
        // of byte-swapped words is the byte-swapped sum), folded and swapped once at the end.
        long native64 = 0;
        for (; i + 32 <= end; i += 32) {
            long a = s.get(NATIVE_64, i);
            long b = s.get(NATIVE_64, i + 8);
            long c = s.get(NATIVE_64, i + 16);
            long d = s.get(NATIVE_64, i + 24);
            native64 += (a >>> 32) + (a & LOW32) + (b >>> 32) + (b & LOW32)
                    + (c >>> 32) + (c & LOW32) + (d >>> 32) + (d & LOW32);
        }
        for (; i + 8 <= end; i += 8) {
            long v = s.get(NATIVE_64, i);
            native64 += (v >>> 32) + (v & LOW32);
        }
        sum += toNetworkOrder(native64);
        for (; i + 2 <= end; i += 2) sum += Bytes.u16(s, i);
        if (i < end) pendingHighByte = Bytes.u8(s, i);
        return this;
    }

    /**
     * Copies {@code len} bytes of {@code src} from {@code srcOff} into {@code dst} at {@code dstOff} and adds
     * them to the sum, in one pass over the data (FreeBSD's and Linux's csum_and_copy): the data is read
     * once, for both. The sum is that of {@link #add} over the copied bytes.
     */
    public Checksum addCopy(byte[] src, int srcOff, MemorySegment dst, long dstOff, int len) {
        Objects.checkFromIndexSize(srcOff, len, src.length);
        Objects.checkFromIndexSize(dstOff, len, dst.byteSize());
        int i = srcOff;
        int end = srcOff + len;
        long d = dstOff - srcOff; // dst offset = source index + d
        if (pendingHighByte >= 0 && i < end) {
            int b = src[i] & 0xff;
            dst.set(ValueLayout.JAVA_BYTE, i + d, (byte) b);
            sum += (pendingHighByte << 8) | b;
            pendingHighByte = -1;
            i++;
        }
        long native64 = 0;
        for (; i + 16 <= end; i += 16) {
            long a = (long) ARRAY_NATIVE_64.get(src, i);
            long b = (long) ARRAY_NATIVE_64.get(src, i + 8);
            dst.set(NATIVE_64, i + d, a);
            dst.set(NATIVE_64, i + 8 + d, b);
            native64 += (a >>> 32) + (a & LOW32) + (b >>> 32) + (b & LOW32);
        }
        for (; i + 8 <= end; i += 8) {
            long v = (long) ARRAY_NATIVE_64.get(src, i);
            dst.set(NATIVE_64, i + d, v);
            native64 += (v >>> 32) + (v & LOW32);
        }
        sum += toNetworkOrder(native64);
        for (; i + 2 <= end; i += 2) {
            int w = ((src[i] & 0xff) << 8) | (src[i + 1] & 0xff);
            dst.set(ValueLayout.JAVA_BYTE, i + d, src[i]);
            dst.set(ValueLayout.JAVA_BYTE, i + 1 + d, src[i + 1]);
            sum += w;
        }
        if (i < end) {
            dst.set(ValueLayout.JAVA_BYTE, i + d, src[i]);
            pendingHighByte = src[i] & 0xff;
        }
        return this;
    }

    /**
     * A sum of 32-bit words read in the machine's byte order, as the network-order 16-bit one's complement
     * sum it stands for (folded to 16 bits, byte-swapped on a little-endian machine).
     */
    private static long toNetworkOrder(long native64) {
        long s = native64;
        while ((s >>> 16) != 0) s = (s & 0xffff) + (s >>> 16);
        return LITTLE_ENDIAN ? ((s & 0xff) << 8) | (s >>> 8) : s;
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
