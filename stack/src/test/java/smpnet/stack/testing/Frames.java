package smpnet.stack.testing;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import smpnet.stack.internal.wire.Checksum;
import smpnet.stack.internal.wire.EthernetHeader;
import smpnet.stack.internal.wire.Ipv4Header;

/** Builds frames byte by byte for tests that inject what a peer (or an attacker) might send. */
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
        byte[] u = new byte[8 + data.length];
        ByteBuffer.wrap(u).putShort((short) sport).putShort((short) dport).putShort((short) u.length);
        System.arraycopy(data, 0, u, 8, data.length);
        int c = new Checksum().addPseudoHeader(src, dst, 17, u.length).add(MemorySegment.ofArray(u), 0, u.length).finish();
        ByteBuffer.wrap(u).putShort(6, (short) (c == 0 ? 0xffff : c));
        return u;
    }

    /** An ICMP message with a correct checksum. */
    public static byte[] icmp(int type, int code, int rest, byte[] data) {
        byte[] m = new byte[8 + data.length];
        ByteBuffer.wrap(m).put((byte) type).put((byte) code).putShort((short) 0).putInt(rest);
        System.arraycopy(data, 0, m, 8, data.length);
        ByteBuffer.wrap(m).putShort(2, (short) Checksum.of(MemorySegment.ofArray(m), 0, m.length));
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
        ByteBuffer b = ByteBuffer.allocate(28);
        b.putShort((short) 1).putShort((short) 0x0800).put((byte) 6).put((byte) 4).putShort((short) op);
        b.putShort((short) (sha >>> 32)).putInt((int) sha).putInt(spa);
        b.putShort((short) (tha >>> 32)).putInt((int) tha).putInt(tpa);
        return b.array();
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
