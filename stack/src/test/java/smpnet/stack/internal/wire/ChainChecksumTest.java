package smpnet.stack.internal.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.lang.foreign.MemorySegment;
import org.junit.jupiter.api.Test;
import smpnet.stack.mbuf.Mbuf;
import smpnet.stack.mbuf.MbufAllocator;

/** The checksum over an mbuf chain with odd-sized pieces equals the checksum of the same bytes in one piece. */
class ChainChecksumTest {
    @Test void chainOfOddPiecesEqualsContiguous() {
        MbufAllocator alloc = MbufAllocator.create("cksum");
        byte[] all = new byte[3001];
        for (int i = 0; i < all.length; i++) all[i] = (byte) (i * 31 + 7);
        Mbuf m = alloc.fromBytes(all, 0, 101, Mbuf.M_WAIT);
        m.concat(alloc.fromBytes(all, 101, 1999, Mbuf.M_WAIT));
        m.concat(alloc.fromBytes(all, 2100, 901, Mbuf.M_WAIT));
        MemorySegment flat = MemorySegment.ofArray(all);
        for (int[] r : new int[][] {{0, 3001}, {1, 3000}, {101, 1999}, {99, 5}, {2999, 2}}) {
            assertEquals(Checksum.of(flat, r[0], r[1]), ChainChecksum.of(m, r[0], r[1]), "range " + r[0] + "+" + r[1]);
        }
        assertEquals(new Checksum().addPseudoHeader(1, 2, 17, 3001).add(flat, 0, 3001).finish(),
                ChainChecksum.withPseudoHeader(m, 0, 3001, 1, 2, 17));
        assertThrows(IllegalArgumentException.class, () -> ChainChecksum.of(m, 3000, 2));
        m.freeChain();
    }
}
