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
import smpnet.sim.packetdrill.Script.Num;
import smpnet.sim.packetdrill.Script.PacketEvent;
import smpnet.sim.packetdrill.Script.Str;
import smpnet.sim.packetdrill.Script.Struct;
import smpnet.sim.packetdrill.Script.Sym;
import smpnet.sim.packetdrill.Script.SyscallEvent;
import smpnet.sim.packetdrill.Script.TimeKind;
import smpnet.sim.packetdrill.Script.Timing;

/**
 * Reads a packetdrill script (the language of packetdrill's own test scripts) into a {@link Script}.
 *
 * <p>Two passes. The line pass takes out what packetdrill treats by lines: header options ({@code --name=value}
 * lines) and {@code #ifdef NAME} / {@code #ifndef} / {@code #else} / {@code #endif} blocks (the names defined
 * are {@link #DEFINED}); lines it takes out become empty, so line numbers stay true. The token pass
 * ({@link Lexer}) then reads events by a recursive descent over packetdrill's grammar: a time, then a packet,
 * a system call, a backquoted command or a {@code %{ }%} block. Packet lines are read by
 * {@link PacketLineParser}; both read the tokens through one {@link TokenCursor}.
 */
public final class ScriptParser {
    /** The names {@code #ifdef} sees as defined: this stack, and the system it models. */
    public static final Set<String> DEFINED = Set.of("smpnet", "FreeBSD");
    /** --mtu's range: FreeBSD's IF_MINMTU and IF_MAXMTU (what ifconfig accepts for an interface). */
    static final int MIN_MTU = 72;
    static final int MAX_MTU = 65535;

    private final String file;
    private TokenCursor tokens;
    /** Reads the packet lines from the same tokens. */
    private PacketLineParser packets;

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
        p.tokens = new TokenCursor(file, new Lexer(file, body.toString()).tokens());
        p.packets = new PacketLineParser(file, p.tokens);
        List<Event> events = new ArrayList<>();
        while (p.tokens.peek().type() != Type.EOF) events.add(p.event());
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
        boolean udpEncapsulation = false;
        boolean nonFatalSyscalls = false;
        String md5Secret = null;
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
                    case "udp_encapsulation" -> {
                        if (!"tcp".equals(value)) {
                            throw new ScriptParseException(file, n, "only --udp_encapsulation=tcp is supported, found '" + value + "'");
                        }
                        udpEncapsulation = true;
                    }
                    case "tcp_md5_secret" -> {
                        if (value == null || value.isEmpty() || value.length() > 80) {
                            throw new ScriptParseException(file, n, "--tcp_md5_secret needs a key of 1 to 80 characters");
                        }
                        md5Secret = value;
                    }
                    case "non_fatal" -> {
                        if (value == null || !java.util.Arrays.stream(value.split(",")).allMatch(v -> v.strip().equals("syscall"))) {
                            throw new ScriptParseException(file, n, "only --non_fatal=syscall is supported, found '" + value + "'");
                        }
                        nonFatalSyscalls = true;
                    }
                    default -> throw new ScriptParseException(file, n, "unsupported option --" + name
                            + " (supported: --ip_version=ipv4, --tolerance_usecs=N, --mtu=N, --tcp_ts_tick_usecs=N,"
                            + " --udp_encapsulation=tcp, --non_fatal=syscall, --tcp_md5_secret=KEY)");
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
        return new Script.Options(tolerance, mtu, tick, udpEncapsulation, nonFatalSyscalls, md5Secret);
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

    private Event event() throws ScriptParseException {
        int line = tokens.peek().line();
        if (tokens.peek().type() == Type.COMMAND) { // packetdrill's untimed init or cleanup command: at once
            return new CommandEvent(line, new Timing(TimeKind.RELATIVE, 0, -1), tokens.take().text());
        }
        Timing timing = timing();
        long end = -1;
        if (tokens.peek().is("...")) { // a blocking system call's end
            tokens.take();
            end = tokens.seconds();
            if (end < timing.startUsecs() && timing.kind() == TimeKind.ABSOLUTE) {
                throw new ScriptParseException(file, line, "time range is backwards");
            }
        }
        Token t = tokens.peek();
        boolean range = timing.kind() == TimeKind.ABSOLUTE_RANGE || timing.kind() == TimeKind.RELATIVE_RANGE;
        if (t.is("<") || t.is(">")) {
            if (end >= 0) throw new ScriptParseException(file, line, "a time range with ... is for system calls; packets use ~");
            PacketEvent p = packets.packet(line, timing);
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
            tokens.take();
            return t.type() == Type.COMMAND ? new CommandEvent(line, timing, t.text()) : new CodeEvent(line, timing, t.text());
        }
        if (t.type() == Type.WORD && tokens.peek(1).is("(")) return syscall(line, timing, end);
        throw tokens.expected("a packet ('<' or '>'), a system call, a `command` or a %{ }% block");
    }

