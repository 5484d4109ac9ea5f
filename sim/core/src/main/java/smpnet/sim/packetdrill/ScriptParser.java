package smpnet.sim.packetdrill;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import smpnet.sim.packetdrill.Lexer.Token;
import smpnet.sim.packetdrill.Lexer.Type;
import smpnet.sim.packetdrill.Script.Array;
import smpnet.sim.packetdrill.Script.BitOr;
import smpnet.sim.packetdrill.Script.Call;
import smpnet.sim.packetdrill.Script.CodeEvent;
import smpnet.sim.packetdrill.Script.CommandEvent;
import smpnet.sim.packetdrill.Script.Direction;
import smpnet.sim.packetdrill.Script.Ellipsis;
import smpnet.sim.packetdrill.Script.Event;
import smpnet.sim.packetdrill.Script.Expr;
import smpnet.sim.packetdrill.Script.IcmpSpec;
import smpnet.sim.packetdrill.Script.Num;
import smpnet.sim.packetdrill.Script.OptionKind;
import smpnet.sim.packetdrill.Script.PacketEvent;
import smpnet.sim.packetdrill.Script.Str;
import smpnet.sim.packetdrill.Script.Struct;
import smpnet.sim.packetdrill.Script.Sym;
import smpnet.sim.packetdrill.Script.SyscallEvent;
import smpnet.sim.packetdrill.Script.TcpOption;
import smpnet.sim.packetdrill.Script.TcpSpec;
import smpnet.sim.packetdrill.Script.TimeKind;
import smpnet.sim.packetdrill.Script.Timing;

/**
 * Reads a packetdrill script (the language of packetdrill's own test scripts) into a {@link Script}.
 *
 * <p>Two passes. The line pass takes out what packetdrill treats by lines: header options ({@code --name=value}
 * lines) and {@code #ifdef NAME} / {@code #ifndef} / {@code #else} / {@code #endif} blocks (the names defined
 * are {@link #DEFINED}); lines it takes out become empty, so line numbers stay true. The token pass
 * ({@link Lexer}) then reads events by a recursive descent over packetdrill's grammar: a time, then a packet,
 * a system call, a backquoted command or a {@code %{ }%} block.
 */
public final class ScriptParser {
    /** The names {@code #ifdef} sees as defined: this stack, and the system it models. */
    public static final Set<String> DEFINED = Set.of("smpnet", "FreeBSD");

    private final String file;
    private List<Token> tokens;
    private int at;

    private ScriptParser(String file) { this.file = file; }

    /** Reads the script file {@code path}. */
    public static Script parse(Path path) throws IOException, ScriptParseException {
        return parse(path.toString(), Files.readString(path));
    }

    /** Reads a script's text; {@code file} names it in messages. */
    public static Script parse(String file, String text) throws ScriptParseException {
        ScriptParser p = new ScriptParser(file);
        StringBuilder body = new StringBuilder();
        Script.Options options = p.linePass(text, body);
        p.tokens = new Lexer(file, body.toString()).tokens();
        List<Event> events = new ArrayList<>();
        while (p.peek().type() != Type.EOF) events.add(p.event());
        if (!events.isEmpty()) {
            Event first = events.getFirst();
            if (first.timing().kind() != TimeKind.ABSOLUTE && first.timing().kind() != TimeKind.RELATIVE
                    || first.timing().startUsecs() != 0) {
                throw new ScriptParseException(file, first.line(), "the first event should be at time 0");
            }
        }
        return new Script(file, options, List.copyOf(events));
    }

    // ---- the line pass: header options and #ifdef ------------------------------------------------------------

