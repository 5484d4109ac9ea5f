package smpnet.stack.fuzz.targets;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import smpnet.stack.internal.tcp.TcpOptions;
import smpnet.stack.internal.wire.Checksum;
import smpnet.stack.internal.wire.EthernetHeader;
import smpnet.stack.internal.wire.MalformedPacketException;
import smpnet.stack.internal.wire.TcpHeader;
import smpnet.stack.testing.Frames;

/**
 * How each target turns a fuzz input into frames, and its seeds. The first input byte holds flags; the
 * rest is the header the target fuzzes, wrapped in what it needs to reach that parser:
 *
 * <pre>
 *   flags bit 0  keep the IPv4 header checksum as given (else it is fixed, to reach what lies behind it)
 *         bit 1  keep the ICMP/UDP checksum as given (else fixed)
 *         bit 2  send to the link broadcast address (else to the victim's MAC)
 *         bit 3  come from another station of the link, 10.0.0.9 (else from the peer, 10.0.0.1)
 *         bit 4  (reassembly) the first fragment carries 40 bytes of options (IHL 15); reassembly's
 *                headers always get their checksum: the input describes them, it does not hold them
 *
 *   ether       the whole frame
 *   arp         the ARP packet
 *   ipv4        the IPv4 packet, options included
 *   icmp / udp  the ICMP message / the UDP datagram, in an IPv4 packet to the victim
 *   tcp         the TCP segment (header, options, data), in an IPv4 packet to the victim; bit 1 keeps its
 *               checksum as given. The segment is also parsed directly (header view and options, as TCP
 *               input does), which must refuse bad bytes only with MalformedPacketException. Bit 5 puts
 *               the segment into the live connection between the peer and the victim's port 80: its
 *               ports become the connection's, and its sequence and acknowledgment numbers are offsets
 *               from what the victim expects next (RCV.NXT) and what it sent last (SND.NXT), so that the
 *               input reaches a synchronized connection's code and not only the listener's
 *   reassembly  id (2), protocol (1), then up to 16 fragments of 4 bytes each: flags and offset as in the
 *               IPv4 header (2), payload length (2, at most 1480); the payload is one UDP datagram to the
 *               echo port, sliced
 * </pre>
 */
final class Shapes {
    static final int VICTIM = 0x0a000002;
    static final int PEER = 0x0a000001;
    static final int STATION = 0x0a000009;
    static final int FAR = 0x0a000102;
    static final long ATTACKER_MAC = 0x020000000099L;
    static final List<String> TARGETS = List.of("ether", "arp", "ipv4", "reassembly", "icmp", "udp", "tcp");

    private Shapes() {}

    /** Flag bit 5 of a tcp input: in the live connection (see the class comment). */
    static final int IN_CONNECTION = 32;

    /** The live TCP connection a tcp input with {@link #IN_CONNECTION} goes into: ports, RCV.NXT, SND.NXT. */
    record TcpLink(int peerPort, int victimPort, int rcvNxt, int sndNxt) {}

    static List<byte[]> frames(String target, byte[] in, long victimMac) { return frames(target, in, victimMac, null); }

    /** {@code link}: the live connection for tcp inputs, or null when there is none (bit 5 then does nothing). */
    static List<byte[]> frames(String target, byte[] in, long victimMac, TcpLink link) {
        int flags = in.length == 0 ? 0 : in[0] & 0xff;
        byte[] body = in.length == 0 ? new byte[0] : Arrays.copyOfRange(in, 1, in.length);
        long dst = (flags & 4) != 0 ? EthernetHeader.BROADCAST : victimMac;
        int src = (flags & 8) != 0 ? STATION : PEER;
        List<byte[]> out = new ArrayList<>(1);
        switch (target) {
            case "ether" -> {
                if (body.length >= 14 + 20 && (body[12] & 0xff) == 8 && body[13] == 0) {
                    byte[] ip = Arrays.copyOfRange(body, 14, body.length);
                    fix(ip, flags);
                    System.arraycopy(ip, 0, body, 14, ip.length);
                }
                out.add(body);
            }
            case "arp" -> out.add(Frames.ether(dst, ATTACKER_MAC, EthernetHeader.TYPE_ARP, body));
            case "ipv4" -> out.add(ip(dst, fix(body, flags)));
            case "icmp" -> out.add(ip(dst, fix(Frames.ipv4(src, VICTIM, 1, 64, 0, 1, body), flags)));
            case "udp" -> out.add(ip(dst, fix(Frames.ipv4(src, VICTIM, 17, 64, 0, 1, body), flags)));
            case "tcp" -> out.add(ip(dst, fix(Frames.ipv4(src, VICTIM, 6, 64, 0, 1, inConnection(body, flags, link)), flags)));
            case "reassembly" -> {
                for (byte[] f : fragments(body, src, flags)) out.add(ip(dst, fix(f, flags & ~1)));
            }
            default -> throw new IllegalArgumentException("no target " + target);
        }
        return out;
    }

