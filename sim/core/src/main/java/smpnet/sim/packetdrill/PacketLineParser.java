package smpnet.sim.packetdrill;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import smpnet.sim.packetdrill.Lexer.Token;
import smpnet.sim.packetdrill.Lexer.Type;
import smpnet.sim.packetdrill.Script.Direction;
import smpnet.sim.packetdrill.Script.IcmpSpec;
import smpnet.sim.packetdrill.Script.OptionKind;
import smpnet.sim.packetdrill.Script.PacketEvent;
import smpnet.sim.packetdrill.Script.TcpOption;
import smpnet.sim.packetdrill.Script.TcpSpec;
import smpnet.sim.packetdrill.Script.Timing;

/**
 * Reads a packet line of a packetdrill script, after its time: the direction, the IP header fields in
 * parentheses ({@code (tos N, ttl N)}) and the ECN field in brackets ({@code [ect0]}), then either an
 * inbound ICMP message ({@code icmp unreachable port_unreachable [1:1(0)]}) or a TCP segment in
 * packetdrill's tcpdump-like form: flags, {@code start:end(length)}, {@code ack N}, {@code win N},
 * {@code urg N} and the options in angle brackets ({@code <mss 1460,sackOK,TS val 1 ecr 0,nop,wscale 7>}).
 * {@link ScriptParser} calls it for an event that starts with {@code <} or {@code >}; both read one
 * {@link TokenCursor}.
 *
 * <p>Not thread-safe: one parse, one thread. The IP fields are this line's, reset at the start of each.
 */
final class PacketLineParser {
    private final String file;
    private final TokenCursor tokens;
    /** The ECN field of the packet line being read ({@code [ect0]} after the direction), or null. */
    private Integer packetEcn;
    /** The TOS byte and TTL of that line ({@code (tos 0x20, ttl 3)} after the direction), or null. */
    private Integer packetTos;
    private Integer packetTtl;

    /** Reads packet lines of script {@code file} from {@code tokens}. */
    PacketLineParser(String file, TokenCursor tokens) {
        this.file = file;
        this.tokens = tokens;
    }

    /**
     * The packet line that starts at the next token ({@code <} or {@code >}), its time already read: a TCP
     * segment or an inbound ICMP message, with the IP header fields the line gives.
     */
    PacketEvent packet(int line, Timing timing) throws ScriptParseException {
        packetEcn = null;
        packetTos = null;
        packetTtl = null;
        return packetWithoutIpFields(line, timing).withIpFields(packetEcn, packetTos, packetTtl);
    }

