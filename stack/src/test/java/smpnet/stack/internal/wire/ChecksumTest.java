package smpnet.stack.internal.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * {@link Checksum}, which reads eight bytes at a time through the segment (an array's, a read-only view of it, or
 * native memory), against RFC 1071 summed one 16-bit word at a time.
 */
class ChecksumTest {
    /** RFC 1071 section 4.1, word by word, an odd last byte padded with zero. */
    private static int reference(byte[] b, int off, int len) {
        long sum = 0;
        int i = off;
        for (; i + 1 < off + len; i += 2) sum += ((b[i] & 0xff) << 8) | (b[i + 1] & 0xff);
        if (i < off + len) sum += (b[i] & 0xff) << 8;
        while ((sum >>> 16) != 0) sum = (sum & 0xffff) + (sum >>> 16);
        return (int) (~sum & 0xffff);
    }

    @Test
    void everyLengthAndOffsetMatchesTheWordByWordSum() {
        SplittableRandom rnd = new SplittableRandom(1071);
        byte[] b = new byte[1600];
        for (int round = 0; round < 5; round++) {
            // all-ones: most carries; all-zeros: a sum of 0, which folding must not turn into 0xffff
            for (int i = 0; i < b.length; i++) b[i] = (byte) (round == 0 ? 0xff : round == 1 ? 0 : rnd.nextInt(256));
            MemorySegment s = MemorySegment.ofArray(b);
            MemorySegment ro = s.asReadOnly();
            MemorySegment off16 = s.asSlice(16); // not at the array's start: the slices an mbuf's data() makes
            for (int off = 0; off < 9; off++) {
                for (int len = 0; len <= 1514; len += (len < 40 ? 1 : 37)) {
                    assertEquals(reference(b, off, len), Checksum.of(s, off, len), "offset " + off + ", length " + len);
                    // a read-only segment (a shared mbuf's data) is summed the same way, as is a slice
                    assertEquals(reference(b, off, len), Checksum.of(ro, off, len), "read-only, offset " + off + ", length " + len);
                    if (off + 16 + len <= b.length) {
                        assertEquals(reference(b, off + 16, len), Checksum.of(off16, off, len), "slice, offset " + off + ", length " + len);
                    }
                }
            }
        }
    }

    @Test
    void nativeMemorySumsAsTheArray() {
        byte[] b = new byte[1514];
        new SplittableRandom(1624).nextBytes(b);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment n = arena.allocate(b.length);
            MemorySegment.copy(b, 0, n, ValueLayout.JAVA_BYTE, 0, b.length);
            for (int off = 0; off < 9; off++) {
                for (int len : new int[] {0, 1, 7, 8, 15, 16, 17, 1448, b.length - off}) {
                    assertEquals(reference(b, off, len), Checksum.of(n, off, len), "native, offset " + off + ", length " + len);
                }
            }
        }
    }

    @Test
    void aFrameOfHeapHeadersAndNativePayloadSumsAsOneArray() {
        // a zero-copy frame: headers in a heap mbuf, the payload in the application's native region (read-only
        // when shared); the native and heap loops are separate methods, each must carry the pending odd byte
        for (int fill : new int[] {0xff, 0, -1}) {
            byte[] b = new byte[54 + 1448];
            if (fill >= 0) java.util.Arrays.fill(b, (byte) fill);
            else new SplittableRandom(9293).nextBytes(b);
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment payload = arena.allocate(1448);
                MemorySegment.copy(b, 54, payload, ValueLayout.JAVA_BYTE, 0, 1448);
                for (int hdr : new int[] {53, 54}) { // an odd header length leaves a byte pending into the payload
                    int len = hdr + 1448 - (54 - hdr);
                    byte[] whole = new byte[len];
                    System.arraycopy(b, 0, whole, 0, hdr);
                    System.arraycopy(b, 54, whole, hdr, 1448 - (54 - hdr));
                    int sum = new Checksum().add(MemorySegment.ofArray(b), 0, hdr)
                            .add(payload.asReadOnly(), 0, 1448 - (54 - hdr)).finish();
                    assertEquals(reference(whole, 0, len), sum, "fill " + fill + ", header " + hdr);
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
}
