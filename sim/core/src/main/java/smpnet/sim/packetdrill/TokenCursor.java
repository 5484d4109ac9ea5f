package smpnet.sim.packetdrill;

import java.util.List;
import smpnet.sim.packetdrill.Lexer.Token;
import smpnet.sim.packetdrill.Lexer.Type;

/**
 * The token pass's view of a script: the {@link Lexer}'s tokens and the position of the next one, with the
 * reads every part of the grammar shares (a token, a number in a range, a time in seconds) and the errors
 * they make, each naming the line of the token it found. One cursor serves a whole parse: the events
 * ({@link ScriptParser}) and the packet lines ({@link PacketLineParser}) read from it in turn.
 *
 * <p>Not thread-safe: one parse, one thread.
 */
final class TokenCursor {
    private final String file;
    private final List<Token> list;
    private int at;

    /** The tokens of script {@code file}, the last one EOF. */
    TokenCursor(String file, List<Token> tokens) {
        this.file = file;
        this.list = tokens;
    }

    /** The next token, not taken. */
    Token peek() { return list.get(at); }

    /** The token {@code ahead} places after the next (EOF past the end). */
    Token peek(int ahead) { return list.get(Math.min(at + ahead, list.size() - 1)); }

    /** Takes the next token (EOF stays). */
    Token take() {
        Token t = list.get(at);
        if (t.type() != Type.EOF) at++;
        return t;
    }

    /** An error: {@code what} was expected where the next token is. */
    ScriptParseException expected(String what) {
        // at the end of the file, the line the script ended on
        int line = peek().type() == Type.EOF && at > 0 ? list.get(at - 1).line() : peek().line();
        return new ScriptParseException(file, line, "expected " + what + ", found " + peek().describe());
    }

    /** Takes punctuation {@code punct}, or fails expecting {@code what}. */
    void expect(String punct, String what) throws ScriptParseException {
        if (!peek().is(punct)) throw expected(what);
        take();
    }

    /** Takes word {@code word}, or fails. */
    void expectWord(String word) throws ScriptParseException {
        if (!peek().isWord(word)) throw expected("'" + word + "'");
        take();
    }

    /** Takes a non-negative integer, decimal or 0x hexadecimal; {@code what} names it in errors. */
    long integer(String what) throws ScriptParseException {
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

    /** Takes an integer of at most 32 bits. */
    long u32(String what) throws ScriptParseException {
        int line = peek().line();
        long v = integer(what);
        if (v > 0xFFFF_FFFFL) throw new ScriptParseException(file, line, what + " out of range: " + v);
        return v;
    }

    /** Takes an integer of at most 16 bits. */
    int u16(String what) throws ScriptParseException {
        int line = peek().line();
        long v = integer(what);
        if (v > 0xFFFF) throw new ScriptParseException(file, line, what + " out of range: " + v);
        return (int) v;
    }

    /** Seconds as written (an integer or a decimal), in microseconds. */
    long seconds() throws ScriptParseException {
        Token t = peek();
        if (t.type() != Type.INT && t.type() != Type.FLOAT) throw expected("a time in seconds");
        take();
        return Math.round(Double.parseDouble(t.text()) * 1e6);
    }

    /** The line of the token taken last (a token on the same line continues its event). */
    int previousLine() { return list.get(at - 1).line(); }
}
