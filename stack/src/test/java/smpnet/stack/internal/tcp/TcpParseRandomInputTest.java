package smpnet.stack.internal.tcp;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import smpnet.stack.internal.wire.MalformedPacketException;
import smpnet.stack.internal.wire.TcpHeader;

/**
 * TCP input's parsing (header view, then options) over seeded random and mutated segments: it refuses bad
 * bytes with MalformedPacketException only, never another exception, and what it accepts is within bounds.
 * The host-level campaign is {@code ./smpnet fuzz tcp}; this is its quick, deterministic cousin.
 */
class TcpParseRandomInputTest {
    private static final int INPUTS = 50_000;

    @Test void randomAndMutatedSegmentsParseOrAreRefusedCleanly() {
        SplittableRandom rnd = new SplittableRandom(20261203);
        byte[] opts = TcpOptions.syn(TcpOptions.MSS | TcpOptions.WSCALE | TcpOptions.SACK_PERMITTED | TcpOptions.TIMESTAMP,
                1460, 6, 100, 0);
        byte[] seed = new byte[64];
        TcpHeader.write(MemorySegment.ofArray(seed), 1, 2, 3, 4, TcpHeader.SYN, 5, opts);
        int accepted = 0;
        int refused = 0;
        int malformedOptions = 0;
        for (int i = 0; i < INPUTS; i++) {
            byte[] b;
            if (rnd.nextBoolean()) {
                b = new byte[rnd.nextInt(70)];
                rnd.nextBytes(b);
            } else {
                b = java.util.Arrays.copyOf(seed, 20 + rnd.nextInt(45));
                for (int k = rnd.nextInt(1, 5); k > 0; k--) b[rnd.nextInt(b.length)] = (byte) rnd.nextInt(256);
            }
            try {
                TcpHeader h = new TcpHeader(MemorySegment.ofArray(b));
                assertTrue(h.headerLength() >= 20 && h.headerLength() <= b.length);
                TcpOptions.Parsed p = TcpOptions.parse(h.options(), h.has(TcpHeader.SYN));
                assertTrue(p.sackBlockCount() <= TcpOptions.MAX_SACK_BLOCKS);
                assertTrue(p.wscale() <= TcpOptions.MAX_WSCALE);
                TcpOptions.toString(h.options());
                if (p.malformed()) malformedOptions++;
                accepted++;
            } catch (MalformedPacketException e) {
                refused++;
            }
        }
        assertTrue(accepted > INPUTS / 10 && refused > INPUTS / 10 && malformedOptions > INPUTS / 200,
                "the inputs reach every path: " + accepted + " accepted, " + refused + " refused, "
                        + malformedOptions + " with malformed options");
    }
}
