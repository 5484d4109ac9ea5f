package smpnet.stack.internal.tcp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import smpnet.stack.internal.tcp.SackScoreboard.Rule;
import smpnet.stack.internal.tcp.SackScoreboard.Segment;

/**
 * RFC 6675's scoreboard rules with exact numbers: SMSS 1000, ten segments sent from relative sequence number
 * 1000 (snd_max 11000). Each case runs at several bases, one wrapping the 32-bit space and one crossing the
 * sign bit, so the modular comparisons are exercised too.
 */
class SackScoreboardTest {
    private static final int SMSS = 1000;
    private int base;

    private int s(int rel) { return base + rel; }

    private int[] blocks(int... rel) {
        int[] out = new int[rel.length];
        for (int i = 0; i < rel.length; i++) out[i] = s(rel[i]);
        return out;
    }

    /** Base {@code b}; snd_una 1000, snd_max 11000, SACKed [2000,3000) [4000,5000) [6000,7000). */
    private SackScoreboard threeBlocks(int b) {
        base = b;
        SackScoreboard sb = new SackScoreboard(SMSS);
        sb.update(s(1000), s(11000), blocks(2000, 3000, 4000, 5000, 6000, 7000));
        return sb;
    }

    private Segment seg(int rel, int len, Rule r) { return new Segment(s(rel), len, r); }

    @ParameterizedTest
    @ValueSource(ints = {0, -3500, 0x7FFFF000})
    void updateAcceptsOnlyBlocksBetweenTheAckAndSndMax(int b) {
        base = b;
        SackScoreboard sb = new SackScoreboard(SMSS);
        assertEquals(1000, sb.update(s(1000), s(11000), blocks(2000, 3000)));
        assertEquals(0, sb.update(s(1000), s(11000), blocks(500, 900)), "below the ACK (a D-SACK)");
        assertEquals(0, sb.update(s(1000), s(11000), blocks(1000, 1500)), "starting at the ACK");
        assertEquals(0, sb.update(s(1000), s(11000), blocks(10500, 11500)), "beyond snd_max");
        assertEquals(0, sb.update(s(1000), s(11000), blocks(3000, 2500)), "inverted");
        assertEquals(0, sb.update(s(1000), s(11000), blocks(4000, 4000)), "empty");
        assertEquals(0, sb.update(s(1000), s(11000), blocks(2000, 2500)), "a D-SACK inside SACKed data");
        assertEquals(3000, sb.update(s(1000), s(11000), blocks(3000, 4000, 9000, 11000)), "merges with [2000,3000)");
        assertArrayEquals(blocks(2000, 4000, 9000, 11000), sb.blocks());
        assertEquals(4000, sb.sackedBytes());
        assertEquals(2, sb.holes());
        assertEquals(s(11000), sb.highestSacked());
        assertEquals(5, sb.invalidBlocks());
        // A cumulative ACK into a block trims it; one beyond it removes it.
        sb.update(s(3000), s(11000), null);
        assertArrayEquals(blocks(3000, 4000, 9000, 11000), sb.blocks());
        assertEquals(3000, sb.sackedBytes());
        assertEquals(1, sb.holes(), "[4000,9000)");
        sb.update(s(5000), s(11000), null);
        assertArrayEquals(blocks(9000, 11000), sb.blocks());
        assertEquals(2000, sb.sackedBytes());
        assertEquals(1, sb.holes());
        // An old ACK forgets nothing.
        sb.update(s(4000), s(11000), null);
        assertEquals(2000, sb.sackedBytes());
        sb.clear();
        assertTrue(sb.isEmpty());
        assertEquals(0, sb.sackedBytes());
    }