    /** The line's direction, then ICMP, or TCP's flags, sequence numbers, ack, window, urgent pointer and options. */
    private PacketEvent packetWithoutIpFields(int line, Timing timing) throws ScriptParseException {
        Direction dir = tokens.take().is("<") ? Direction.INBOUND : Direction.OUTBOUND;
        if (tokens.peek().isWord("icmp")) {
            if (dir == Direction.OUTBOUND) throw new ScriptParseException(file, line, "outbound ICMP packets are not supported");
            return new PacketEvent(line, timing, dir, icmp());
        }
        if (tokens.peek().isWord("udp")) throw new ScriptParseException(file, line, "UDP packets are not supported (TCP and inbound ICMP only)");
        if (tokens.peek().is("(")) ipFields(line);
        if (tokens.peek().is("[")) packetEcn = ecnField(line);
        // flags: a word of flag letters, optionally followed by '.', or '.' alone, or '-' for none
        StringBuilder flagsText = new StringBuilder();
        if (tokens.peek().type() == Type.WORD) flagsText.append(tokens.take().text());
        if (tokens.peek().is(".")) flagsText.append(tokens.take().text());
        else if (flagsText.isEmpty() && tokens.peek().is("-")) tokens.take();
        else if (flagsText.isEmpty()) throw tokens.expected("TCP flags (S, ., F, R, P, combined as in 'S.' or 'F.')");
        int flags = 0;
        for (char c : flagsText.toString().toCharArray()) {
            int bit = Segment.flagBit(c);
            if (bit == 0) throw new ScriptParseException(file, line, "unknown TCP flag '" + c + "' in '" + flagsText
                    + "' (known: F S R P . U E W)");
            flags |= bit;
        }
        long seq;
        long end;
        if (tokens.peek().is("...")) { // ...(length): any sequence number
            tokens.take();
            if (dir == Direction.INBOUND) throw new ScriptParseException(file, line, "...(length) can only be used with outbound packets");
            seq = TcpSpec.ANY_SEQ;
            end = -1;
        } else {
            seq = tokens.u32("a starting sequence number (start:end(length))");
            tokens.expect(":", "':' in start:end(length)");
            end = tokens.u32("an ending sequence number (start:end(length))");
        }
        tokens.expect("(", "'(' in start:end(length)");
        int len = tokens.u16("a payload length (start:end(length))");
        tokens.expect(")", "')' closing start:end(length)");
        if (seq != TcpSpec.ANY_SEQ && ((seq + len) & 0xFFFF_FFFFL) != end) {
            throw new ScriptParseException(file, line, "inconsistent TCP sequence numbers and payload size: "
                    + seq + ":" + end + "(" + len + ")");
        }
        if (tokens.peek().is("!")) { // start:end(length)! on an outbound packet: its sequence number is not checked
            tokens.take();
            if (dir == Direction.INBOUND) throw new ScriptParseException(file, line, "'!' after start:end(length) is for outbound packets");
            seq = TcpSpec.ANY_SEQ;
        }
        Long ack = null;
        Integer win = null;
        if (tokens.peek().isWord("ack")) {
            tokens.take();
            ack = tokens.u32("an acknowledgment number after 'ack'");
        }
        if (tokens.peek().isWord("win")) {
            tokens.take();
            win = tokens.u16("a window after 'win'");
        }
        if (win == null && dir == Direction.INBOUND) throw new ScriptParseException(file, line, "window must be specified for inbound packets");
        int urg = 0;
        if (tokens.peek().isWord("urg")) {
            tokens.take();
            urg = tokens.u16("an urgent pointer after 'urg'");
        }
        List<TcpOption> options = List.of();
        if (tokens.peek().is("<")) {
            tokens.take();
            if (tokens.peek().is("...")) {
                tokens.take();
                if (dir == Direction.INBOUND) throw new ScriptParseException(file, line, "<...> for TCP options can only be used with outbound packets");
                options = null;
            } else {
                options = optionList();
            }
            tokens.expect(">", "',' or '>' in the TCP options");
        }
        int[] udp = udpPorts();
        return new PacketEvent(line, timing, dir, new TcpSpec(flagsText.toString(), flags, seq, len, ack, win, urg, options,
                udp[0], udp[1]));
    }

    /**
     * The UDP ports of {@code /udp(SRC > DST)} after a segment (TCP over UDP, with --udp_encapsulation=tcp), or
     * {-1, -1} when the segment has none.
     */
    private int[] udpPorts() throws ScriptParseException {
        if (!tokens.peek().is("/")) return new int[] {-1, -1};
        tokens.take();
        tokens.expectWord("udp");
        tokens.expect("(", "'(' after /udp");
        int src = tokens.u16("a UDP source port in /udp(SRC > DST)");
        tokens.expect(">", "'>' in /udp(SRC > DST)");
        int dst = tokens.u16("a UDP destination port in /udp(SRC > DST)");
        tokens.expect(")", "')' closing /udp(SRC > DST)");
        return new int[] {src, dst};
    }

    /** A packet line's IP header fields in parentheses after its direction: {@code tos N} and {@code ttl N}. */
    private void ipFields(int line) throws ScriptParseException {
        tokens.take(); // (
        while (true) {
            Token name = tokens.take();
            if (!name.isWord("tos") && !name.isWord("ttl")) {
                throw new ScriptParseException(file, line, "expected IP header fields (tos N, ttl N) in parentheses after the "
                        + "direction, found '" + name.text() + "'");
            }
            long v = tokens.integer("a value after '" + name.text() + "'");
            if (v < 0 || v > 255) throw new ScriptParseException(file, line, name.text() + " must be in [0, 255], found " + v);
            if (name.isWord("tos")) packetTos = (int) v;
            else packetTtl = (int) v;
            Token next = tokens.take();
            if (next.is(")")) return;
            if (!next.is(",")) throw new ScriptParseException(file, line, "expected ',' or ')' after " + name.text() + " " + v);
        }
    }

