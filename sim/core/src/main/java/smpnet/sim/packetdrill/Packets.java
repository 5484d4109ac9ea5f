package smpnet.sim.packetdrill;

import java.util.List;
import smpnet.sim.packetdrill.Script.TcpOption;

/**
 * Builds the IPv4 packets the scripted peer sends: TCP segments and ICMP errors quoting one of the host's
 * segments, with correct checksums (the stack checks them, and a bad one would be a silent drop).
 */
final class Packets {
    static final int ETHER_LENGTH = 14;
    static final int TYPE_IPV4 = 0x0800;
    static final int TYPE_ARP = 0x0806;
    static final long BROADCAST_MAC = 0xFFFF_FFFF_FFFFL;
    static final int ARP_LENGTH = 28;
    static final int ARP_REQUEST = 1;
    static final int ARP_REPLY = 2;

    private Packets() {}

    /** An Ethernet II frame (RFC 894) around {@code payload}; MACs in the low 48 bits. */
    static byte[] ethernet(long dst, long src, int etherType, byte[] payload) {
        byte[] f = new byte[ETHER_LENGTH + payload.length];
        put48(f, 0, dst);
        put48(f, 6, src);
        put16(f, 12, etherType);
        System.arraycopy(payload, 0, f, ETHER_LENGTH, payload.length);
        return f;
    }

    /** An ARP packet for IPv4 over Ethernet (RFC 826). */
    static byte[] arp(int op, long sha, int spa, long tha, int tpa) {
        byte[] a = new byte[ARP_LENGTH];
        put16(a, 0, 1); // hardware: Ethernet
        put16(a, 2, TYPE_IPV4);
        a[4] = 6;
        a[5] = 4;
        put16(a, 6, op);
        put48(a, 8, sha);
        put32(a, 14, spa & 0xFFFF_FFFFL);
        put48(a, 18, tha);
        put32(a, 24, tpa & 0xFFFF_FFFFL);
        return a;
    }

    private static void put48(byte[] b, int off, long v) {
        put16(b, off, (int) (v >>> 32));
        put32(b, off + 2, v & 0xFFFF_FFFFL);
    }

    /** An IPv4 packet carrying a TCP segment with urgent pointer 0; sequence numbers are already live. */
    static byte[] tcp(int src, int dst, int sport, int dport, int flags, long seq, long ack, int window,
                      List<TcpOption> options, int payloadLength) {
        return tcp(src, dst, sport, dport, flags, seq, ack, window, 0, options, payloadLength);
    }

    /** An IPv4 packet carrying a TCP segment; sequence numbers are already live (unsigned 32-bit). */
    static byte[] tcp(int src, int dst, int sport, int dport, int flags, long seq, long ack, int window,
                      int urgentPointer, List<TcpOption> options, int payloadLength) {
        byte[] opts = encodeOptions(options);
        int tcpLen = 20 + opts.length + payloadLength;
        byte[] p = new byte[20 + tcpLen];
        ipHeader(p, 6, src, dst);
        int t = 20;
        put16(p, t, sport);
        put16(p, t + 2, dport);
        put32(p, t + 4, seq);
        put32(p, t + 8, ack);
        p[t + 12] = (byte) ((20 + opts.length) / 4 << 4);
        p[t + 13] = (byte) flags;
        put16(p, t + 14, window);
        put16(p, t + 18, urgentPointer);
        System.arraycopy(opts, 0, p, t + 20, opts.length);
        // payload: zeros, as packetdrill's
        long sum = pseudoHeaderSum(src, dst, 6, tcpLen);
        put16(p, t + 16, fold(sum + sum(p, t, tcpLen)));
        return p;
    }

    /**
     * IPv4 packet {@code tcp} (a TCP segment from {@link #tcp}) carried in a UDP datagram from {@code sport} to
     * {@code dport} instead (TCP over UDP): the TCP checksum stays as it was, the UDP checksum covers the
     * segment.
     */
    static byte[] udpEncapsulated(byte[] tcp, int sport, int dport) {
        int tcpLen = tcp.length - 20;
        byte[] p = new byte[20 + 8 + tcpLen];
        int src = Segment.s32(tcp, 12);
        int dst = Segment.s32(tcp, 16);
        ipHeader(p, 17, src, dst);
        put16(p, 20, sport);
        put16(p, 22, dport);
        put16(p, 24, 8 + tcpLen);
        System.arraycopy(tcp, 20, p, 28, tcpLen);
        int sum = fold(pseudoHeaderSum(src, dst, 17, 8 + tcpLen) + sum(p, 20, 8 + tcpLen));
        put16(p, 26, sum == 0 ? 0xFFFF : sum);
        return p;
    }

