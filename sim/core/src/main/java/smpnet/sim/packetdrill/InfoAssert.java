package smpnet.sim.packetdrill;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import smpnet.stack.socket.TcpInfo;
import smpnet.stack.socket.TcpState;

/**
 * The asserts of a {@code %{ }%} block, on the connection's TCP_INFO view. packetdrill runs such blocks as
 * Python; this reads the part of Python its scripts use for asserts: one {@code assert EXPR} a line (or
 * separated by {@code ;}), where EXPR has integers, the {@code tcpi_*} fields, the state names
 * ({@code TCPI_ESTABLISHED} or {@code TCPS_ESTABLISHED}, FreeBSD's numbers) and {@code TCPI_OPT_*}, with
 * {@code + - * / // % | &}, comparisons (chained as in Python), {@code and or not} and parentheses.
 */
final class InfoAssert {
    private static final Pattern TOKEN = Pattern.compile("\\s*(0x[0-9a-fA-F]+|\\d+|[A-Za-z_][A-Za-z0-9_]*|//|==|!=|<=|>=|[-+*/%()<>|&])");

    private final List<String> tokens;
    private final Map<String, Long> values;
    /** The fields the expression read, for the failure message. */
    private final Map<String, Long> used = new LinkedHashMap<>();
    private int at;

    private InfoAssert(List<String> tokens, Map<String, Long> values) {
        this.tokens = tokens;
        this.values = values;
    }

    /**
     * Checks every assert of {@code code} against {@code info}; returns null if all hold, else the first
     * false one with the values it read ("assert tcpi_state == TCPI_ESTABLISHED (tcpi_state = 9)").
     * A block that is not asserts is an {@link IllegalArgumentException} saying what was not understood.
     */
    static String check(String code, TcpInfo info) {
        Map<String, Long> values = names(info);
        for (String stmt : code.split("[;\n]")) {
            String s = stmt.strip();
            if (s.isEmpty() || s.startsWith("#") || s.startsWith("print(")) continue;
            if (!s.startsWith("assert ")) {
                throw new IllegalArgumentException("only 'assert EXPR' statements are supported in %{ }%, found '" + s + "'");
            }
            String expr = withoutMessage(s.substring(7).strip());
            InfoAssert a = new InfoAssert(tokenize(expr), values);
            long v = a.or();
            if (a.at != a.tokens.size()) {
                throw new IllegalArgumentException("cannot read '" + expr + "' past '" + a.tokens.get(a.at) + "'");
            }
            if (v == 0) {
                StringBuilder b = new StringBuilder("assert ").append(expr).append(" is false (");
                a.used.forEach((k, x) -> b.append(k).append(" = ").append(x).append(", "));
                b.setLength(b.length() - 2);
                return a.used.isEmpty() ? "assert " + expr + " is false" : b.append(')').toString();
            }
        }
        return null;
    }