    /** A packet line's IP ECN field in brackets after its direction ({@code < [ect0] . 1:1(0) ...}). */
    private int ecnField(int line) throws ScriptParseException {
        tokens.take(); // [
        Token name = tokens.take();
        int field = name.type() == Type.WORD ? Script.ECN_NAMES.indexOf(name.text()) : -1;
        if (field < 0 || !tokens.peek().is("]")) {
            throw new ScriptParseException(file, line, "expected an ECN field [noecn], [ect0], [ect1] or [ce] after the direction");
        }
        tokens.take();
        return field;
    }

    private List<TcpOption> optionList() throws ScriptParseException {
        List<TcpOption> out = new ArrayList<>();
        int bytes = 0;
        int line = tokens.peek().line();
        do {
            if (!out.isEmpty()) tokens.take(); // the ','
            TcpOption o = option();
            bytes += Segment.optionLength(o);
            out.add(o);
        } while (tokens.peek().is(","));
        if (bytes > 40) throw new ScriptParseException(file, line, "TCP option list too long (" + bytes + " bytes; at most 40)");
        return List.copyOf(out);
    }

    private TcpOption option() throws ScriptParseException {
        Token t = tokens.peek();
        if (t.type() != Type.WORD) throw tokens.expected("a TCP option (nop, eol, mss N, wscale N, sackOK, sack A:B, TS val V ecr E, FO [cookie])");
        tokens.take();
        switch (t.text()) {
            case "nop": return TcpOption.of(OptionKind.NOP);
            case "eol": return TcpOption.of(OptionKind.EOL);
            case "sackOK": return TcpOption.of(OptionKind.SACK_OK);
            case "FO": return fastOpen(t);
            case "md5": {
                Token v = tokens.peek();
                if (v.type() == Type.WORD && (v.text().equals("valid") || v.text().equals("invalid"))) {
                    tokens.take();
                    return new TcpOption(OptionKind.MD5, v.text().equals("valid") ? 1 : 0, 0, null);
                }
                throw tokens.expected("'valid' or 'invalid' after 'md5'");
            }
            case "mss": return new TcpOption(OptionKind.MSS, tokens.u16("an MSS after 'mss'"), 0, null);
            case "wscale": {
                int line = tokens.peek().line();
                long w = tokens.integer("a shift count after 'wscale'");
                if (w > 255) throw new ScriptParseException(file, line, "window scale shift count out of range: " + w);
                return new TcpOption(OptionKind.WSCALE, w, 0, null);
            }
            case "sack": {
                List<Long> edges = new ArrayList<>();
                while (tokens.peek().type() == Type.INT) {
                    edges.add(tokens.u32("a SACK block's left edge"));
                    tokens.expect(":", "':' in a SACK block left:right");
                    edges.add(tokens.u32("a SACK block's right edge"));
                }
                if (edges.isEmpty()) throw tokens.expected("SACK blocks (left:right ...) after 'sack'");
                if (edges.size() > 8) throw new ScriptParseException(file, t.line(), "at most 4 SACK blocks");
                return new TcpOption(OptionKind.SACK, 0, 0, edges.stream().mapToLong(Long::longValue).toArray());
            }
            case "TS": {
                tokens.expectWord("val");
                long val = tokens.u32("a TS val");
                tokens.expectWord("ecr");
                long ecr = tokens.u32("a TS ecr");
                return new TcpOption(OptionKind.TIMESTAMP, val, ecr, null);
            }
            default:
                throw new ScriptParseException(file, t.line(), "unsupported TCP option '" + t.text()
                        + "' (supported: nop, eol, mss N, wscale N, sackOK, sack A:B..., TS val V ecr E, FO [cookie], md5 valid|invalid)");
        }
    }

