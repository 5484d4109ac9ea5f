package smpnet.stack.internal.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class HeaderViewsTest {
    private static MemorySegment hex(String h) { return MemorySegment.ofArray(HexFormat.of().parseHex(h.replace(" ", ""))); }

    private static Malformed reason(ThrowingView v) {
        return assertThrows(MalformedPacketException.class, v::make).reason();
    }

    interface ThrowingView { void make() throws MalformedPacketException; }

    // RFC 1071 worked example: words 0001 f203 f4f5 f6f7 sum to ddf2 (checksum 220d).
    @Test void checksumMatchesRfc1071Example() {
        assertEquals(0x220d, Checksum.of(hex("0001f203f4f5f6f7"), 0, 8));
    }

    @Test void checksumAcrossOddPiecesEqualsContiguous() {
        MemorySegment all = hex("0001f203f4f5f6f7ab");
        int whole = Checksum.of(all, 0, 9);
        int pieces = new Checksum().add(all, 0, 3).add(all, 3, 1).add(all, 4, 5).finish();
        assertEquals(whole, pieces);
        assertEquals(0x770c, whole, "ddf2 + ab00 = 188f2, folded 88f3, complemented 770c");
    }

    // A real IPv4 header (from the Wikipedia checksum example) verifies and reads back.
    private static final String IP = "4500 0073 0000 4000 4011 b861 c0a8 0001 c0a8 00c7";

    @Test void ipv4HeaderReadsFields() throws Exception {
        MemorySegment s = MemorySegment.ofArray(new byte[0x73]);
        MemorySegment.copy(hex(IP), 0, s, 0, 20);
        Ipv4Header h = new Ipv4Header(s);
        assertEquals(20, h.headerLength());
        assertEquals(0x73, h.totalLength());
        assertTrue(h.dontFragment());
        assertFalse(h.isFragment());
        assertEquals(64, h.ttl());
        assertEquals(17, h.protocol());
        assertEquals("192.168.0.1", Ipv4Header.addressToString(h.source()));
        assertEquals("192.168.0.199", Ipv4Header.addressToString(h.destination()));
        h.decrementTtl();
        assertEquals(63, h.ttl());
        assertEquals(0, Checksum.of(s, 0, 20), "incremental checksum update keeps the header valid");
    }

    @Test void ipv4RejectsEachRule() {
        MemorySegment ok = MemorySegment.ofArray(new byte[0x73]);
        MemorySegment.copy(hex(IP), 0, ok, 0, 20);
        assertEquals(Malformed.TRUNCATED, reason(() -> new Ipv4Header(ok.asSlice(0, 19))));
        assertEquals(Malformed.TRUNCATED, reason(() -> new Ipv4Header(ok.asSlice(0, 0x72))));
        MemorySegment v6 = copy(ok); v6.set(java.lang.foreign.ValueLayout.JAVA_BYTE, 0, (byte) 0x65);
        assertEquals(Malformed.BAD_VERSION, reason(() -> new Ipv4Header(v6)));
        MemorySegment ihl = copy(ok); ihl.set(java.lang.foreign.ValueLayout.JAVA_BYTE, 0, (byte) 0x44);
        assertEquals(Malformed.BAD_HEADER_LENGTH, reason(() -> new Ipv4Header(ihl)));
        MemorySegment sum = copy(ok); sum.set(java.lang.foreign.ValueLayout.JAVA_BYTE, 11, (byte) 0x62);
        assertEquals(Malformed.BAD_CHECKSUM, reason(() -> new Ipv4Header(sum)));
        MemorySegment len = MemorySegment.ofArray(new byte[40]);
        Ipv4Header.write(len, 19, 1, 0, 64, 17, 1, 2);
        assertEquals(Malformed.BAD_LENGTH, reason(() -> new Ipv4Header(len)));
    }

    private static MemorySegment copy(MemorySegment s) { return MemorySegment.ofArray(s.toArray(java.lang.foreign.ValueLayout.JAVA_BYTE)); }

    /** A 24-byte header with the given 4 option bytes and a correct checksum. */
    private static MemorySegment withOptions(String opts) {
        MemorySegment s = MemorySegment.ofArray(new byte[24]);
        Ipv4Header.write(s, 24, 7, 0, 64, 17, 0x0a000001, 0x0a000002);
        s.set(java.lang.foreign.ValueLayout.JAVA_BYTE, 0, (byte) 0x46);
        MemorySegment.copy(hex(opts), 0, s, 20, 4);
        s.set(java.lang.foreign.ValueLayout.JAVA_SHORT_UNALIGNED, 10, (short) 0);
        int c = Checksum.of(s, 0, 24);
        s.set(java.lang.foreign.ValueLayout.JAVA_BYTE, 10, (byte) (c >>> 8));
        s.set(java.lang.foreign.ValueLayout.JAVA_BYTE, 11, (byte) c);
        return s;
    }

    @Test void ipv4OptionsWalk() throws Exception {
        assertEquals(24, new Ipv4Header(withOptions("01010100")).headerLength(), "NOP NOP NOP EOL");
        new Ipv4Header(withOptions("94040000")); // router alert, length 4
        assertEquals(Malformed.BAD_OPTION, reason(() -> new Ipv4Header(withOptions("01010144"))), "length byte missing");
        assertEquals(Malformed.BAD_OPTION, reason(() -> new Ipv4Header(withOptions("07010000"))), "length below 2");
        assertEquals(Malformed.BAD_OPTION, reason(() -> new Ipv4Header(withOptions("07050000"))), "past header end");
        assertEquals(Malformed.SOURCE_ROUTE, reason(() -> new Ipv4Header(withOptions("83040000"))), "LSRR");
        assertEquals(Malformed.SOURCE_ROUTE, reason(() -> new Ipv4Header(withOptions("89040000"))), "SSRR");
    }

    @Test void ethernetArpIcmpUdpViews() throws Exception {
        MemorySegment e = MemorySegment.ofArray(new byte[14]);
        EthernetHeader.write(e, EthernetHeader.BROADCAST, 0x020000000001L, EthernetHeader.TYPE_ARP);
        EthernetHeader eh = new EthernetHeader(e);
        assertEquals(EthernetHeader.BROADCAST, eh.destination());
        assertEquals("02:00:00:00:00:01", EthernetHeader.macToString(eh.source()));
        assertEquals(0x0806, eh.etherType());
        assertEquals(Malformed.TRUNCATED, reason(() -> new EthernetHeader(e.asSlice(0, 13))));

        MemorySegment a = MemorySegment.ofArray(new byte[28]);
        ArpPacket.write(a, ArpPacket.OP_REQUEST, 0x020000000001L, 0x0a000001, 0, 0x0a000002);
        assertEquals("0001080006040001020000000001" + "0a000001" + "000000000000" + "0a000002",
                HexFormat.of().formatHex(a.toArray(java.lang.foreign.ValueLayout.JAVA_BYTE)));
        assertEquals(0x0a000002, new ArpPacket(a).targetIp());
        a.set(java.lang.foreign.ValueLayout.JAVA_BYTE, 5, (byte) 16);
        assertEquals(Malformed.UNSUPPORTED_FORMAT, reason(() -> new ArpPacket(a)));
        assertEquals(Malformed.TRUNCATED, reason(() -> new ArpPacket(a.asSlice(0, 27))));

        MemorySegment i = MemorySegment.ofArray(new byte[12]);
        IcmpHeader.write(i, IcmpHeader.ECHO_REQUEST, 0, (0x1234 << 16) | 7);
        IcmpHeader.setChecksum(i, Checksum.of(i, 0, 12));
        assertEquals("0800e5c412340007" + "00000000", HexFormat.of().formatHex(i.toArray(java.lang.foreign.ValueLayout.JAVA_BYTE)));
        IcmpHeader ih = new IcmpHeader(i);
        assertEquals(0x1234, ih.identifier());
        assertEquals(7, ih.sequence());
        assertEquals(Malformed.TRUNCATED, reason(() -> new IcmpHeader(i.asSlice(0, 7))));

        MemorySegment u = MemorySegment.ofArray(new byte[10]);
        u.set(java.lang.foreign.ValueLayout.JAVA_BYTE, 8, (byte) 'h');
        u.set(java.lang.foreign.ValueLayout.JAVA_BYTE, 9, (byte) 'i');
        UdpHeader.write(u, 1000, 2000, 10);
        UdpHeader.setChecksum(u, new Checksum().addPseudoHeader(0x0a000001, 0x0a000002, 17, 10).add(u, 0, 10).finish());
        UdpHeader uh = new UdpHeader(u);
        assertEquals(10, uh.length());
        assertEquals(0, new Checksum().addPseudoHeader(0x0a000001, 0x0a000002, 17, 10).add(u, 0, 10).finish());
        assertEquals(1000, uh.sourcePort());
        assertEquals(2000, uh.destinationPort());
        assertEquals(Malformed.TRUNCATED, reason(() -> new UdpHeader(u.asSlice(0, 9))));
        u.set(java.lang.foreign.ValueLayout.JAVA_BYTE, 5, (byte) 7);
        assertEquals(Malformed.BAD_LENGTH, reason(() -> new UdpHeader(u)));
    }

    @Test void malformedExceptionsAreSharedAndStackless() {
        assertSame(Malformed.BAD_OPTION.exception(), Malformed.BAD_OPTION.exception());
        assertEquals(0, Malformed.BAD_OPTION.exception().getStackTrace().length);
    }

    @Test void addressParsing() {
        assertEquals(0x0a000102, Ipv4Header.parseAddress("10.0.1.2"));
        assertThrows(IllegalArgumentException.class, () -> Ipv4Header.parseAddress("10.0.1"));
        assertThrows(IllegalArgumentException.class, () -> Ipv4Header.parseAddress("10.0.1.256"));
        assertThrows(IllegalArgumentException.class, () -> Ipv4Header.parseAddress("10.0..1"));
    }
}
