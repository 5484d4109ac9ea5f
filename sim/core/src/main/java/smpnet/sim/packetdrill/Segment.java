package smpnet.sim.packetdrill;

import java.util.ArrayList;
import java.util.List;
import smpnet.sim.packetdrill.Script.OptionKind;
import smpnet.sim.packetdrill.Script.TcpOption;

/**
 * A TCP segment as the runner sees it, decoded from an IPv4 packet's bytes (or to be encoded into one), and
 * written the way packetdrill writes segments: {@code S. 0:0(0) ack 1 win 65535 <mss 1460,nop,wscale 6>}, with
 * {@code urg N} after the window for a segment with URG.
 * Sequence numbers are unsigned 32-bit values in a long.
 *
 * @param optionsMalformed the option bytes did not decode (a length overrunning the header); {@code options}
 *                         holds those before the fault
 * @param udpSrc           the source port of the UDP datagram carrying the segment (TCP over UDP), -1 for a
 *                         plain segment
 * @param udpDst           that datagram's destination port, or -1
 */
record Segment(int srcIp, int dstIp, int srcPort, int dstPort, int flags, long seq, long ack, int window,
               int urgentPointer, List<TcpOption> options, boolean optionsMalformed, byte[] payload, int udpSrc,
               int udpDst) {
    static final int FIN = 0x01;
    static final int SYN = 0x02;
    static final int RST = 0x04;
    static final int PSH = 0x08;
    static final int ACK = 0x10;
    static final int URG = 0x20;
    static final int ECE = 0x40;
    static final int CWR = 0x80;

    /** The flag a script letter stands for (0 for none): F S R P . U E W, as packetdrill. */
    static int flagBit(char c) {
        return switch (c) {
            case 'F' -> FIN;
            case 'S' -> SYN;
            case 'R' -> RST;
            case 'P' -> PSH;
            case '.' -> ACK;
            case 'U' -> URG;
            case 'E' -> ECE;
            case 'W' -> CWR;
            default -> 0;
        };
    }

    /** The flags as a script writes them, in packetdrill's order ("S.", "F.", "FP.", "."). */
    static String flagsText(int flags) {
        StringBuilder b = new StringBuilder();
        String letters = "FSRPUEW";
        int[] bits = {FIN, SYN, RST, PSH, URG, ECE, CWR};
        for (int i = 0; i < bits.length; i++) if ((flags & bits[i]) != 0) b.append(letters.charAt(i));
        if ((flags & ACK) != 0) b.append('.');
        return b.isEmpty() ? "-" : b.toString();
    }

    /** The bytes an option takes on the wire. */
    static int optionLength(TcpOption o) {
        return switch (o.kind()) {
            case EOL, NOP -> 1;
            case MSS -> 4;
            case WSCALE -> 3;
            case SACK_OK -> 2;
            case SACK -> 2 + 4 * o.blocks().length;
            case TIMESTAMP -> 10;
            case FAST_OPEN -> 2 + o.blocks().length;
            case MD5 -> 18;
        };
    }

    int length() { return payload.length; }

    /**
     * Decodes the TCP segment in IPv4 packet {@code ip}, plain or inside a UDP datagram (TCP over UDP); null if
     * it is neither (not IPv4, not TCP or UDP, truncated).
     */
    static Segment decode(byte[] ip) {
        if (ip.length < 20 || (ip[0] >> 4 & 0xF) != 4) return null;
        int proto = ip[9] & 0xFF;
        if (proto != 6 && proto != 17) return null;
        int ihl = (ip[0] & 0xF) * 4;
        int total = u16(ip, 2);
        int udp = proto == 17 ? 8 : 0;
        if (total > ip.length || ihl < 20 || total < ihl + udp + 20) return null;
        int t = ihl + udp;
        int off = (ip[t + 12] >> 4 & 0xF) * 4;
        if (off < 20 || t + off > total) return null;
        List<TcpOption> opts = new ArrayList<>();
        boolean malformed = false;
        int i = t + 20;
        int end = t + off;
        while (i < end) {
            int kind = ip[i] & 0xFF;
            if (kind == 0) {
                opts.add(TcpOption.of(OptionKind.EOL));
                i++;
                continue;
            }
            if (kind == 1) {
                opts.add(TcpOption.of(OptionKind.NOP));
                i++;
                continue;
            }
            if (i + 1 >= end || (ip[i + 1] & 0xFF) < 2 || i + (ip[i + 1] & 0xFF) > end) {
                malformed = true;
                break;
            }
            int len = ip[i + 1] & 0xFF;
            TcpOption o = switch (kind) {
                case 2 -> len == 4 ? new TcpOption(OptionKind.MSS, u16(ip, i + 2), 0, null) : null;
                case 3 -> len == 3 ? new TcpOption(OptionKind.WSCALE, ip[i + 2] & 0xFF, 0, null) : null;
                case 4 -> len == 2 ? TcpOption.of(OptionKind.SACK_OK) : null;
                case 5 -> (len - 2) % 8 == 0 && len > 2 ? sack(ip, i, len) : null;
                case 8 -> len == 10 ? new TcpOption(OptionKind.TIMESTAMP, u32(ip, i + 2), u32(ip, i + 6), null) : null;
                case 34 -> fastOpen(ip, i, len);
                case 19 -> len == 18 ? new TcpOption(OptionKind.MD5, -1, 0, null) : null; // judged by Execution
                default -> null;
            };
            if (o == null) {
                malformed = true; // an option kind or length a script cannot write
                break;
            }
            opts.add(o);
            i += len;
        }
        byte[] payload = java.util.Arrays.copyOfRange(ip, t + off, total);
        return new Segment(s32(ip, 12), s32(ip, 16), u16(ip, t), u16(ip, t + 2), ip[t + 13] & 0xFF, u32(ip, t + 4),
                u32(ip, t + 8), u16(ip, t + 14), u16(ip, t + 18), List.copyOf(opts), malformed, payload,
                udp == 0 ? -1 : u16(ip, ihl), udp == 0 ? -1 : u16(ip, ihl + 2));
    }

    private static TcpOption fastOpen(byte[] b, int i, int len) {
        long[] cookie = new long[len - 2];
        for (int k = 0; k < cookie.length; k++) cookie[k] = b[i + 2 + k] & 0xFF;
        return new TcpOption(OptionKind.FAST_OPEN, 0, 0, cookie);
    }

    private static TcpOption sack(byte[] b, int i, int len) {
        long[] edges = new long[(len - 2) / 4];
        for (int k = 0; k < edges.length; k++) edges[k] = u32(b, i + 2 + 4 * k);
        return new TcpOption(OptionKind.SACK, 0, 0, edges);
    }

    /** The segment as packetdrill prints it; {@code showWindow} false leaves "win N" out. */
    String format(boolean showWindow) {
        StringBuilder b = new StringBuilder(flagsText(flags)).append(' ')
                .append(seq).append(':').append((seq + length()) & 0xFFFF_FFFFL).append('(').append(length()).append(')');
        if ((flags & ACK) != 0) b.append(" ack ").append(ack);
        if (showWindow) b.append(" win ").append(window);
        if ((flags & URG) != 0 || urgentPointer != 0) b.append(" urg ").append(urgentPointer);
        if (!options.isEmpty() || optionsMalformed) {
            b.append(' ').append(formatOptions(options));
            if (optionsMalformed) b.insert(b.length() - 1, options.isEmpty() ? "malformed" : ",malformed");
        }
        if (udpSrc >= 0) b.append("/udp(").append(udpSrc).append(" > ").append(udpDst).append(')');
        return b.toString();
    }

    /** An option list as a script writes it: {@code <mss 1460,nop,wscale 6>}; null is {@code <...>}. */
    static String formatOptions(List<TcpOption> options) {
        if (options == null) return "<...>";
        StringBuilder b = new StringBuilder("<");
        for (TcpOption o : options) {
            if (b.length() > 1) b.append(',');
            b.append(formatOption(o));
        }
        return b.append('>').toString();
    }

    static String formatOption(TcpOption o) {
        return switch (o.kind()) {
            case EOL -> "eol";
            case NOP -> "nop";
            case MSS -> "mss " + o.a();
            case WSCALE -> "wscale " + o.a();
            case SACK_OK -> "sackOK";
            case TIMESTAMP -> "TS val " + o.a() + " ecr " + o.b();
            case MD5 -> o.a() == 1 ? "md5 valid" : o.a() == 0 ? "md5 invalid" : "md5";
            case FAST_OPEN -> {
                StringBuilder s = new StringBuilder("FO");
                if (o.blocks().length > 0) s.append(' ');
                for (long c : o.blocks()) s.append(String.format("%02x", c));
                yield s.toString();
            }
            case SACK -> {
                StringBuilder s = new StringBuilder("sack");
                for (int k = 0; k < o.blocks().length; k += 2) s.append(' ').append(o.blocks()[k]).append(':').append(o.blocks()[k + 1]);
                yield s.toString();
            }
        };
    }

    static int u16(byte[] b, int off) { return (b[off] & 0xFF) << 8 | (b[off + 1] & 0xFF); }

    static long u32(byte[] b, int off) { return s32(b, off) & 0xFFFF_FFFFL; }

    static int s32(byte[] b, int off) {
        return (b[off] & 0xFF) << 24 | (b[off + 1] & 0xFF) << 16 | (b[off + 2] & 0xFF) << 8 | (b[off + 3] & 0xFF);
    }
}