    /** Python's {@code assert EXPR, MESSAGE}: the expression before a top-level comma. */
    private static String withoutMessage(String s) {
        int depth = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '(') depth++;
            else if (c == ')') depth--;
            else if (c == ',' && depth == 0) return s.substring(0, i).strip();
        }
        return s;
    }

    private static List<String> tokenize(String expr) {
        List<String> out = new ArrayList<>();
        Matcher m = TOKEN.matcher(expr);
        int pos = 0;
        while (pos < expr.length()) {
            if (!m.find(pos) || m.start() != pos) {
                if (expr.substring(pos).isBlank()) break;
                throw new IllegalArgumentException("cannot read '" + expr + "' at '" + expr.substring(pos).strip() + "'");
            }
            out.add(m.group(1));
            pos = m.end();
        }
        return out;
    }

    /** The names an assert can use, with their values for {@code info}. */
    static Map<String, Long> names(TcpInfo info) {
        Map<String, Long> v = new LinkedHashMap<>();
        for (TcpState s : TcpState.values()) {
            v.put("TCPI_" + s.name(), (long) s.number());
            v.put("TCPS_" + s.name(), (long) s.number());
        }
        v.put("TCPI_OPT_TIMESTAMPS", (long) TcpInfo.OPT_TIMESTAMPS);
        v.put("TCPI_OPT_SACK", (long) TcpInfo.OPT_SACK);
        v.put("TCPI_OPT_WSCALE", (long) TcpInfo.OPT_WSCALE);
        v.put("TCPI_OPT_ECN", (long) TcpInfo.OPT_ECN);
        v.put("True", 1L);
        v.put("False", 0L);
        if (info == null) return v;
        v.put("tcpi_state", (long) info.state().number());
        v.put("tcpi_options", (long) info.options());
        v.put("tcpi_snd_wscale", (long) info.sndWscale());
        v.put("tcpi_rcv_wscale", (long) info.rcvWscale());
        v.put("tcpi_rto", info.rtoMicros());
        v.put("tcpi_rtt", info.rttMicros());
        v.put("tcpi_rttvar", info.rttvarMicros());
        v.put("tcpi_snd_ssthresh", info.sndSsthresh());
        v.put("tcpi_snd_cwnd", info.sndCwnd());
        v.put("tcpi_snd_wnd", info.sndWnd());
        v.put("tcpi_rcv_space", info.rcvSpace());
        v.put("tcpi_snd_mss", (long) info.sndMss());
        v.put("tcpi_rcv_mss", (long) info.rcvMss());
        v.put("tcpi_snd_nxt", info.sndNxt());
        v.put("tcpi_snd_una", info.sndUna());
        v.put("tcpi_rcv_nxt", info.rcvNxt());
        v.put("tcpi_retransmits", (long) info.retransmits());
        v.put("tcpi_total_retrans", info.totalRetransmitted());
        v.put("tcpi_snd_rexmitpack", info.totalRetransmitted());
        return v;
    }

    private String peek() { return at < tokens.size() ? tokens.get(at) : ""; }

    private boolean eat(String t) {
        if (!peek().equals(t)) return false;
        at++;
        return true;
    }

    private long or() {
        long v = and();
        while (eat("or")) v = (v != 0 | and() != 0) ? 1 : 0;
        return v;
    }

    private long and() {
        long v = not();
        while (eat("and")) v = (v != 0 & not() != 0) ? 1 : 0;
        return v;
    }

    private long not() {
        if (eat("not")) return not() == 0 ? 1 : 0;
        return comparison();
    }

    private long comparison() {
        long left = bitOr();
        boolean result = true;
        boolean any = false;
        while (List.of("==", "!=", "<", "<=", ">", ">=").contains(peek())) {
            String op = tokens.get(at++);
            long right = bitOr();
            any = true;
            result &= switch (op) {
                case "==" -> left == right;
                case "!=" -> left != right;
                case "<" -> left < right;
                case "<=" -> left <= right;
                case ">" -> left > right;
                default -> left >= right;
            };
            left = right;
        }
        return any ? (result ? 1 : 0) : left;
    }

    private long bitOr() {
        long v = bitAnd();
        while (eat("|")) v |= bitAnd();
        return v;
    }

    private long bitAnd() {
        long v = sum();
        while (eat("&")) v &= sum();
        return v;
    }

    private long sum() {
        long v = product();
        while (true) {
            if (eat("+")) v += product();
            else if (eat("-")) v -= product();
            else return v;
        }
    }

    private long product() {
        long v = unary();
        while (true) {
            if (eat("*")) v *= unary();
            else if (eat("//") || eat("/")) v = Math.floorDiv(v, nonZero(unary()));
            else if (eat("%")) v = Math.floorMod(v, nonZero(unary()));
            else return v;
        }
    }

    private static long nonZero(long d) {
        if (d == 0) throw new IllegalArgumentException("division by zero in an assert");
        return d;
    }

    private long unary() {
        if (eat("-")) return -unary();
        if (eat("(")) {
            long v = or();
            if (!eat(")")) throw new IllegalArgumentException("expected ')' in an assert, found '" + peek() + "'");
            return v;
        }
        String t = peek();
        if (t.isEmpty()) throw new IllegalArgumentException("an assert ends where a value was expected");
        at++;
        if (Character.isDigit(t.charAt(0))) return t.startsWith("0x") ? Long.parseLong(t.substring(2), 16) : Long.parseLong(t);
        Long v = values.get(t);
        if (v == null) {
            throw new IllegalArgumentException(t.startsWith("tcpi_") && !values.containsKey("tcpi_state")
                    ? "no connection to read " + t + " from" : "unknown name '" + t + "' in an assert (known: "
                    + String.join(", ", values.keySet().stream().filter(k -> k.startsWith("tcpi_")).toList()) + ", TCPI_<state>, TCPI_OPT_*)");
        }
        if (t.startsWith("tcpi_")) used.put(t, v);
        return v;
    }
}