    private Script.Options linePass(String text, StringBuilder body) throws ScriptParseException {
        long tolerance = Script.Options.DEFAULTS.toleranceUsecs();
        int mtu = Script.Options.DEFAULTS.mtu();
        long tick = Script.Options.DEFAULTS.tsTickUsecs();
        String[] lines = text.split("\n", -1);
        // One entry per open #ifdef: whether its lines are kept, and where it opened.
        List<boolean[]> keep = new ArrayList<>();
        List<Integer> opened = new ArrayList<>();
        for (int i = 0; i < lines.length; i++) {
            int n = i + 1;
            String t = lines[i].strip();
            boolean kept = keep.stream().allMatch(k -> k[0]);
            if (t.startsWith("#ifdef") || t.startsWith("#ifndef")) {
                String[] w = t.split("\\s+");
                if (w.length != 2) throw new ScriptParseException(file, n, "expected one name after " + w[0]);
                keep.add(new boolean[] {DEFINED.contains(w[1]) == w[0].equals("#ifdef")});
                opened.add(n);
                t = "";
            } else if (t.equals("#else")) {
                if (keep.isEmpty()) throw new ScriptParseException(file, n, "#else without #ifdef");
                keep.getLast()[0] = !keep.getLast()[0];
                t = "";
            } else if (t.equals("#endif")) {
                if (keep.isEmpty()) throw new ScriptParseException(file, n, "#endif without #ifdef");
                keep.removeLast();
                opened.removeLast();
                t = "";
            } else if (t.startsWith("#")) {
                throw new ScriptParseException(file, n, "expected #ifdef, #ifndef, #else or #endif, found '" + t + "'");
            } else if (!kept) {
                t = "";
            } else if (t.startsWith("--")) {
                String opt = t.replaceFirst("\\s*//.*$", "");
                int eq = opt.indexOf('=');
                String name = eq < 0 ? opt.substring(2) : opt.substring(2, eq);
                String value = eq < 0 ? null : opt.substring(eq + 1).strip();
                switch (name) {
                    case "ip_version" -> {
                        if (!"ipv4".equals(value)) {
                            throw new ScriptParseException(file, n, "only --ip_version=ipv4 is supported, found '" + value + "'");
                        }
                    }
                    case "tolerance_usecs" -> tolerance = optionNumber(n, name, value);
                    case "mtu" -> mtu = (int) optionNumber(n, name, value);
                    case "tcp_ts_tick_usecs" -> tick = optionNumber(n, name, value);
                    default -> throw new ScriptParseException(file, n, "unsupported option --" + name
                            + " (supported: --ip_version=ipv4, --tolerance_usecs=N, --mtu=N, --tcp_ts_tick_usecs=N)");
                }
                t = "";
            } else {
                t = lines[i];
            }
            body.append(t).append('\n');
        }
        if (!keep.isEmpty()) throw new ScriptParseException(file, opened.getLast(), "#ifdef without #endif");
        if (mtu < MIN_MTU || mtu > MAX_MTU) {
            throw new ScriptParseException(file, 1, "--mtu must be in [" + MIN_MTU + ", " + MAX_MTU + "], found " + mtu);
        }
        return new Script.Options(tolerance, mtu, tick);
    }

    private long optionNumber(int line, String name, String value) throws ScriptParseException {
        try {
            long v = Long.parseLong(value == null ? "" : value);
            if (v < 0) throw new NumberFormatException();
            return v;
        } catch (NumberFormatException e) {
            throw new ScriptParseException(file, line, "expected a non-negative integer for --" + name + ", found '" + value + "'");
        }
    }

    // ---- the token pass ---------------------------------------------------------------------------------

    private Token peek() { return tokens.get(at); }

    private Token peek(int ahead) { return tokens.get(Math.min(at + ahead, tokens.size() - 1)); }

    private Token take() {
        Token t = tokens.get(at);
        if (t.type() != Type.EOF) at++;
        return t;
    }

    private ScriptParseException expected(String what) {
        // at the end of the file, the line the script ended on
        int line = peek().type() == Type.EOF && at > 0 ? tokens.get(at - 1).line() : peek().line();
        return new ScriptParseException(file, line, "expected " + what + ", found " + peek().describe());
    }

    private void expect(String punct, String what) throws ScriptParseException {
        if (!peek().is(punct)) throw expected(what);
        take();
    }

    private void expectWord(String word) throws ScriptParseException {
        if (!peek().isWord(word)) throw expected("'" + word + "'");
        take();
    }

    private long integer(String what) throws ScriptParseException {
        Token t = peek();
        if (t.type() != Type.INT) throw expected(what);
        take();
        try {
            return t.text().startsWith("0x") || t.text().startsWith("0X") ? Long.parseLong(t.text().substring(2), 16)
                    : Long.parseLong(t.text());
        } catch (NumberFormatException e) {
            throw new ScriptParseException(file, t.line(), what + " out of range: " + t.text());
        }
    }

    private long u32(String what) throws ScriptParseException {
        int line = peek().line();
        long v = integer(what);
        if (v > 0xFFFF_FFFFL) throw new ScriptParseException(file, line, what + " out of range: " + v);
        return v;
    }

    private int u16(String what) throws ScriptParseException {
        int line = peek().line();
        long v = integer(what);
        if (v > 0xFFFF) throw new ScriptParseException(file, line, what + " out of range: " + v);
        return (int) v;
    }

