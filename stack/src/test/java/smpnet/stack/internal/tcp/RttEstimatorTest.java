package smpnet.stack.internal.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class RttEstimatorTest {
    private static final long MS = 1_000_000L;

    private static RttEstimator freebsd() {
        return new RttEstimator(RttEstimator.DEFAULT_REXMIT_MIN_NANOS, RttEstimator.DEFAULT_REXMIT_SLOP_NANOS);
    }

    @Test void startsAtOneSecond() {
        RttEstimator e = freebsd();
        assertEquals(1000 * MS, e.rtoNanos());
        assertEquals(0, e.srttNanos());
        assertEquals(250 * MS, e.rttvarNanos());
        // A data retransmission before any sample backs off from SRTT + 4 RTTVAR = 1 s, plus the slop.
        assertEquals(2 * 1000 * MS + 200 * MS, e.backoffNanos(1));
    }

    @Test void firstSampleSetsSrttAndHalfVariance() {
        RttEstimator e = freebsd();
        e.sample(100 * MS);
        assertEquals(100 * MS, e.srttNanos());
        assertEquals(50 * MS, e.rttvarNanos());
        // max(30 ms, 100 + 4 * 50) + 200 ms slop
        assertEquals(500 * MS, e.rtoNanos());
        assertEquals(1, e.samples());
    }

    @Test void laterSamplesSmoothAsRfc6298() {
        RttEstimator e = freebsd();
        e.sample(100 * MS);
        e.sample(180 * MS);
        // RTTVAR = 3/4 * 50 + 1/4 * |100 - 180| = 57.5; SRTT = 7/8 * 100 + 1/8 * 180 = 110
        assertEquals(110 * MS, e.srttNanos());
        assertEquals(57_500_000L, e.rttvarNanos());
        assertEquals(110 * MS + 4 * 57_500_000L + 200 * MS, e.rtoNanos());
    }

    @Test void aFastPathGetsRexmitMinPlusSlop() {
        // On a LAN (RTT 0.1 ms) FreeBSD's timeout is rexmit_min + rexmit_slop = 230 ms, not RFC 6298's 1 s.
        RttEstimator e = freebsd();
        for (int i = 0; i < 50; i++) e.sample(100_000L);
        assertEquals(230 * MS, e.rtoNanos());
        assertEquals(2 * 30 * MS + 200 * MS, e.backoffNanos(1));
    }

    @Test void neverBelowTheSamplePlusTwoTicks() {
        // With no slop and no minimum, the timeout still covers the sample plus two ticks (2 ms).
        RttEstimator e = new RttEstimator(0, 0);
        e.sample(10 * MS);
        assertEquals(10 * MS + 4 * 5 * MS, e.rtoNanos());
        for (int i = 0; i < 200; i++) e.sample(10 * MS);
        assertEquals(12 * MS, e.rtoNanos(), "RTTVAR decays towards 0; the floor is R + 2 ms");
    }

    @Test void backoffFollowsTcpBackoffAndCapsAt64Seconds() {
        RttEstimator e = freebsd();
        e.sample(100 * MS); // SRTT + 4 RTTVAR = 300 ms
        int[] expected = {1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 512, 512, 512};
        for (int shift = 0; shift <= RttEstimator.MAX_RXT_SHIFT; shift++) {
            assertEquals(expected[shift], RttEstimator.backoff(shift));
            assertEquals(Math.min(300 * MS * expected[shift] + 200 * MS, 64_000 * MS), e.backoffNanos(shift), "shift " + shift);
        }
        assertThrows(IllegalArgumentException.class, () -> RttEstimator.backoff(13));
    }

    @Test void synBackoffStartsFromOneSecond() {
        RttEstimator e = freebsd();
        e.sample(5 * MS); // ignored by the SYN timer
        assertEquals(1200 * MS, e.synBackoffNanos(0));
        assertEquals(2200 * MS, e.synBackoffNanos(1));
        assertEquals(4200 * MS, e.synBackoffNanos(2));
        assertEquals(32_200 * MS, e.synBackoffNanos(5));
        assertEquals(64_000 * MS, e.synBackoffNanos(6));
    }

    @Test void invalidateMovesSrttIntoRttvarAndRestarts() {
        RttEstimator e = freebsd();
        e.sample(100 * MS);
        e.invalidate();
        assertEquals(0, e.srttNanos());
        assertEquals(150 * MS, e.rttvarNanos());
        assertEquals(2 * 600 * MS + 200 * MS, e.backoffNanos(1), "max(30 ms, 0 + 4 * 150 ms) doubled, plus slop");
        e.sample(40 * MS);
        assertEquals(40 * MS, e.srttNanos(), "the next sample is taken as a first one");
        assertEquals(20 * MS, e.rttvarNanos());
    }

    @Test void persistIntervalAddsTheSlopBeforeClamping() {
        RttEstimator e = freebsd();
        long min = 5_000 * MS;
        long max = 60_000 * MS;
        assertEquals(min, e.persistNanos(0, min, max), "no sample: 8 * 250 ms + 200 ms, below persmin");
        assertEquals(2 * 2000 * MS + 200 * MS, e.persistNanos(1, 1, max), "no sample, unclamped: (0 + 8 * 250 ms) * 2 + slop");
        e.sample(100 * MS);
        e.sample(100 * MS); // SRTT 100 ms, RTTVAR 37.5 ms: 4 SRTT + 8 RTTVAR = 700 ms
        assertEquals(min, e.persistNanos(2, min, max), "700 ms * 4 + 200 ms is below persmin");
        assertEquals(700 * MS * 8 + 200 * MS, e.persistNanos(3, min, max));
        assertEquals(700 * MS * 16 + 200 * MS, e.persistNanos(4, min, max));
        assertEquals(max, e.persistNanos(7, min, max));
    }

    @Test void resetForgetsEverything() {
        RttEstimator e = freebsd();
        e.sample(100 * MS);
        e.reset();
        assertEquals(1000 * MS, e.rtoNanos());
        assertEquals(0, e.samples());
    }
}
