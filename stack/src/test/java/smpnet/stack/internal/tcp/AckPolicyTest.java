package smpnet.stack.internal.tcp;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** FreeBSD's DELAY_ACK rule, fact by fact: only an in-order, at most full-sized segment with nothing owed waits. */
class AckPolicyTest {
    private static final int MSS = 1000;

    private static boolean delay(int seq, int len, int rcvNxt, boolean reassemblyEmpty, boolean ackPending) {
        return AckPolicy.FREEBSD.delay(new AckPolicy.Arrival(seq, len, rcvNxt, MSS, reassemblyEmpty, ackPending));
    }

    @Test
    void aLoneInOrderSegmentWaits() {
        assertTrue(delay(1, MSS, 1, true, false));
        assertTrue(delay(1, 1, 1, true, false));
        assertTrue(delay(-5, MSS, -5, true, false)); // sequence numbers wrap: equality is all that counts
    }

    @Test
    void theSecondSegmentIsAcknowledgedAtOnce() {
        assertFalse(delay(1001, MSS, 1001, true, true));
    }

    @Test
    void outOfOrderAndHoleFillingSegmentsAreAcknowledgedAtOnce() {
        assertFalse(delay(2001, MSS, 1, true, false));   // beyond rcv_nxt
        assertFalse(delay(1, MSS, 1, false, false));     // at rcv_nxt, with data queued beyond it: fills a hole
    }

    @Test
    void aSegmentLargerThanOneFullSizedSegmentIsAcknowledgedAtOnce() {
        assertFalse(delay(1, MSS + 1, 1, true, false));
    }
}