    private Timing timing() throws ScriptParseException {
        if (tokens.peek().is("*")) {
            tokens.take();
            return new Timing(TimeKind.ANY, 0, -1);
        }
        boolean relative = tokens.peek().is("+");
        if (relative) tokens.take();
        long start = tokens.seconds();
        if (!tokens.peek().is("~")) return new Timing(relative ? TimeKind.RELATIVE : TimeKind.ABSOLUTE, start, -1);
        tokens.take();
        if (relative) tokens.expect("+", "'+' starting the relative range's end");
        else if (tokens.peek().is("+")) throw tokens.expected("an absolute time after '~' (the range's start is absolute)");
        long end = tokens.seconds();
        if (end < start) throw new ScriptParseException(file, tokens.peek().line(), "time range is backwards");
        return new Timing(relative ? TimeKind.RELATIVE_RANGE : TimeKind.ABSOLUTE_RANGE, start, end);
    }

    // ---- system calls -----------------------------------------------------------------------------------

    private SyscallEvent syscall(int line, Timing timing, long end) throws ScriptParseException {
        String name = tokens.take().text();
        tokens.take(); // '('
        List<Expr> args = exprList(")", "',' or ')' in the arguments of " + name + "()");
        tokens.expect("=", "'=' and the expected result after " + name + "(...)");
        Expr result = expr();
        String errno = null;
        if (tokens.peek().type() == Type.WORD && tokens.peek().text().startsWith("E")
                && tokens.peek().line() == tokens.previousLine()) {
            errno = tokens.take().text();
        }
        if (tokens.peek().is("(") && tokens.peek().line() == tokens.previousLine()) { // a note: "(Operation now in progress)"
            int depth = 0;
            do {
                Token t = tokens.take();
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
        if (!tokens.peek().is(close)) {
            out.add(expr());
            while (tokens.peek().is(",")) {
                tokens.take();
                out.add(expr());
            }
        }
        tokens.expect(close, what);
        return List.copyOf(out);
    }

    private Expr expr() throws ScriptParseException {
        Expr first = primary();
        if (!tokens.peek().is("|")) return first;
        List<Expr> terms = new ArrayList<>(List.of(first));
        while (tokens.peek().is("|")) {
            tokens.take();
            terms.add(primary());
        }
        return new BitOr(List.copyOf(terms));
    }

    private Expr primary() throws ScriptParseException {
        Token t = tokens.peek();
        if (t.is("...")) {
            tokens.take();
            return new Ellipsis();
        }
        if (t.is("-")) {
            tokens.take();
            return new Num(-tokens.integer("a number after '-'"));
        }
        if (t.type() == Type.INT) return new Num(tokens.integer("a number"));
        if (t.type() == Type.STRING) {
            tokens.take();
            return new Str(t.text());
        }
        if (t.type() == Type.WORD) {
            tokens.take();
            if (!tokens.peek().is("(")) return new Sym(t.text());
            tokens.take();
            return new Call(t.text(), exprList(")", "',' or ')' closing " + t.text() + "("));
        }
        if (t.is("[")) {
            tokens.take();
            return new Array(exprList("]", "',' or ']' in the array"));
        }
        if (t.is("{")) {
            tokens.take();
            Map<String, Expr> fields = new LinkedHashMap<>();
            while (!tokens.peek().is("}")) {
                if (!fields.isEmpty()) tokens.expect(",", "',' or '}' in the struct");
                if (tokens.peek().type() != Type.WORD) throw tokens.expected("a field name in the struct");
                String name = tokens.take().text();
                tokens.expect("=", "'=' after the field name " + name);
                fields.put(name, expr());
            }
            tokens.take();
            return new Struct(fields);
        }
        throw tokens.expected("a value (a number, a name, ..., [..] or {..})");
    }
}