    /** Seconds as written (an integer or a decimal), in microseconds. */
    private long seconds() throws ScriptParseException {
        Token t = peek();
        if (t.type() != Type.INT && t.type() != Type.FLOAT) throw expected("a time in seconds");
        take();
        return Math.round(Double.parseDouble(t.text()) * 1e6);
    }

    private Event event() throws ScriptParseException {
        int line = peek().line();
        if (peek().type() == Type.COMMAND) { // packetdrill's untimed init or cleanup command: at once
            return new CommandEvent(line, new Timing(TimeKind.RELATIVE, 0, -1), take().text());
        }
        Timing timing = timing();
        long end = -1;
        if (peek().is("...")) { // a blocking system call's end
            take();
            end = seconds();
            if (end < timing.startUsecs() && timing.kind() == TimeKind.ABSOLUTE) {
                throw new ScriptParseException(file, line, "time range is backwards");
            }
        }
        Token t = peek();
        boolean range = timing.kind() == TimeKind.ABSOLUTE_RANGE || timing.kind() == TimeKind.RELATIVE_RANGE;
        if (t.is("<") || t.is(">")) {
            if (end >= 0) throw new ScriptParseException(file, line, "a time range with ... is for system calls; packets use ~");
            PacketEvent p = packet(line, timing);
            p = p.withIpFields(packetEcn, packetTos, packetTtl);
            if ((timing.kind() == TimeKind.ANY || range) && p.direction() != Direction.OUTBOUND) {
                throw new ScriptParseException(file, line, "* and ~ times can only be used with outbound packets");
            }
            return p;
        }
        if (timing.kind() == TimeKind.ANY || range) {
            throw new ScriptParseException(file, line, "* and ~ times can only be used with outbound packets");
        }
        if (t.type() == Type.COMMAND || t.type() == Type.CODE) {
            if (end >= 0) throw new ScriptParseException(file, line, "a time range with ... is for system calls");
            take();
            return t.type() == Type.COMMAND ? new CommandEvent(line, timing, t.text()) : new CodeEvent(line, timing, t.text());
        }
        if (t.type() == Type.WORD && peek(1).is("(")) return syscall(line, timing, end);
        throw expected("a packet ('<' or '>'), a system call, a `command` or a %{ }% block");
    }

    private Timing timing() throws ScriptParseException {
        if (peek().is("*")) {
            take();
            return new Timing(TimeKind.ANY, 0, -1);
        }
        boolean relative = peek().is("+");
        if (relative) take();
        long start = seconds();
        if (!peek().is("~")) return new Timing(relative ? TimeKind.RELATIVE : TimeKind.ABSOLUTE, start, -1);
        take();
        if (relative) expect("+", "'+' starting the relative range's end");
        else if (peek().is("+")) throw expected("an absolute time after '~' (the range's start is absolute)");
        long end = seconds();
        if (end < start) throw new ScriptParseException(file, peek().line(), "time range is backwards");
        return new Timing(relative ? TimeKind.RELATIVE_RANGE : TimeKind.ABSOLUTE_RANGE, start, end);
    }

    // ---- packets ----------------------------------------------------------------------------------------

    /** The ECN field of the packet line {@link #packet} read last ({@code [ect0]} after the direction), or null. */
    private Integer packetEcn;
    /** The TOS byte and TTL of that line ({@code (tos 0x20, ttl 3)} after the direction), or null. */
    private Integer packetTos;
    private Integer packetTtl;

    /** A packet line's IP header fields in parentheses after its direction: {@code tos N} and {@code ttl N}. */
    private void ipFields(int line) throws ScriptParseException {
        take(); // (
        while (true) {
            Token name = take();
            if (!name.isWord("tos") && !name.isWord("ttl")) {
                throw new ScriptParseException(file, line, "expected IP header fields (tos N, ttl N) in parentheses after the "
                        + "direction, found '" + name.text() + "'");
            }
            long v = integer("a value after '" + name.text() + "'");
            if (v < 0 || v > 255) throw new ScriptParseException(file, line, name.text() + " must be in [0, 255], found " + v);
            if (name.isWord("tos")) packetTos = (int) v;
            else packetTtl = (int) v;
            Token next = take();
            if (next.is(")")) return;
            if (!next.is(",")) throw new ScriptParseException(file, line, "expected ',' or ')' after " + name.text() + " " + v);
        }
    }