    /**
     * As {@link #icmpError}, about a segment the host sent inside a UDP datagram from {@code udpSport} to
     * {@code udpDport}: the quote holds the IPv4 header, the UDP header and the TCP header (ports, sequence
     * number and the rest of its 20 bytes).
     */
    static byte[] icmpErrorAboutUdp(int src, int dst, int type, int code, int mtu, int quotedSrc, int quotedDst,
                                    int udpSport, int udpDport, int sport, int dport, long seq, int quotedPayload) {
        byte[] p = new byte[20 + 8 + 20 + 8 + 20];
        ipHeader(p, 1, src, dst);
        int i = 20;
        p[i] = (byte) type;
        p[i + 1] = (byte) code;
        put16(p, i + 6, mtu);
        int q = i + 8;
        p[q] = 0x45;
        put16(p, q + 2, 20 + 8 + 20 + quotedPayload);
        p[q + 8] = 64;
        p[q + 9] = 17;
        put32(p, q + 12, quotedSrc & 0xFFFF_FFFFL);
        put32(p, q + 16, quotedDst & 0xFFFF_FFFFL);
        put16(p, q + 10, fold(sum(p, q, 20)));
        put16(p, q + 20, udpSport);
        put16(p, q + 22, udpDport);
        put16(p, q + 24, 8 + 20 + quotedPayload);
        put16(p, q + 28, sport);
        put16(p, q + 30, dport);
        put32(p, q + 32, seq);
        p[q + 40] = 0x50; // data offset: 20 bytes
        put16(p, i + 2, fold(sum(p, i, p.length - i)));
        return p;
    }

    /**
     * An ICMP error from {@code src} about a segment the host sent ({@code quotedSrc} to {@code quotedDst}),
     * quoting its IPv4 header and its first 8 TCP bytes (ports and sequence number), as RFC 792 asks.
     */
    static byte[] icmpError(int src, int dst, int type, int code, int mtu, int quotedSrc, int quotedDst, int sport,
                            int dport, long seq, int quotedPayload) {
        byte[] p = new byte[20 + 8 + 20 + 8];
        ipHeader(p, 1, src, dst);
        int i = 20;
        p[i] = (byte) type;
        p[i + 1] = (byte) code;
        put16(p, i + 6, mtu); // RFC 1191: next-hop MTU in the low 16 bits of the second word
        int q = i + 8;
        p[q] = 0x45;
        put16(p, q + 2, 20 + 20 + quotedPayload);
        p[q + 8] = 64;
        p[q + 9] = 6;
        put32(p, q + 12, quotedSrc & 0xFFFF_FFFFL);
        put32(p, q + 16, quotedDst & 0xFFFF_FFFFL);
        put16(p, q + 10, fold(sum(p, q, 20)));
        put16(p, q + 20, sport);
        put16(p, q + 22, dport);
        put32(p, q + 24, seq);
        put16(p, i + 2, fold(sum(p, i, p.length - i)));
        return p;
    }

