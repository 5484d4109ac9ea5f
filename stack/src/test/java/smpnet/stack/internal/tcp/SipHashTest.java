package smpnet.stack.internal.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import org.junit.jupiter.api.Test;

class SipHashTest {
    // The reference implementation's vectors: key 00 01 .. 0f, message 00 01 .. (n-1), output read little-endian.
    private static final long K0 = 0x0706050403020100L;
    private static final long K1 = 0x0f0e0d0c0b0a0908L;

    private static byte[] counting(int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) b[i] = (byte) i;
        return b;
    }

    @Test void matchesTheReferenceVectors() {
        assertEquals(0x726fdb47dd0e0e31L, SipHash.hash(K0, K1, counting(0), 0, 0));
        assertEquals(0x74f839c593dc67fdL, SipHash.hash(K0, K1, counting(1), 0, 1));
        assertEquals(0xab0200f58b01d137L, SipHash.hash(K0, K1, counting(7), 0, 7));
        assertEquals(0x93f5f5799a932462L, SipHash.hash(K0, K1, counting(8), 0, 8));
        assertEquals(0x9e0082df0ba9e4b0L, SipHash.hash(K0, K1, counting(9), 0, 9));
        assertEquals(0xa129ca6149be45e5L, SipHash.hash(K0, K1, counting(15), 0, 15), "the paper's appendix example");
    }

    @Test void wordFormsEqualTheByteForm() {
        byte[] m = counting(24);
        long m0 = 0x0706050403020100L;
        long m1 = 0x0f0e0d0c0b0a0908L;
        assertEquals(SipHash.hash(K0, K1, m, 0, 16), SipHash.hash(K0, K1, m0, m1));
        assertEquals(SipHash.hash(K0, K1, m, 0, 16), SipHash.hash(K0, K1, m0, m1, 0x1234, 0));
        for (int tail = 1; tail <= 7; tail++) {
            long high = -1L << 8 * tail; // bytes beyond the tail: set, and ignored
            long word = (0x1716151413121110L & ~high) | high;
            assertEquals(SipHash.hash(K0, K1, m, 0, 16 + tail), SipHash.hash(K0, K1, m0, m1, word, tail), "tail " + tail);
        }
        assertEquals(SipHash.hash(K0, K1, m, 0, 17), SipHash.hash(K0, K1, m0, m1, 0xabcd_ef00_0000_0010L, 1));
        assertEquals(SipHash.hash(K0, K1, m, 0, 23), SipHash.hash(K0, K1, m0, m1, 0xff16_1514_1312_1110L, 7));
    }

    @Test void theKeyMatters() {
        assertNotEquals(SipHash.hash(K0, K1, 1, 2), SipHash.hash(K0 + 1, K1, 1, 2));
        assertNotEquals(SipHash.hash(K0, K1, 1, 2), SipHash.hash(K0, K1 + 1, 1, 2));
    }
}
