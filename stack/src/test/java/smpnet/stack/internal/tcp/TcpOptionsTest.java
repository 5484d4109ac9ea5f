package smpnet.stack.internal.tcp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static smpnet.stack.internal.tcp.TcpOptions.MSS;
import static smpnet.stack.internal.tcp.TcpOptions.SACK;
import static smpnet.stack.internal.tcp.TcpOptions.SACK_PERMITTED;
import static smpnet.stack.internal.tcp.TcpOptions.TIMESTAMP;
import static smpnet.stack.internal.tcp.TcpOptions.WSCALE;

import java.lang.foreign.MemorySegment;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class TcpOptionsTest {
    private static final int ALL_SYN = MSS | WSCALE | SACK_PERMITTED | TIMESTAMP;

    private static byte[] hex(String h) { return HexFormat.of().parseHex(h.replace(" ", "")); }

    private static MemorySegment seg(byte[] b) { return MemorySegment.ofArray(b); }

    private static MemorySegment seg(String h) { return seg(hex(h)); }

    // FreeBSD 14's SYN, byte for byte: packetdrill's <mss 1460,nop,wscale 6,sackOK,TS val 100 ecr 0>.
    @Test void synWithEveryOptionIsFreeBsdsTwentyBytes() {
        byte[] syn = TcpOptions.syn(ALL_SYN, 1460, 6, 100, 0);
        assertArrayEquals(hex("020405b4 01030306 0402 080a 00000064 00000000"), syn);
        assertEquals("mss 1460,nop,wscale 6,sackOK,TS val 100 ecr 0", TcpOptions.toString(seg(syn)));
        assertEquals(20, TcpOptions.length(ALL_SYN, 0));
    }

    @Test void synLayoutsUnderEachSetting() {
        // net.inet.tcp.rfc1323=0: no WSCALE, no timestamps.
        assertArrayEquals(hex("020405b4 0402 0000"), TcpOptions.syn(MSS | SACK_PERMITTED, 1460, 0, 0, 0));
        assertEquals("mss 1460,sackOK,eol,eol", TcpOptions.toString(seg(TcpOptions.syn(MSS | SACK_PERMITTED, 1460, 0, 0, 0))));
        // net.inet.tcp.sack.enable=0
        assertArrayEquals(hex("020405b4 01030306 0101 080a 00000001 00000002"),
                TcpOptions.syn(MSS | WSCALE | TIMESTAMP, 1460, 6, 1, 2));
        // timestamps off, SACK on
        assertArrayEquals(hex("020405b4 01030306 0402 0000"), TcpOptions.syn(MSS | WSCALE | SACK_PERMITTED, 1460, 6, 0, 0));
        assertEquals("mss 1460,nop,wscale 6,sackOK,eol,eol",
                TcpOptions.toString(seg(TcpOptions.syn(MSS | WSCALE | SACK_PERMITTED, 1460, 6, 0, 0))));
        assertArrayEquals(hex("020405b4 01030306"), TcpOptions.syn(MSS | WSCALE, 1460, 6, 0, 0));
        assertArrayEquals(hex("020405b4 0402 080a 00000001 00000002"), TcpOptions.syn(MSS | SACK_PERMITTED | TIMESTAMP, 1460, 0, 1, 2));
        assertArrayEquals(hex("020405b4"), TcpOptions.syn(MSS, 1460, 0, 0, 0));
        assertArrayEquals(hex("02040218"), TcpOptions.syn(MSS, 536, 0, 0, 0));
        // TCP_NOOPT
        assertArrayEquals(new byte[0], TcpOptions.syn(TcpOptions.NONE, 1460, 6, 1, 2));
        // A SYN never carries SACK blocks, whatever the caller asks.
        assertArrayEquals(hex("020405b4"), TcpOptions.syn(MSS | SACK, 1460, 0, 0, 0));
    }

    @Test void dataSegmentsCarryNopNopTimestamp() {
        byte[] ts = TcpOptions.timestamp(0x01020304, 0xfffffffe);
        assertArrayEquals(hex("0101080a 01020304 fffffffe"), ts);
        assertEquals("nop,nop,TS val 16909060 ecr 4294967294", TcpOptions.toString(seg(ts)));
        assertEquals(12, TcpOptions.length(TIMESTAMP, 0));
        // the array written directly holds what the general writer puts in a segment
        for (int v : new int[] {0, 1, 0x7fffffff, 0x80000000, -1, 0x12345678}) {
            MemorySegment m = MemorySegment.ofArray(new byte[12]);
            assertEquals(12, TcpOptions.write(m, 0, TIMESTAMP, 0, 0, v, ~v, null, 0));
            assertArrayEquals(m.toArray(java.lang.foreign.ValueLayout.JAVA_BYTE), TcpOptions.timestamp(v, ~v));
        }
    }

    @Test void sackBlocksAfterTimestampsAtMostThree() {
        int[] blocks = {1001, 2001, 3001, 4001, 5001, 6001, 7001, 8001};
        byte[] one = TcpOptions.sack(true, 5, 6, blocks, 1);
        assertArrayEquals(hex("0101080a 00000005 00000006 0101 050a 000003e9 000007d1"), one);
        assertEquals("nop,nop,TS val 5 ecr 6,nop,nop,sack 1001:2001", TcpOptions.toString(seg(one)));
        byte[] four = TcpOptions.sack(true, 5, 6, blocks, 4);
        assertEquals(40, four.length, "12 + 2 NOPs + 2 + 3 blocks of 8");
        assertEquals(3, TcpOptions.sackBlocksThatFit(TIMESTAMP | SACK, 4));
        assertEquals("nop,nop,TS val 5 ecr 6,nop,nop,sack 1001:2001 3001:4001 5001:6001", TcpOptions.toString(seg(four)));
    }

    @Test void sackBlocksAloneAtMostFour() {
        int[] blocks = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
        byte[] b = TcpOptions.sack(false, 0, 0, blocks, 5);
        assertEquals(36, b.length);
        assertEquals(4, TcpOptions.sackBlocksThatFit(SACK, 5));
        assertEquals("nop,nop,sack 1:2 3:4 5:6 7:8", TcpOptions.toString(seg(b)));
        assertArrayEquals(hex("0101 050a 00000001 00000002"), TcpOptions.sack(false, 0, 0, blocks, 1));
        assertArrayEquals(new byte[0], TcpOptions.sack(false, 0, 0, blocks, 0), "no blocks, no option");
        MemorySegment s = MemorySegment.ofArray(new byte[40]);
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> TcpOptions.write(s, 0, SACK, 0, 0, 0, 0, new int[] {1, 2}, 2));
    }

    @Test void writeAtAnOffsetAndLengthAgree() {
        MemorySegment s = MemorySegment.ofArray(new byte[64]);
        int n = TcpOptions.write(s, 20, ALL_SYN, 1460, 7, 9, 8, null, 0);
        assertEquals(20, n);
        assertEquals(20, TcpOptions.length(ALL_SYN, 0));
        assertEquals(0, s.get(java.lang.foreign.ValueLayout.JAVA_BYTE, 19));
        assertEquals("mss 1460,nop,wscale 7,sackOK,TS val 9 ecr 8", TcpOptions.toString(s.asSlice(20, n)));
        for (int which = 0; which < 0x100; which++) {
            if ((which & ~(ALL_SYN | SACK)) != 0) continue;
            for (int blocks = 0; blocks <= 5; blocks++) {
                byte[] b = TcpOptions.build(which, 1460, 3, 1, 2, new int[10], blocks);
                assertEquals(b.length, TcpOptions.length(which, blocks), "which " + which + " blocks " + blocks);
                assertEquals(0, b.length % 4);
                assertTrue(b.length <= TcpOptions.MAX_LENGTH);
            }
        }
    }

    @Test void parsesFreeBsdsSyn() {
        TcpOptions.Parsed p = TcpOptions.parse(seg(TcpOptions.syn(ALL_SYN, 1460, 6, 100, 7)), true);
        assertEquals(1460, p.mss());
        assertEquals(6, p.wscale());
        assertTrue(p.sackPermitted());
        assertTrue(p.hasTimestamp());
        assertEquals(100, p.tsVal());
        assertEquals(7, p.tsEcr());
        assertEquals(0, p.sackBlockCount());
        assertFalse(p.malformed());
        assertEquals(ALL_SYN, p.present());
    }

    @Test void synOnlyOptionsAreIgnoredOnOtherSegmentsAndSackOnASyn() {
        byte[] both = hex("020405b4 01030306 0402 0101 050a 00000001 00000002");
        TcpOptions.Parsed notSyn = TcpOptions.parse(seg(both), false);
        assertEquals(-1, notSyn.mss());
        assertEquals(-1, notSyn.wscale());
        assertFalse(notSyn.sackPermitted());
        assertArrayEquals(new int[] {1, 2}, notSyn.sackBlocks());
        TcpOptions.Parsed syn = TcpOptions.parse(seg(both), true);
        assertEquals(1460, syn.mss());
        assertEquals(0, syn.sackBlockCount());
        TcpOptions.Parsed any = TcpOptions.parse(seg(both));
        assertEquals(1460, any.mss());
        assertEquals(1, any.sackBlockCount());
    }

    @Test void windowScaleAboveFourteenIsFourteen() {
        assertEquals(14, TcpOptions.parse(seg("03030f 00"), true).wscale());
        assertEquals(14, TcpOptions.parse(seg("0303ff 00"), true).wscale());
        assertEquals(9, TcpOptions.parse(seg("030309 00"), true).wscale());
    }

    @Test void wrongLengthKnownOptionsAreSkippedNotMalformed() {
        // MSS with length 3, then a good timestamp: the MSS is skipped, the walk goes on.
        TcpOptions.Parsed p = TcpOptions.parse(seg("020305 080a 00000001 00000002 00"), true);
        assertEquals(-1, p.mss());
        assertTrue(p.hasTimestamp());
        assertFalse(p.malformed());
        // A SACK option whose length is not 2 + 8n, and an unknown kind, are skipped too.
        p = TcpOptions.parse(seg("0505 00000000 fe03 00 01"), false);
        assertEquals(0, p.sackBlockCount());
        assertFalse(p.malformed());
    }

    @Test void badLengthsStopTheWalkAndAreFlagged() {
        // Length 0 and 1: FreeBSD stops; what came before is kept.
        TcpOptions.Parsed p = TcpOptions.parse(seg("020405b4 0800 0000"), true);
        assertEquals(1460, p.mss());
        assertTrue(p.malformed());
        assertFalse(p.hasTimestamp());
        assertTrue(TcpOptions.parse(seg("0801 0101"), true).malformed());
        // Running past the options.
        p = TcpOptions.parse(seg("0101 080a 0000"), true);
        assertTrue(p.malformed());
        assertFalse(p.hasTimestamp());
        // A kind byte with no length byte after it.
        assertTrue(TcpOptions.parse(seg("010101 02"), true).malformed());
        // EOL ends the walk even with garbage after it: not malformed.
        p = TcpOptions.parse(seg("00 ff ff ff"), true);
        assertFalse(p.malformed());
        assertEquals(-1, p.mss());
        assertEquals("mss 1460,malformed", TcpOptions.toString(seg("020405b4 0800 0000")));
    }

    @Test void emptyOptionsAreTheSharedEmptyResult() {
        assertSame(TcpOptions.Parsed.EMPTY, TcpOptions.parse(MemorySegment.ofArray(new byte[0]), true));
    }

    @Test void everyShortInputParsesWithoutThrowing() {
        // Every option region of up to 2 bytes, and every (kind, length) pair in front of 4 NOPs.
        byte[] b = new byte[6];
        for (int len = 0; len <= 2; len++) {
            for (int v = 0; v < 1 << (8 * len); v++) {
                for (int i = 0; i < len; i++) b[i] = (byte) (v >>> (8 * i));
                TcpOptions.parse(MemorySegment.ofArray(b).asSlice(0, len), true);
                TcpOptions.toString(MemorySegment.ofArray(b).asSlice(0, len));
            }
        }
        java.util.Arrays.fill(b, (byte) TcpOptions.KIND_NOP);
        for (int kind = 2; kind < 256; kind++) {
            for (int len = 0; len < 256; len++) {
                b[0] = (byte) kind;
                b[1] = (byte) len;
                TcpOptions.Parsed p = TcpOptions.parse(MemorySegment.ofArray(b), kind != 5);
                boolean bad = len < 2 || len > 6;
                assertEquals(bad, p.malformed(), "kind " + kind + " len " + len);
            }
        }
    }
}