    @org.junit.jupiter.api.Test
    void theHostWideLimitIsSharedAndGivenBack() {
        java.util.concurrent.atomic.AtomicInteger host = new java.util.concurrent.atomic.AtomicInteger();
        SackScoreboard a = new SackScoreboard(SMSS, 128, host, () -> 3);
        SackScoreboard c = new SackScoreboard(SMSS, 128, host, () -> 3);
        a.update(s(1000), s(11000), blocks(2000, 2001, 3000, 3001));
        c.update(s(1000), s(11000), blocks(2000, 2001));
        assertEquals(3, host.get());
        assertEquals(0, c.update(s(1000), s(11000), blocks(4000, 4001)), "the host holds the most");
        assertEquals(1, c.overflows());
        assertEquals(1, c.update(s(1000), s(11000), blocks(2001, 2002)), "extending a range needs none");
        a.update(s(2500), s(11000), null); // the ACK passes a's first range
        assertEquals(2, host.get());
        assertEquals(1, c.update(s(1000), s(11000), blocks(4000, 4001)));
        a.clear();
        c.clear();
        assertEquals(0, host.get());
    }

    @ParameterizedTest
    @ValueSource(ints = {0, -3500, 0x7FFFF000})
    void rangesAreBoundedAndOverflowsCounted(int b) {
        base = b;
        SackScoreboard sb = new SackScoreboard(SMSS, 2);
        sb.update(s(1000), s(11000), blocks(2000, 2001, 3000, 3001));
        assertEquals(0, sb.update(s(1000), s(11000), blocks(4000, 4001)), "a third range does not fit");
        assertEquals(1, sb.overflows());
        assertEquals(999, sb.update(s(1000), s(11000), blocks(2001, 3000)), "joining two ranges fits");
        assertArrayEquals(blocks(2000, 3001), sb.blocks());
        assertEquals(1, sb.update(s(1000), s(11000), blocks(4000, 4001)));
        assertEquals(1, sb.overflows());
    }

    @ParameterizedTest
    @ValueSource(ints = {0, -3500, 0x7FFFF000})
    void isLostCountsBlocksAndBytesAbove(int b) {
        SackScoreboard sb = threeBlocks(b);
        assertTrue(sb.isLost(s(1000)), "three blocks above");
        assertTrue(sb.isLost(s(1999)), "three blocks above");
        assertFalse(sb.isLost(s(2500)), "SACKed itself");
        assertFalse(sb.isLost(s(3000)), "two blocks, 2000 bytes: not more than (DupThresh-1)*SMSS");
        assertFalse(sb.isLost(s(7000)), "nothing above");
        sb.update(s(1000), s(11000), blocks(7000, 7001));
        assertTrue(sb.isLost(s(3000)), "2001 bytes above (the blocks merged: still two)");
        assertFalse(sb.isLost(s(5000)), "1001 bytes in one block");
    }