    /** A packet line's IP ECN field in brackets after its direction ({@code < [ect0] . 1:1(0) ...}). */
    private int ecnField(int line) throws ScriptParseException {
        take(); // [
        Token name = take();
        int field = name.type() == Type.WORD ? Script.ECN_NAMES.indexOf(name.text()) : -1;
        if (field < 0 || !peek().is("]")) {
            throw new ScriptParseException(file, line, "expected an ECN field [noecn], [ect0], [ect1] or [ce] after the direction");
        }
        take();
        return field;
    }

    private PacketEvent packet(int line, Timing timing) throws ScriptParseException {
        Direction dir = take().is("<") ? Direction.INBOUND : Direction.OUTBOUND;
        packetEcn = null;
        packetTos = null;
        packetTtl = null;
        if (peek().isWord("icmp")) {
            if (dir == Direction.OUTBOUND) throw new ScriptParseException(file, line, "outbound ICMP packets are not supported");
            return new PacketEvent(line, timing, dir, icmp());
        }
        if (peek().isWord("udp")) throw new ScriptParseException(file, line, "UDP packets are not supported (TCP and inbound ICMP only)");
        if (peek().is("(")) ipFields(line);
        if (peek().is("[")) packetEcn = ecnField(line);
        // flags: a word of flag letters, optionally followed by '.', or '.' alone, or '-' for none
        StringBuilder flagsText = new StringBuilder();
        if (peek().type() == Type.WORD) flagsText.append(take().text());
        if (peek().is(".")) flagsText.append(take().text());
        else if (flagsText.isEmpty() && peek().is("-")) take();
        else if (flagsText.isEmpty()) throw expected("TCP flags (S, ., F, R, P, combined as in 'S.' or 'F.')");
        int flags = 0;
        for (char c : flagsText.toString().toCharArray()) {
            int bit = Segment.flagBit(c);
            if (bit == 0) throw new ScriptParseException(file, line, "unknown TCP flag '" + c + "' in '" + flagsText
                    + "' (known: F S R P . U E W)");
            flags |= bit;
        }
        long seq;
        long end;
        if (peek().is("...")) { // ...(length): any sequence number
            take();
            if (dir == Direction.INBOUND) throw new ScriptParseException(file, line, "...(length) can only be used with outbound packets");
            seq = TcpSpec.ANY_SEQ;
            end = -1;
        } else {
            seq = u32("a starting sequence number (start:end(length))");
            expect(":", "':' in start:end(length)");
            end = u32("an ending sequence number (start:end(length))");
        }
        expect("(", "'(' in start:end(length)");
        int len = u16("a payload length (start:end(length))");
        expect(")", "')' closing start:end(length)");
        if (seq != TcpSpec.ANY_SEQ && ((seq + len) & 0xFFFF_FFFFL) != end) {
            throw new ScriptParseException(file, line, "inconsistent TCP sequence numbers and payload size: "
                    + seq + ":" + end + "(" + len + ")");
        }
        if (peek().is("!")) { // start:end(length)! on an outbound packet: its sequence number is not checked
            take();
            if (dir == Direction.INBOUND) throw new ScriptParseException(file, line, "'!' after start:end(length) is for outbound packets");
            seq = TcpSpec.ANY_SEQ;
        }
        Long ack = null;
        Integer win = null;
        if (peek().isWord("ack")) {
            take();
            ack = u32("an acknowledgment number after 'ack'");
        }
        if (peek().isWord("win")) {
            take();
            win = u16("a window after 'win'");
        }
        if (win == null && dir == Direction.INBOUND) throw new ScriptParseException(file, line, "window must be specified for inbound packets");
        int urg = 0;
        if (peek().isWord("urg")) {
            take();
            urg = u16("an urgent pointer after 'urg'");
        }
        List<TcpOption> options = List.of();
        if (peek().is("<")) {
            take();
            if (peek().is("...")) {
                take();
                if (dir == Direction.INBOUND) throw new ScriptParseException(file, line, "<...> for TCP options can only be used with outbound packets");
                options = null;
            } else {
                options = optionList();
            }
            expect(">", "',' or '>' in the TCP options");
        }
        return new PacketEvent(line, timing, dir, new TcpSpec(flagsText.toString(), flags, seq, len, ack, win, urg, options));
    }