    /** A tcp input's segment moved into the live connection when its flags ask for it (see the class comment). */
    private static byte[] inConnection(byte[] seg, int flags, TcpLink link) {
        if ((flags & IN_CONNECTION) == 0 || link == null || seg.length < TcpHeader.MIN_LENGTH) return seg;
        ByteBuffer b = ByteBuffer.wrap(seg);
        b.putShort(0, (short) link.peerPort()).putShort(2, (short) link.victimPort());
        b.putInt(4, b.getInt(4) + link.rcvNxt()).putInt(8, b.getInt(8) + link.sndNxt());
        return seg;
    }

    private static byte[] ip(long dst, byte[] packet) {
        return Frames.ether(dst, ATTACKER_MAC, EthernetHeader.TYPE_IPV4, packet);
    }

    /** The fragments a reassembly input describes (see the class comment). */
    private static List<byte[]> fragments(byte[] b, int src, int flags) {
        List<byte[]> out = new ArrayList<>();
        if (b.length < 3) return out;
        ByteBuffer in = ByteBuffer.wrap(b);
        int id = in.getShort() & 0xffff;
        int proto = in.get() & 0xff;
        List<int[]> d = new ArrayList<>();
        int end = 0;
        while (in.remaining() >= 4 && d.size() < 16) {
            int word = in.getShort() & 0xffff;
            int len = Math.min(in.getShort() & 0xffff, 1480);
            d.add(new int[] {word, len});
            end = Math.max(end, (word & 0x1fff) * 8 + len);
        }
        byte[] payload = new byte[end];
        for (int i = 0; i < end; i++) payload[i] = (byte) i;
        if (end >= 8) ByteBuffer.wrap(payload).putShort((short) 1234).putShort((short) 7).putShort((short) end).putShort((short) 0);
        for (int[] f : d) {
            int off = (f[0] & 0x1fff) * 8;
            byte[] data = Arrays.copyOfRange(payload, off, off + f[1]);
            byte[] p = Frames.ipv4(src, VICTIM, proto, 64, f[0], id, data);
            if ((flags & 16) != 0 && off == 0) p = withNopOptions(p);
            out.add(p);
        }
        return out;
    }

    private static byte[] withNopOptions(byte[] p) {
        byte[] o = new byte[p.length + 40];
        System.arraycopy(p, 0, o, 0, 20);
        Arrays.fill(o, 20, 60, (byte) 1);
        System.arraycopy(p, 20, o, 60, p.length - 20);
        o[0] = 0x4f;
        o[2] = (byte) (o.length >> 8);
        o[3] = (byte) o.length;
        return o;
    }

    /** Fixes the IPv4 header checksum and the ICMP or UDP checksum of a whole datagram, as flags say. */
    static byte[] fix(byte[] ip, int flags) {
        if (ip.length < 20 || (ip[0] & 0xf0) != 0x40) return ip;
        int hlen = (ip[0] & 0xf) * 4;
        if (hlen < 20 || hlen > ip.length) return ip;
        int total = Math.min(ip.length, (ip[2] & 0xff) << 8 | (ip[3] & 0xff));
        boolean whole = (ip[6] & 0x3f) == 0 && ip[7] == 0;
        if ((flags & 2) == 0 && whole && total > hlen) {
            int proto = ip[9] & 0xff;
            ByteBuffer b = ByteBuffer.wrap(ip);
            int len = total - hlen;
            if (proto == 1 && len >= 8) {
                b.putShort(hlen + 2, (short) 0);
                b.putShort(hlen + 2, (short) Checksum.of(java.lang.foreign.MemorySegment.ofArray(ip), hlen, len));
            } else if (proto == 6 && len >= 20) {
                b.putShort(hlen + 16, (short) 0);
                b.putShort(hlen + 16, (short) new Checksum().addPseudoHeader(b.getInt(12), b.getInt(16), 6, len)
                        .add(java.lang.foreign.MemorySegment.ofArray(ip), hlen, len).finish());
            } else if (proto == 17 && len >= 8) {
                int ulen = Math.min(len, b.getShort(hlen + 4) & 0xffff);
                if (ulen >= 8 && b.getShort(hlen + 6) != 0) {
                    b.putShort(hlen + 6, (short) 0);
                    int c = new Checksum().addPseudoHeader(b.getInt(12), b.getInt(16), 17, ulen)
                            .add(java.lang.foreign.MemorySegment.ofArray(ip), hlen, ulen).finish();
                    b.putShort(hlen + 6, (short) (c == 0 ? 0xffff : c));
                }
            }
        }
        if ((flags & 1) == 0) Frames.fixIpChecksum(ip);
        return ip;
    }