    /**
     * A Fast Open option after its {@code FO}: the cookie as hex digits up to the next ',' or '>' (none: a
     * cookie request). The lexer may split the digits into several tokens ({@code 0a0b}: {@code 0}, {@code a0b}).
     */
    private TcpOption fastOpen(Token fo) throws ScriptParseException {
        StringBuilder hex = new StringBuilder();
        while (tokens.peek().type() == Type.INT || tokens.peek().type() == Type.WORD) hex.append(tokens.take().text());
        if (hex.length() % 2 != 0 || !hex.chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
            throw new ScriptParseException(file, fo.line(), "a Fast Open cookie is an even number of hex digits: " + hex);
        }
        long[] cookie = new long[hex.length() / 2];
        for (int k = 0; k < cookie.length; k++) cookie[k] = Integer.parseInt(hex.substring(2 * k, 2 * k + 2), 16);
        return new TcpOption(OptionKind.FAST_OPEN, 0, 0, cookie);
    }

    /** ICMP types by packetdrill's names. */
    private static final Map<String, Integer> ICMP_TYPES = Map.of("echo_reply", 0, "unreachable", 3,
            "source_quench", 4, "redirect", 5, "echo_request", 8, "time_exceeded", 11, "parameter_problem", 12);
    /** Destination unreachable's codes by number (RFC 1812 5.2.7.1), as packetdrill names them. */
    private static final List<String> UNREACH_CODES = List.of("net_unreachable", "host_unreachable",
            "protocol_unreachable", "port_unreachable", "frag_needed", "source_route_failed", "net_unknown",
            "host_unknown", "source_host_isolated", "net_prohibited", "host_prohibited", "net_unreachable_for_tos",
            "host_unreachable_for_tos", "packet_filtered", "precedence_violation", "precedence_cutoff");
    /** Time exceeded's codes by number (RFC 792). */
    private static final List<String> TIME_EXCEEDED_CODES = List.of("ttl_exceeded_in_transit", "frag_reass_exceeded");

    private IcmpSpec icmp() throws ScriptParseException {
        tokens.take(); // icmp
        Token typeTok = tokens.peek();
        Integer type = typeTok.type() == Type.WORD ? ICMP_TYPES.get(typeTok.text()) : null;
        if (type == null) throw tokens.expected("an ICMP type (" + String.join(", ", ICMP_TYPES.keySet()) + ")");
        tokens.take();
        int code = 0;
        String codeName = null;
        if (tokens.peek().type() == Type.WORD && !tokens.peek().isWord("mtu")) {
            Token c = tokens.take();
            codeName = c.text();
            List<String> names = type == 3 ? UNREACH_CODES : type == 11 ? TIME_EXCEEDED_CODES : List.of();
            if (names.contains(c.text())) code = names.indexOf(c.text());
            else if (c.text().matches("code_\\d{1,3}")) code = Integer.parseInt(c.text().substring(5));
            else throw new ScriptParseException(file, c.line(), "unknown ICMP code '" + c.text() + "' for type " + typeTok.text()
                    + (names.isEmpty() ? " (write code_N)" : " (known: " + String.join(", ", names) + ", or code_N)"));
        } else if (tokens.peek().type() == Type.INT) {
            code = (int) tokens.integer("an ICMP code");
            codeName = Integer.toString(code);
        }
        int mtu = 0;
        if (tokens.peek().isWord("mtu")) {
            tokens.take();
            mtu = tokens.u16("an MTU after 'mtu'");
        }
        long echoedSeq = -1;
        int echoedLen = 0;
        int[] quotedUdp = {-1, -1};
        if (tokens.peek().is("[")) {
            tokens.take();
            echoedSeq = tokens.u32("the quoted segment's start:end(length)");
            tokens.expect(":", "':' in start:end(length)");
            long end = tokens.u32("an ending sequence number");
            tokens.expect("(", "'(' in start:end(length)");
            echoedLen = tokens.u16("a payload length");
            tokens.expect(")", "')' closing start:end(length)");
            quotedUdp = udpPorts();
            tokens.expect("]", "']' closing the quoted segment");
            if (((echoedSeq + echoedLen) & 0xFFFF_FFFFL) != end) {
                throw new ScriptParseException(file, typeTok.line(), "inconsistent sequence numbers in the quoted segment");
            }
        }
        return new IcmpSpec(typeTok.text() + (codeName == null ? "" : " " + codeName), type, code, mtu, echoedSeq, echoedLen,
                quotedUdp[0], quotedUdp[1]);
    }
}
