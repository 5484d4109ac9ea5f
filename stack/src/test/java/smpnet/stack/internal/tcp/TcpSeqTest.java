package smpnet.stack.internal.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class TcpSeqTest {
    @Test void comparesAcrossTheWrap() {
        int before = 0xffff_fff0;
        int after = 0x0000_0010;
        assertTrue(TcpSeq.lt(before, after));
        assertTrue(TcpSeq.le(before, after));
        assertTrue(TcpSeq.gt(after, before));
        assertTrue(TcpSeq.ge(after, before));
        assertFalse(TcpSeq.lt(after, before));
        assertEquals(0x20, TcpSeq.diff(after, before));
        assertEquals(-0x20, TcpSeq.diff(before, after));
        assertEquals(after, TcpSeq.max(before, after));
        assertEquals(before, TcpSeq.min(after, before));
    }

    @Test void equalIsNeitherLessNorGreater() {
        assertFalse(TcpSeq.lt(7, 7));
        assertFalse(TcpSeq.gt(7, 7));
        assertTrue(TcpSeq.le(7, 7));
        assertTrue(TcpSeq.ge(7, 7));
        assertEquals(0, TcpSeq.diff(7, 7));
    }

    @Test void betweenIncludesBothEdgesAndWraps() {
        assertTrue(TcpSeq.between(0xffff_fff0, 0xffff_fff0, 0x10));
        assertTrue(TcpSeq.between(0xffff_fff0, 0, 0x10));
        assertTrue(TcpSeq.between(0xffff_fff0, 0x10, 0x10));
        assertFalse(TcpSeq.between(0xffff_fff0, 0x11, 0x10));
        assertFalse(TcpSeq.between(0xffff_fff0, 0xffff_ffef, 0x10));
    }

    @Test void halfTheSpaceAwayIsAhead() {
        // 2^31 - 1 ahead is ahead; 2^31 is the one ambiguous distance, read as behind (as FreeBSD's SEQ_LT).
        assertTrue(TcpSeq.gt(0x7fff_ffff, 0));
        assertTrue(TcpSeq.lt(0x8000_0000, 0));
    }
}