    /** Seeds: well-formed inputs of every kind the target's parser takes. */
    static List<byte[]> seeds(String target, long victimMac) {
        List<byte[]> s = new ArrayList<>();
        byte[] udp7 = Frames.udp(PEER, VICTIM, 1234, 7, "echo me".getBytes());
        byte[] echo = Frames.icmp(8, 0, 0x4242_0001, new byte[16]);
        byte[] quoted = Frames.ipv4(VICTIM, PEER, 17, 64, 0, 9, Arrays.copyOf(Frames.udp(VICTIM, PEER, 5000, 9, new byte[4]), 8));
        switch (target) {
            case "ether" -> {
                s.add(with(0, Frames.ether(victimMac, ATTACKER_MAC, 0x0800, Frames.ipv4(PEER, VICTIM, 17, 64, 0, 1, udp7))));
                s.add(with(0, Frames.ether(victimMac, ATTACKER_MAC, 0x0800, Frames.ipv4(PEER, VICTIM, 1, 64, 0, 2, echo))));
                s.add(with(0, Frames.ether(EthernetHeader.BROADCAST, ATTACKER_MAC, 0x0806,
                        Frames.arp(1, ATTACKER_MAC, 0x0a000005, 0, VICTIM))));
                s.add(with(0, Frames.ether(victimMac, ATTACKER_MAC, 0x86dd, new byte[40])));
            }
            case "arp" -> {
                s.add(with(4, Frames.arp(1, ATTACKER_MAC, 0x0a000005, 0, VICTIM)));
                s.add(with(0, Frames.arp(2, ATTACKER_MAC, 0x0a000006, victimMac, VICTIM)));
                s.add(with(4, Frames.arp(1, ATTACKER_MAC, 0x0a000007, 0, 0x0a000007)));
            }
            case "ipv4" -> {
                s.add(with(0, Frames.ipv4(PEER, VICTIM, 17, 64, 0, 1, udp7)));
                s.add(with(0, Frames.ipv4(PEER, FAR, 17, 64, 0, 2, Frames.udp(PEER, FAR, 1, 9, new byte[8]))));
                s.add(with(0, Frames.ipv4(PEER, FAR, 1, 1, 0, 3, echo)));
                s.add(with(0, withOption(Frames.ipv4(PEER, VICTIM, 1, 64, 0, 4, Frames.icmp(8, 0, 0x4242_0002, new byte[0])),
                        new byte[] {(byte) 0x82, 4, 0, 0})));
                s.add(with(0, withOption(Frames.ipv4(PEER, VICTIM, 1, 64, 0, 5, echo), new byte[] {7, 7, 4, 0, 0, 0, 0, 0})));
                s.add(with(0, Frames.ipv4(PEER, VICTIM, 17, 64, 0x2000, 6, new byte[16])));
            }
            case "icmp" -> {
                s.add(with(0, echo));
                s.add(with(0, Frames.icmp(0, 0, 0x4242_0001, new byte[8])));
                s.add(with(0, Frames.icmp(3, 3, 0, quoted)));
                s.add(with(0, Frames.icmp(3, 4, 1000, quoted)));
                s.add(with(0, Frames.icmp(11, 0, 0, quoted)));
            }
            case "udp" -> {
                s.add(with(0, udp7));
                s.add(with(0, Frames.udp(PEER, VICTIM, 1234, 9, new byte[8])));
                s.add(with(0, Frames.udp(PEER, VICTIM, 9, 5000, "to a connected socket".getBytes())));
                s.add(with(0, Frames.udp(PEER, VICTIM, 1234, 99, new byte[4])));
            }
            case "tcp" -> {
                int all = TcpOptions.MSS | TcpOptions.WSCALE | TcpOptions.SACK_PERMITTED | TcpOptions.TIMESTAMP;
                s.add(with(0, tcp(40000, 80, 1, 0, TcpHeader.SYN, TcpOptions.syn(all, 1460, 6, 100, 0), new byte[0])));
                s.add(with(0, tcp(40000, 80, 2, 7, TcpHeader.ACK, TcpOptions.timestamp(101, 9), "data".getBytes())));
                s.add(with(0, tcp(40000, 80, 2, 7, TcpHeader.ACK, TcpOptions.sack(true, 102, 9, new int[] {10, 20, 30, 40}, 2),
                        new byte[0])));
                s.add(with(0, tcp(40000, 80, 2, 0, TcpHeader.RST, null, new byte[0])));
                s.add(with(0, tcp(40000, 80, 2, 7, TcpHeader.FIN | TcpHeader.ACK, null, new byte[0])));
                s.add(with(0, tcp(40000, 80, 1, 0, TcpHeader.SYN, new byte[] {2, 4, 5, (byte) 0xb4, 8, 1, 0, 0}, new byte[0])));
                // Into the live connection (offsets from RCV.NXT and SND.NXT): in order, beyond a hole, a
                // duplicate ACK, a window probe, urgent data, a FIN, an in-window RST and SYN (challenge ACKs)
                int ack = TcpHeader.ACK;
                s.add(with(IN_CONNECTION, tcp(0, 0, 0, 0, ack | TcpHeader.PSH, null, "in order".getBytes())));
                s.add(with(IN_CONNECTION, tcp(0, 0, 3000, 0, ack, null, "beyond a hole".getBytes())));
                s.add(with(IN_CONNECTION, tcp(0, 0, 0, 0, ack, null, new byte[0])));
                s.add(with(IN_CONNECTION, tcp(0, 0, -1, 0, ack, null, new byte[1])));
                byte[] urgent = tcp(0, 0, 0, 0, ack | TcpHeader.URG, null, "urgent!".getBytes());
                ByteBuffer.wrap(urgent).putShort(18, (short) 7);
                s.add(with(IN_CONNECTION, urgent));
                s.add(with(IN_CONNECTION, tcp(0, 0, 0, 0, ack | TcpHeader.FIN, null, "last".getBytes())));
                s.add(with(IN_CONNECTION, tcp(0, 0, 100, 0, TcpHeader.RST, null, new byte[0])));
                s.add(with(IN_CONNECTION, tcp(0, 0, 100, 0, TcpHeader.SYN, null, new byte[0])));
                s.add(with(IN_CONNECTION, tcp(0, 0, 0, 50_000, ack, null, new byte[0])));
            }
            case "reassembly" -> {
                s.add(new byte[] {0, 0, 1, 17, 0x20, 0, 0, 16, 0, 2, 0, 8});
                s.add(new byte[] {0, 0, 2, 17, 0x20, 0, 0, 24, 0x20, 3, 0, 24, 0, 6, 0, 8});
                s.add(new byte[] {0, 0, 3, 17, 0x20, 0, 0, 16, 0x20, 2, 0, 16, 0, 4, 0, 8});
            }
            default -> throw new IllegalArgumentException("no target " + target);
        }
        return s;
    }

