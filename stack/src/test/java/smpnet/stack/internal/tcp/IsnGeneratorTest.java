package smpnet.stack.internal.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class IsnGeneratorTest {
    private static final int L = 0x0a000002;
    private static final int F = 0x0a000001;

    @Test void theClockAdvancesOneEvery4Microseconds() {
        IsnGenerator g = new IsnGenerator(1, 2);
        int a = g.isn(L, 80, F, 40000, 0);
        assertEquals(a, g.isn(L, 80, F, 40000, 3_999), "same tuple, same tick");
        assertEquals(a + 1, g.isn(L, 80, F, 40000, 4_000));
        assertEquals(a + 250_000, g.isn(L, 80, F, 40000, 1_000_000_000L), "250,000 ticks a second");
        // A later incarnation of the same four-tuple starts ahead of the earlier one (RFC 9293 3.4.1).
        assertTrue(TcpSeq.gt(g.isn(L, 80, F, 40000, 60_000_000_000L), a));
    }

    @Test void eachPartOfTheTupleAndTheSecretChangeTheIsn() {
        IsnGenerator g = new IsnGenerator(1, 2);
        int a = g.isn(L, 80, F, 40000, 0);
        assertNotEquals(a, g.isn(L + 1, 80, F, 40000, 0));
        assertNotEquals(a, g.isn(L, 81, F, 40000, 0));
        assertNotEquals(a, g.isn(L, 80, F + 1, 40000, 0));
        assertNotEquals(a, g.isn(L, 80, F, 40001, 0));
        assertNotEquals(a, g.isn(F, 40000, L, 80, 0), "the direction matters");
        assertNotEquals(a, new IsnGenerator(1, 3).isn(L, 80, F, 40000, 0));
    }

    @Test void aSeededRandomGivesTheSameIsnsAgain() {
        int a = new IsnGenerator(new SplittableRandom(42)).isn(L, 80, F, 40000, 123_456);
        assertEquals(a, new IsnGenerator(new SplittableRandom(42)).isn(L, 80, F, 40000, 123_456));
        assertNotEquals(a, new IsnGenerator(new SplittableRandom(43)).isn(L, 80, F, 40000, 123_456));
    }

    @Test void neighbouringPortsGiveUnrelatedIsns() {
        IsnGenerator g = new IsnGenerator(0x0123456789abcdefL, 0x0fedcba987654321L);
        Set<Integer> seen = new HashSet<>();
        Set<Integer> highBytes = new HashSet<>();
        for (int port = 40000; port < 41000; port++) {
            int isn = g.isn(L, 80, F, port, 0);
            seen.add(isn);
            highBytes.add(isn >>> 24);
        }
        assertEquals(1000, seen.size());
        assertTrue(highBytes.size() > 200, "the top byte spreads over most of its 256 values: " + highBytes.size());
    }
}