    private List<TcpOption> optionList() throws ScriptParseException {
        List<TcpOption> out = new ArrayList<>();
        int bytes = 0;
        int line = peek().line();
        do {
            if (!out.isEmpty()) take(); // the ','
            TcpOption o = option();
            bytes += Segment.optionLength(o);
            out.add(o);
        } while (peek().is(","));
        if (bytes > 40) throw new ScriptParseException(file, line, "TCP option list too long (" + bytes + " bytes; at most 40)");
        return List.copyOf(out);
    }

    private TcpOption option() throws ScriptParseException {
        Token t = peek();
        if (t.type() != Type.WORD) throw expected("a TCP option (nop, eol, mss N, wscale N, sackOK, sack A:B, TS val V ecr E, FO [cookie])");
        take();
        switch (t.text()) {
            case "nop": return TcpOption.of(OptionKind.NOP);
            case "eol": return TcpOption.of(OptionKind.EOL);
            case "sackOK": return TcpOption.of(OptionKind.SACK_OK);
            case "FO": return fastOpen(t);
            case "mss": return new TcpOption(OptionKind.MSS, u16("an MSS after 'mss'"), 0, null);
            case "wscale": {
                int line = peek().line();
                long w = integer("a shift count after 'wscale'");
                if (w > 255) throw new ScriptParseException(file, line, "window scale shift count out of range: " + w);
                return new TcpOption(OptionKind.WSCALE, w, 0, null);
            }
            case "sack": {
                List<Long> edges = new ArrayList<>();
                while (peek().type() == Type.INT) {
                    edges.add(u32("a SACK block's left edge"));
                    expect(":", "':' in a SACK block left:right");
                    edges.add(u32("a SACK block's right edge"));
                }
                if (edges.isEmpty()) throw expected("SACK blocks (left:right ...) after 'sack'");
                if (edges.size() > 8) throw new ScriptParseException(file, t.line(), "at most 4 SACK blocks");
                return new TcpOption(OptionKind.SACK, 0, 0, edges.stream().mapToLong(Long::longValue).toArray());
            }
            case "TS": {
                expectWord("val");
                long val = u32("a TS val");
                expectWord("ecr");
                long ecr = u32("a TS ecr");
                return new TcpOption(OptionKind.TIMESTAMP, val, ecr, null);
            }
            default:
                throw new ScriptParseException(file, t.line(), "unsupported TCP option '" + t.text()
                        + "' (supported: nop, eol, mss N, wscale N, sackOK, sack A:B..., TS val V ecr E, FO [cookie])");
        }
    }

    /**
     * A Fast Open option after its {@code FO}: the cookie as hex digits up to the next ',' or '>' (none: a
     * cookie request). The lexer may split the digits into several tokens ({@code 0a0b}: {@code 0}, {@code a0b}).
     */
    private TcpOption fastOpen(Token fo) throws ScriptParseException {
        StringBuilder hex = new StringBuilder();
        while (peek().type() == Type.INT || peek().type() == Type.WORD) hex.append(take().text());
        if (hex.length() % 2 != 0 || !hex.chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
            throw new ScriptParseException(file, fo.line(), "a Fast Open cookie is an even number of hex digits: " + hex);
        }
        long[] cookie = new long[hex.length() / 2];
        for (int k = 0; k < cookie.length; k++) cookie[k] = Integer.parseInt(hex.substring(2 * k, 2 * k + 2), 16);
        return new TcpOption(OptionKind.FAST_OPEN, 0, 0, cookie);
    }

