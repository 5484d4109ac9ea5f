package smpnet.stack.testing;

import java.lang.foreign.MemorySegment;
import smpnet.stack.internal.wire.ArpPacket;
import smpnet.stack.internal.wire.Checksum;
import smpnet.stack.internal.wire.EthernetHeader;
import smpnet.stack.internal.wire.IcmpHeader;
import smpnet.stack.internal.wire.Ipv4Header;
import smpnet.stack.internal.wire.TcpHeader;
import smpnet.stack.internal.wire.UdpHeader;

/**
 * Builds packets for tests that inject what a peer (or an attacker) might send, through the same header
 * views the stack parses them with ({@code dev.LoadFrames} builds whole UDP frames the same way).
 */
public final class Frames {
    private Frames() {}

    public static byte[] ether(long dst, long src, int type, byte[] payload) {
        byte[] f = new byte[EthernetHeader.LENGTH + payload.length];
        EthernetHeader.write(MemorySegment.ofArray(f), dst, src, type);
        System.arraycopy(payload, 0, f, EthernetHeader.LENGTH, payload.length);
        return f;
    }

    /** An option-less IPv4 packet with a correct header checksum. */
    public static byte[] ipv4(int src, int dst, int protocol, int ttl, int flagsAndOffset, int id, byte[] payload) {
        byte[] p = new byte[Ipv4Header.MIN_LENGTH + payload.length];
        Ipv4Header.write(MemorySegment.ofArray(p), p.length, id, flagsAndOffset, ttl, protocol, src, dst);
        System.arraycopy(payload, 0, p, Ipv4Header.MIN_LENGTH, payload.length);
        return p;
    }

    /** A UDP datagram with a correct checksum for {@code src -> dst}. */
    public static byte[] udp(int src, int dst, int sport, int dport, byte[] data) {
        byte[] u = new byte[UdpHeader.LENGTH + data.length];
        MemorySegment seg = MemorySegment.ofArray(u);
        UdpHeader.write(seg, sport, dport, u.length);
        System.arraycopy(data, 0, u, UdpHeader.LENGTH, data.length);
        UdpHeader.setChecksum(seg, new Checksum().addPseudoHeader(src, dst, Ipv4Header.PROTO_UDP, u.length)
                .add(seg, 0, u.length).finish());
        return u;
    }

    /** A TCP segment (header without options, then {@code data}) with a correct checksum for {@code src -> dst}. */
    public static byte[] tcp(int src, int dst, int sport, int dport, int seq, int ack, int flags, int window, byte[] data) {
        return tcp(src, dst, sport, dport, seq, ack, flags, window, null, data);
    }

    /**
     * A TCP segment with a correct checksum for {@code src -> dst}; {@code opts} (a multiple of 4 bytes, or
     * null) follows the fixed header.
     */
    public static byte[] tcp(int src, int dst, int sport, int dport, int seq, int ack, int flags, int window,
                             byte[] opts, byte[] data) {
        int hlen = TcpHeader.MIN_LENGTH + (opts == null ? 0 : opts.length);
        byte[] t = new byte[hlen + data.length];
        MemorySegment seg = MemorySegment.ofArray(t);
        TcpHeader.write(seg, sport, dport, seq, ack, flags, window, opts);
        System.arraycopy(data, 0, t, hlen, data.length);
        TcpHeader.setChecksum(seg, new Checksum().addPseudoHeader(src, dst, Ipv4Header.PROTO_TCP, t.length)
                .add(seg, 0, t.length).finish());
        return t;
    }

    /** An ICMP message with a correct checksum. */
    public static byte[] icmp(int type, int code, int rest, byte[] data) {
        byte[] m = new byte[IcmpHeader.LENGTH + data.length];
        MemorySegment seg = MemorySegment.ofArray(m);
        IcmpHeader.write(seg, type, code, rest);
        System.arraycopy(data, 0, m, IcmpHeader.LENGTH, data.length);
        IcmpHeader.setChecksum(seg, Checksum.of(seg, 0, m.length));
        return m;
    }

    /** Recomputes the IPv4 header checksum of {@code packet} after a test edited the header. */
    public static byte[] fixIpChecksum(byte[] packet) {
        int hlen = (packet[0] & 0xf) * 4;
        packet[10] = 0;
        packet[11] = 0;
        int c = Checksum.of(MemorySegment.ofArray(packet), 0, Math.min(hlen, packet.length));
        packet[10] = (byte) (c >>> 8);
        packet[11] = (byte) c;
        return packet;
    }

    /** An ARP packet (RFC 826) for Ethernet and IPv4. */
    public static byte[] arp(int op, long sha, int spa, long tha, int tpa) {
        byte[] b = new byte[ArpPacket.LENGTH];
        ArpPacket.write(MemorySegment.ofArray(b), op, sha, spa, tha, tpa);
        return b;
    }

    /** {@code b} followed by zeros up to {@code length} bytes. */
    public static byte[] pad(byte[] b, int length) { return java.util.Arrays.copyOf(b, Math.max(b.length, length)); }

    public static byte[] concat(byte[] a, byte[] b) {
        byte[] out = new byte[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