    @ParameterizedTest
    @ValueSource(ints = {0, -3500, 0x7FFFF000})
    void nextSegFollowsRulesOneToFour(int b) {
        SackScoreboard sb = threeBlocks(b);
        // Step 4.3: the first retransmission starts at snd_una; HighRxt and RescueRxt move to its end.
        assertEquals(seg(1000, 1000, Rule.LOST_HOLE), sb.enterRecovery(s(1000), s(11000)));
        assertEquals(s(2000), sb.highRxt());
        // No lost octet above HighRxt: new data first (rule 2) when allowed, else an unSACKed hole (rule 3).
        assertEquals(seg(11000, 1000, Rule.NEW_DATA), sb.nextSeg(s(1000), s(11000), s(14000)));
        assertEquals(seg(11000, 500, Rule.NEW_DATA), sb.nextSeg(s(1000), s(11000), s(11500)));
        assertEquals(seg(3000, 1000, Rule.UNSACKED_HOLE), sb.nextSeg(s(1000), s(11000), s(11000)));
        // A fourth block above makes 3000 lost: rule 1 wins over new data.
        sb.update(s(1000), s(11000), blocks(8000, 9000));
        assertEquals(seg(3000, 1000, Rule.LOST_HOLE), sb.nextSeg(s(1000), s(11000), s(14000)));
        sb.sent(seg(3000, 1000, Rule.LOST_HOLE));
        assertEquals(s(4000), sb.highRxt());
        assertEquals(seg(5000, 1000, Rule.UNSACKED_HOLE), sb.nextSeg(s(1000), s(11000), s(11000)));
        sb.sent(seg(5000, 1000, Rule.UNSACKED_HOLE));
        assertEquals(seg(7000, 1000, Rule.UNSACKED_HOLE), sb.nextSeg(s(1000), s(11000), s(11000)));
        sb.sent(seg(7000, 1000, Rule.UNSACKED_HOLE));
        assertEquals(s(8000), sb.highRxt());
        // Rule 4 waits until snd_una passes RescueRxt (2000).
        assertNull(sb.nextSeg(s(1000), s(11000), s(11000)));
        sb.update(s(5000), s(11000), null);
        assertEquals(seg(10000, 1000, Rule.RESCUE), sb.nextSeg(s(5000), s(11000), s(11000)));
        sb.sent(seg(10000, 1000, Rule.RESCUE));
        assertEquals(s(8000), sb.highRxt(), "a rescue does not move HighRxt");
        assertNull(sb.nextSeg(s(5000), s(11000), s(11000)), "one rescue per recovery");
        sb.exitRecovery();
        assertFalse(sb.inRecovery());
    }

    @ParameterizedTest
    @ValueSource(ints = {0, -3500, 0x7FFFF000})
    void rescueCoversTheHighestHoleWhenTheTailIsSacked(int b) {
        base = b;
        SackScoreboard sb = new SackScoreboard(SMSS);
        sb.update(s(1000), s(11000), blocks(2000, 3000, 4500, 11000));
        assertEquals(seg(1000, 1000, Rule.LOST_HOLE), sb.enterRecovery(s(1000), s(11000)));
        sb.update(s(3000), s(11000), null);
        // The hole [3000, 4500) is lost (6500 bytes above) and above HighRxt: rule 1 first, bounded by SMSS.
        assertEquals(seg(3000, 1000, Rule.LOST_HOLE), sb.nextSeg(s(3000), s(11000), s(11000)));
        sb.sent(seg(3000, 1000, Rule.LOST_HOLE));
        assertEquals(seg(4000, 500, Rule.LOST_HOLE), sb.nextSeg(s(3000), s(11000), s(11000)), "up to the block");
        sb.sent(seg(4000, 500, Rule.LOST_HOLE));
        // Everything retransmitted; rule 4 takes the highest unSACKed octet (4499) with up to SMSS below it.
        assertEquals(seg(3500, 1000, Rule.RESCUE), sb.nextSeg(s(3000), s(11000), s(11000)));
    }

    @ParameterizedTest
    @ValueSource(ints = {0, -3500, 0x7FFFF000})
    void pipeCountsNotLostAndRetransmittedOctets(int b) {
        base = b;
        SackScoreboard sb = new SackScoreboard(SMSS);
        assertEquals(10000, sb.pipe(s(1000), s(11000)), "nothing SACKed: all in flight");
        sb.update(s(1000), s(11000), blocks(2000, 3000, 4000, 5000, 6000, 7000));
        // [1000,2000) lost: 0; [3000,4000) 1000; [5000,6000) 1000; [7000,11000) 4000.
        assertEquals(6000, sb.pipe(s(1000), s(11000)));
        sb.enterRecovery(s(1000), s(11000));
        assertEquals(7000, sb.pipe(s(1000), s(11000)), "the retransmitted [1000,2000) counts once");
        sb.sent(seg(3000, 1000, Rule.UNSACKED_HOLE));
        assertEquals(8000, sb.pipe(s(1000), s(11000)), "[3000,4000) not lost and retransmitted: twice");
        assertEquals(3, sb.holes());
    }
}