    /** ICMP types and codes by packetdrill's names. */
    /** --mtu's range: FreeBSD's IF_MINMTU and IF_MAXMTU (what ifconfig accepts for an interface). */
    static final int MIN_MTU = 72;
    static final int MAX_MTU = 65535;

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
        take(); // icmp
        Token typeTok = peek();
        Integer type = typeTok.type() == Type.WORD ? ICMP_TYPES.get(typeTok.text()) : null;
        if (type == null) throw expected("an ICMP type (" + String.join(", ", ICMP_TYPES.keySet()) + ")");
        take();
        int code = 0;
        String codeName = null;
        if (peek().type() == Type.WORD && !peek().isWord("mtu")) {
            Token c = take();
            codeName = c.text();
            List<String> names = type == 3 ? UNREACH_CODES : type == 11 ? TIME_EXCEEDED_CODES : List.of();
            if (names.contains(c.text())) code = names.indexOf(c.text());
            else if (c.text().matches("code_\\d{1,3}")) code = Integer.parseInt(c.text().substring(5));
            else throw new ScriptParseException(file, c.line(), "unknown ICMP code '" + c.text() + "' for type " + typeTok.text()
                    + (names.isEmpty() ? " (write code_N)" : " (known: " + String.join(", ", names) + ", or code_N)"));
        } else if (peek().type() == Type.INT) {
            code = (int) integer("an ICMP code");
            codeName = Integer.toString(code);
        }
        int mtu = 0;
        if (peek().isWord("mtu")) {
            take();
            mtu = u16("an MTU after 'mtu'");
        }
        long echoedSeq = -1;
        int echoedLen = 0;
        if (peek().is("[")) {
            take();
            echoedSeq = u32("the quoted segment's start:end(length)");
            expect(":", "':' in start:end(length)");
            long end = u32("an ending sequence number");
            expect("(", "'(' in start:end(length)");
            echoedLen = u16("a payload length");
            expect(")", "')' closing start:end(length)");
            expect("]", "']' closing the quoted segment");
            if (((echoedSeq + echoedLen) & 0xFFFF_FFFFL) != end) {
                throw new ScriptParseException(file, typeTok.line(), "inconsistent sequence numbers in the quoted segment");
            }
        }
        return new IcmpSpec(typeTok.text() + (codeName == null ? "" : " " + codeName), type, code, mtu, echoedSeq, echoedLen);
    }

    // ---- system calls -----------------------------------------------------------------------------------

    private SyscallEvent syscall(int line, Timing timing, long end) throws ScriptParseException {
        String name = take().text();
        take(); // '('
        List<Expr> args = exprList(")", "',' or ')' in the arguments of " + name + "()");
        expect("=", "'=' and the expected result after " + name + "(...)");
        Expr result = expr();
        String errno = null;
        if (peek().type() == Type.WORD && peek().text().startsWith("E") && peek().line() == tokens.get(at - 1).line()) {
            errno = take().text();
        }
        if (peek().is("(") && peek().line() == tokens.get(at - 1).line()) { // a note: "(Operation now in progress)"
            int depth = 0;
            do {
                Token t = take();
                if (t.is("(")) depth++;
                else if (t.is(")")) depth--;
                else if (t.type() == Type.EOF) throw new ScriptParseException(file, line, "expected ')' closing the note");
            } while (depth > 0);
        }
        if (errno != null && !(result instanceof Num n && n.value() == -1)) {
            throw new ScriptParseException(file, line, "an errno (" + errno + ") goes with the result -1");
        }
        return new SyscallEvent(line, timing, end, name, args, result, errno);
    }

    /** Expressions separated by ',' up to {@code close} (taken). */
    private List<Expr> exprList(String close, String what) throws ScriptParseException {
        List<Expr> out = new ArrayList<>();
        if (!peek().is(close)) {
            out.add(expr());
            while (peek().is(",")) {
                take();
                out.add(expr());
            }
        }
        expect(close, what);
        return List.copyOf(out);
    }

    private Expr expr() throws ScriptParseException {
        Expr first = primary();
        if (!peek().is("|")) return first;
        List<Expr> terms = new ArrayList<>(List.of(first));
        while (peek().is("|")) {
            take();
            terms.add(primary());
        }
        return new BitOr(List.copyOf(terms));
    }

    private Expr primary() throws ScriptParseException {
        Token t = peek();
        if (t.is("...")) {
            take();
            return new Ellipsis();
        }
        if (t.is("-")) {
            take();
            return new Num(-integer("a number after '-'"));
        }
        if (t.type() == Type.INT) return new Num(integer("a number"));
        if (t.type() == Type.STRING) {
            take();
            return new Str(t.text());
        }
        if (t.type() == Type.WORD) {
            take();
            if (!peek().is("(")) return new Sym(t.text());
            take();
            return new Call(t.text(), exprList(")", "',' or ')' closing " + t.text() + "("));
        }
        if (t.is("[")) {
            take();
            return new Array(exprList("]", "',' or ']' in the array"));
        }
        if (t.is("{")) {
            take();
            Map<String, Expr> fields = new LinkedHashMap<>();
            while (!peek().is("}")) {
                if (!fields.isEmpty()) expect(",", "',' or '}' in the struct");
                if (peek().type() != Type.WORD) throw expected("a field name in the struct");
                String name = take().text();
                expect("=", "'=' after the field name " + name);
                fields.put(name, expr());
            }
            take();
            return new Struct(fields);
        }
        throw expected("a value (a number, a name, ..., [..] or {..})");
    }
}