    /** A TCP segment (its checksum is filled in by {@link #fix}). */
    private static byte[] tcp(int sport, int dport, int seq, int ack, int flags, byte[] opts, byte[] data) {
        int hlen = TcpHeader.MIN_LENGTH + (opts == null ? 0 : opts.length);
        byte[] b = new byte[hlen + data.length];
        TcpHeader.write(java.lang.foreign.MemorySegment.ofArray(b), sport, dport, seq, ack, flags, 65535, opts);
        System.arraycopy(data, 0, b, hlen, data.length);
        return b;
    }

    /**
     * Parses a TCP segment as TCP input does: the header view, then its options as on a SYN or not. Returns
     * null if that ended normally or with MalformedPacketException, else what escaped.
     */
    static String parseTcp(byte[] in) {
        byte[] body = in.length == 0 ? new byte[0] : Arrays.copyOfRange(in, 1, in.length);
        try {
            TcpHeader h = new TcpHeader(java.lang.foreign.MemorySegment.ofArray(body));
            TcpOptions.Parsed p = TcpOptions.parse(h.options(), h.has(TcpHeader.SYN));
            if (p.sackBlockCount() > TcpOptions.MAX_SACK_BLOCKS) return "more SACK blocks than fit: " + p.sackBlockCount();
            TcpOptions.toString(h.options());
            return null;
        } catch (MalformedPacketException e) {
            return null;
        } catch (RuntimeException e) {
            return "parsing the TCP segment threw " + e;
        }
    }

    private static byte[] with(int flags, byte[] body) {
        byte[] b = new byte[body.length + 1];
        b[0] = (byte) flags;
        System.arraycopy(body, 0, b, 1, body.length);
        return b;
    }

    private static byte[] withOption(byte[] p, byte[] option) {
        byte[] o = Frames.concat(Frames.concat(Arrays.copyOf(p, 20), option), Arrays.copyOfRange(p, 20, p.length));
        o[0] = (byte) (0x40 | (20 + option.length) / 4);
        o[2] = (byte) (o.length >> 8);
        o[3] = (byte) o.length;
        return Frames.fixIpChecksum(o);
    }
}
