package smpnet.stack.dev;

import java.lang.foreign.MemorySegment;
import smpnet.stack.internal.wire.Checksum;
import smpnet.stack.internal.wire.EthernetHeader;
import smpnet.stack.internal.wire.Ipv4Header;
import smpnet.stack.internal.wire.UdpHeader;
import smpnet.stack.net.MacAddress;

/**
 * The frames a load generator puts on a simulated NIC's RX ring in place of a wire ({@link RxGenerator}):
 * complete Ethernet II / IPv4 / UDP frames, written through the same header views the stack parses them
 * with, so a generator, a benchmark and a test build their frames in one place.
 *
 * <pre>
 *  | Ethernet 14 | IPv4 20 (no options) | UDP 8 | payload ... |
 * </pre>
 */
public final class LoadFrames {
    /** Ethernet + IPv4 + UDP header bytes: the offset of the payload in a frame. */
    public static final int HEADERS = EthernetHeader.LENGTH + Ipv4Header.MIN_LENGTH + UdpHeader.LENGTH;
    /** Offset of the UDP checksum in a frame (for incremental updates, RFC 1624). */
    public static final int UDP_CHECKSUM = EthernetHeader.LENGTH + Ipv4Header.MIN_LENGTH + 6;
    /** The IPv4 "don't fragment" flag, for {@code flagsAndOffset}. */
    public static final int DONT_FRAGMENT = Ipv4Header.FLAG_DF;

    private LoadFrames() {}

    /** A frame with IP identification 0, DF clear and TTL 64. */
    public static byte[] udp(MacAddress dst, MacAddress src, int srcIp, int dstIp, int srcPort, int dstPort,
                             byte[] payload) {
        return udp(dst, src, srcIp, dstIp, srcPort, dstPort, 0, 0, payload);
    }

    /**
     * A frame with valid IPv4 header and UDP checksums (RFC 791, RFC 768), TTL 64, no options;
     * {@code flagsAndOffset} is the raw fragment word (e.g. {@link #DONT_FRAGMENT}).
     */
    public static byte[] udp(MacAddress dst, MacAddress src, int srcIp, int dstIp, int srcPort, int dstPort,
                             int id, int flagsAndOffset, byte[] payload) {
        int udpLen = UdpHeader.LENGTH + payload.length;
        byte[] f = new byte[HEADERS + payload.length];
        MemorySegment s = MemorySegment.ofArray(f);
        EthernetHeader.write(s, dst.bits(), src.bits(), EthernetHeader.TYPE_IPV4);
        MemorySegment ip = s.asSlice(EthernetHeader.LENGTH);
        Ipv4Header.write(ip, Ipv4Header.MIN_LENGTH + udpLen, id, flagsAndOffset, 64, Ipv4Header.PROTO_UDP, srcIp, dstIp);
        MemorySegment udp = ip.asSlice(Ipv4Header.MIN_LENGTH);
        UdpHeader.write(udp, srcPort, dstPort, udpLen);
        MemorySegment.copy(MemorySegment.ofArray(payload), 0, udp, UdpHeader.LENGTH, payload.length);
        UdpHeader.setChecksum(udp, new Checksum().addPseudoHeader(srcIp, dstIp, Ipv4Header.PROTO_UDP, udpLen)
                .add(udp, 0, udpLen).finish());
        return f;
    }
}
