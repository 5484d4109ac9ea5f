package smpnet.stack.internal.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * {@link Checksum}, which reads 32 bytes a round in the machine's byte order, and its copying sum
 * {@link Checksum#addCopy}, against RFC 1071 summed one 16-bit word at a time and against the previous
 * implementation (big-endian, eight bytes a read).
 */
class ChecksumTest {
    /** RFC 1071 section 4.1, word by word, an odd last byte padded with zero. */
    private static int reference(byte[] b, int off, int len) {
        long sum = 0;
        int i = off;
        for (; i + 1 < off + len; i += 2) sum += ((b[i] & 0xff) << 8) | (b[i + 1] & 0xff);
        if (i < off + len) sum += (b[i] & 0xff) << 8;
        return complementOfFolded(sum);
    }

    private static int complementOfFolded(long sum) {
        long s = sum;
        while ((s >>> 16) != 0) s = (s & 0xffff) + (s >>> 16);
        return (int) (~s & 0xffff);
    }

    @Test
    void everyLengthAndOffsetMatchesTheWordByWordSum() {
        SplittableRandom rnd = new SplittableRandom(1071);
        byte[] b = new byte[1600];
        for (int round = 0; round < 4; round++) {
            for (int i = 0; i < b.length; i++) b[i] = (byte) (round == 0 ? 0xff : rnd.nextInt(256)); // all-ones: most carries
            MemorySegment s = MemorySegment.ofArray(b);
            for (int off = 0; off < 9; off++) {
                for (int len = 0; len <= 1514; len += (len < 40 ? 1 : 37)) {
                    assertEquals(reference(b, off, len), Checksum.of(s, off, len), "offset " + off + ", length " + len);
                }
            }
        }
    }

    @Test
    void piecesOfAnyParityAddUpToTheWhole() {
        byte[] b = new byte[1460];
        new SplittableRandom(7).nextBytes(b);
        MemorySegment s = MemorySegment.ofArray(b);
        for (int cut : new int[] {1, 7, 8, 9, 733, 1459}) {
            int pieces = new Checksum().add(s, 0, cut).add(s, cut, b.length - cut).finish();
            assertEquals(reference(b, 0, b.length), pieces, "cut at " + cut);
        }
    }

    /** The previous implementation: eight bytes a read, big-endian, as two 32-bit halves; then 4, 2, 1. */
    private static int previous(MemorySegment s, int off, int len) {
        long sum = 0;
        int i = off;
        int end = off + len;
        for (; i + 8 <= end; i += 8) {
            long v = Bytes.u64(s, i);
            sum += (v >>> 32) + (v & 0xffff_ffffL);
        }
        for (; i + 4 <= end; i += 4) sum += Bytes.u32(s, i) & 0xffff_ffffL;
        for (; i + 2 <= end; i += 2) sum += Bytes.u16(s, i);
        if (i < end) sum += Bytes.u8(s, i) << 8;
        return complementOfFolded(sum);
    }

    @Test
    void randomRegionsMatchThePreviousImplementationAndTheReference() {
        SplittableRandom rnd = new SplittableRandom(1624);
        byte[] b = new byte[70_000];
        rnd.nextBytes(b);
        MemorySegment s = MemorySegment.ofArray(b);
        for (int n = 0; n < 2000; n++) {
            int len = n < 1000 ? rnd.nextInt(1600) : rnd.nextInt(65_536);
            int off = rnd.nextInt(b.length - len + 1);
            int expected = reference(b, off, len);
            assertEquals(expected, previous(s, off, len), "offset " + off + ", length " + len);
            assertEquals(expected, Checksum.of(s, off, len), "offset " + off + ", length " + len);
        }
    }

    @Test
    void copyingSumCopiesEveryByteAndSumsAsTheReference() {
        SplittableRandom rnd = new SplittableRandom(1141);
        byte[] src = new byte[4096];
        for (int round = 0; round < 2; round++) {
            for (int i = 0; i < src.length; i++) src[i] = (byte) (round == 0 ? 0xff : rnd.nextInt(256));
            for (int n = 0; n < 600; n++) {
                int len = n < 100 ? n : rnd.nextInt(2049);
                int off = rnd.nextInt(src.length - len + 1);
                int dstOff = rnd.nextInt(16);
                byte[] dst = new byte[len + 32];
                Arrays.fill(dst, (byte) 0x5a);
                int sum = new Checksum().addCopy(src, off, MemorySegment.ofArray(dst), dstOff, len).finish();
                assertEquals(reference(src, off, len), sum, "offset " + off + ", length " + len);
                assertArrayEquals(Arrays.copyOfRange(src, off, off + len), Arrays.copyOfRange(dst, dstOff, dstOff + len));
                for (int i = 0; i < dst.length; i++) {
                    if (i < dstOff || i >= dstOff + len) assertEquals((byte) 0x5a, dst[i], "byte " + i + " outside the copy");
                }
            }
        }
    }

    @Test
    void copyingSumsOfOddPiecesAddUpWithPlainSums() {
        byte[] b = new byte[1460];
        new SplittableRandom(9).nextBytes(b);
        byte[] dst = new byte[b.length];
        MemorySegment d = MemorySegment.ofArray(dst);
        for (int cut : new int[] {0, 1, 3, 8, 15, 17, 731, 1459, 1460}) {
            Arrays.fill(dst, (byte) 0);
            // An odd piece copied, then the rest summed in place, then copied with the pending byte carried.
            int mixed = new Checksum().addCopy(b, 0, d, 0, cut).add(MemorySegment.ofArray(b), cut, b.length - cut).finish();
            assertEquals(reference(b, 0, b.length), mixed, "cut at " + cut);
            int copied = new Checksum().add(MemorySegment.ofArray(b), 0, cut).addCopy(b, cut, d, cut, b.length - cut).finish();
            assertEquals(reference(b, 0, b.length), copied, "cut at " + cut);
            assertArrayEquals(Arrays.copyOfRange(b, cut, b.length), Arrays.copyOfRange(dst, cut, b.length));
        }
    }

    @Test
    void copyingSumRejectsRangesOutsideEitherBuffer() {
        byte[] src = new byte[100];
        MemorySegment dst = MemorySegment.ofArray(new byte[50]);
        assertThrows(IndexOutOfBoundsException.class, () -> new Checksum().addCopy(src, 60, dst, 0, 41));
        assertThrows(IndexOutOfBoundsException.class, () -> new Checksum().addCopy(src, 0, dst, 10, 41));
        assertThrows(IndexOutOfBoundsException.class, () -> new Checksum().addCopy(src, -1, dst, 0, 4));
    }
}