    /**
     * The TCP MD5 signature (RFC 2385) of the segment in IPv4 packet {@code ip} (plain, or in a UDP datagram)
     * with {@code key}: MD5 over the pseudo-header (source, destination, 0, protocol 6, the segment's
     * length), the 20-byte TCP header with checksum 0, the payload, the key.
     */
    static byte[] md5Signature(byte[] ip, byte[] key) {
        int ihl = (ip[0] & 0xF) * 4;
        int t = ihl + ((ip[9] & 0xFF) == 17 ? 8 : 0);
        int total = Segment.u16(ip, 2);
        int off = (ip[t + 12] >> 4 & 0xF) * 4;
        java.security.MessageDigest md;
        try {
            md = java.security.MessageDigest.getInstance("MD5");
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        md.update(ip, 12, 8);
        md.update(new byte[] {0, 6, (byte) ((total - t) >> 8), (byte) (total - t)});
        byte[] th = java.util.Arrays.copyOfRange(ip, t, t + 20);
        th[16] = 0;
        th[17] = 0;
        md.update(th);
        md.update(ip, t + off, total - t - off);
        md.update(key);
        return md.digest();
    }

    /** Where the digest of the first signature option of the segment in {@code ip} is, or -1. */
    static int md5DigestOffset(byte[] ip) {
        int ihl = (ip[0] & 0xF) * 4;
        int t = ihl + ((ip[9] & 0xFF) == 17 ? 8 : 0);
        int end = t + (ip[t + 12] >> 4 & 0xF) * 4;
        for (int i = t + 20; i < end; ) {
            int kind = ip[i] & 0xFF;
            if (kind == 0) break;
            if (kind == 1) {
                i++;
                continue;
            }
            if (i + 1 >= end || (ip[i + 1] & 0xFF) < 2) break;
            if (kind == 19 && (ip[i + 1] & 0xFF) == 18) return i + 2;
            i += ip[i + 1] & 0xFF;
        }
        return -1;
    }

    /**
     * Signs plain TCP packet {@code p} (from {@link #tcp}, with a signature option) with {@code key}, a wrong
     * digest (the right one with its first byte inverted) unless {@code valid}, and sets its checksum again.
     */
    static void signTcp(byte[] p, byte[] key, boolean valid) {
        int at = md5DigestOffset(p);
        if (at < 0) return;
        byte[] d = md5Signature(p, key);
        if (!valid) d[0] = (byte) ~d[0];
        System.arraycopy(d, 0, p, at, d.length);
        int tcpLen = p.length - 20;
        put16(p, 36, 0);
        put16(p, 36, fold(pseudoHeaderSum(Segment.s32(p, 12), Segment.s32(p, 16), 6, tcpLen) + sum(p, 20, tcpLen)));
    }

    static byte[] encodeOptions(List<TcpOption> options) {
        int n = 0;
        for (TcpOption o : options) n += Segment.optionLength(o);
        byte[] b = new byte[(n + 3) / 4 * 4]; // padded with EOL (zero) bytes to a 4-byte boundary
        int i = 0;
        for (TcpOption o : options) {
            switch (o.kind()) {
                case EOL -> b[i] = 0;
                case NOP -> b[i] = 1;
                case MSS -> {
                    b[i] = 2;
                    b[i + 1] = 4;
                    put16(b, i + 2, (int) o.a());
                }
                case WSCALE -> {
                    b[i] = 3;
                    b[i + 1] = 3;
                    b[i + 2] = (byte) o.a();
                }
                case SACK_OK -> {
                    b[i] = 4;
                    b[i + 1] = 2;
                }
                case SACK -> {
                    b[i] = 5;
                    b[i + 1] = (byte) (2 + 4 * o.blocks().length);
                    for (int k = 0; k < o.blocks().length; k++) put32(b, i + 2 + 4 * k, o.blocks()[k]);
                }
                case FAST_OPEN -> {
                    b[i] = 34;
                    b[i + 1] = (byte) (2 + o.blocks().length);
                    for (int k = 0; k < o.blocks().length; k++) b[i + 2 + k] = (byte) o.blocks()[k];
                }
                case MD5 -> { // the digest is written by sign()
                    b[i] = 19;
                    b[i + 1] = 18;
                }
                case TIMESTAMP -> {
                    b[i] = 8;
                    b[i + 1] = 10;
                    put32(b, i + 2, o.a());
                    put32(b, i + 6, o.b());
                }
            }
            i += Segment.optionLength(o);
        }
        return b;
    }

    /** Sets the ECN field (the TOS byte's low two bits) of IPv4 packet {@code p} and its header checksum again. */
    static void setEcn(byte[] p, int field) {
        p[1] = (byte) ((p[1] & ~0x3) | field);
        fixHeaderChecksum(p);
    }

    /** Sets the whole TOS byte of IPv4 packet {@code p} and its header checksum again. */
    static void setTos(byte[] p, int tos) {
        p[1] = (byte) tos;
        fixHeaderChecksum(p);
    }

    /** Sets the time to live of IPv4 packet {@code p} and its header checksum again. */
    static void setTtl(byte[] p, int ttl) {
        p[8] = (byte) ttl;
        fixHeaderChecksum(p);
    }

    private static void fixHeaderChecksum(byte[] p) {
        put16(p, 10, 0);
        put16(p, 10, fold(sum(p, 0, 20)));
    }

    private static void ipHeader(byte[] p, int protocol, int src, int dst) {
        p[0] = 0x45;
        put16(p, 2, p.length);
        p[6] = 0x40; // DF, as a TCP peer sends
        p[8] = 64;
        p[9] = (byte) protocol;
        put32(p, 12, src & 0xFFFF_FFFFL);
        put32(p, 16, dst & 0xFFFF_FFFFL);
        put16(p, 10, fold(sum(p, 0, 20)));
    }

    private static long pseudoHeaderSum(int src, int dst, int protocol, int length) {
        return (src >>> 16) + (src & 0xFFFF) + (dst >>> 16) + (dst & 0xFFFF) + protocol + length;
    }

    /** The one's-complement sum of {@code len} bytes from {@code off}, not yet folded. */
    private static long sum(byte[] b, int off, int len) {
        long s = 0;
        for (int i = 0; i + 1 < len; i += 2) s += Segment.u16(b, off + i);
        if ((len & 1) != 0) s += (b[off + len - 1] & 0xFF) << 8;
        return s;
    }

    private static int fold(long s) {
        while ((s >>> 16) != 0) s = (s & 0xFFFF) + (s >>> 16);
        return (int) (~s & 0xFFFF);
    }

    static void put16(byte[] b, int off, int v) {
        b[off] = (byte) (v >>> 8);
        b[off + 1] = (byte) v;
    }

    static void put32(byte[] b, int off, long v) {
        b[off] = (byte) (v >>> 24);
        b[off + 1] = (byte) (v >>> 16);
        b[off + 2] = (byte) (v >>> 8);
        b[off + 3] = (byte) v;
    }
}
