package smpnet.sim.packetdrill;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits a script (after {@link ScriptParser}'s preprocessing) into tokens. packetdrill's lexer is not
 * line-oriented and neither is this one: events are told apart by the grammar (each starts with a time).
 * Comments ({@code //} to the end of the line, {@code /* ... *}{@code /}) are skipped; a backquoted command
 * and a {@code %{ ... }%} block are one token each.
 */
final class Lexer {
    enum Type { INT, FLOAT, WORD, PUNCT, STRING, COMMAND, CODE, EOF }

    /** One token; {@code start} and {@code end} are offsets in the text (for a note's raw text). */
    record Token(Type type, String text, int line, int start, int end) {
        boolean is(String punct) { return type == Type.PUNCT && text.equals(punct); }

        boolean isWord(String w) { return type == Type.WORD && text.equals(w); }

        String describe() {
            return switch (type) {
                case EOF -> "end of file";
                case COMMAND -> "a `command`";
                case CODE -> "a %{ }% block";
                default -> "'" + text + "'";
            };
        }
    }

    private final String file;
    private final String s;
    private int pos;
    private int line = 1;

    Lexer(String file, String text) {
        this.file = file;
        this.s = text;
    }

    List<Token> tokens() throws ScriptParseException {
        List<Token> out = new ArrayList<>();
        while (true) {
            Token t = next();
            out.add(t);
            if (t.type() == Type.EOF) return out;
        }
    }

    private Token next() throws ScriptParseException {
        skipBlanksAndComments();
        int start = pos;
        int startLine = line;
        if (pos >= s.length()) return new Token(Type.EOF, "", line, pos, pos);
        char c = s.charAt(pos);
        if (s.startsWith("...", pos)) {
            pos += 3;
            return new Token(Type.PUNCT, "...", startLine, start, pos);
        }
        if (Character.isDigit(c) || (c == '.' && pos + 1 < s.length() && Character.isDigit(s.charAt(pos + 1)))) {
            return number(start, startLine);
        }
        if (Character.isLetter(c) || c == '_') {
            while (pos < s.length() && (Character.isLetterOrDigit(s.charAt(pos)) || s.charAt(pos) == '_')) pos++;
            return new Token(Type.WORD, s.substring(start, pos), startLine, start, pos);
        }
        if (c == '`') return delimited(start, startLine, "`", Type.COMMAND, "a closing ` for the command");
        if (s.startsWith("%{", pos)) return delimited(start, startLine, "}%", Type.CODE, "}% closing the %{ block");
        if (c == '"') return delimited(start, startLine, "\"", Type.STRING, "a closing \" for the string");
        pos++; // any other character stands for itself; the parser says whether it belongs there
        return new Token(Type.PUNCT, String.valueOf(c), startLine, start, pos);
    }

    private Token number(int start, int startLine) {
        if (s.startsWith("0x", pos) || s.startsWith("0X", pos)) {
            pos += 2;
            while (pos < s.length() && Character.digit(s.charAt(pos), 16) >= 0) pos++;
            return new Token(Type.INT, s.substring(start, pos), startLine, start, pos);
        }
        boolean isFloat = false;
        while (pos < s.length() && Character.isDigit(s.charAt(pos))) pos++;
        // A '.' followed by a digit continues the number; "0..." and "S." do not.
        if (pos + 1 < s.length() && s.charAt(pos) == '.' && Character.isDigit(s.charAt(pos + 1))) {
            isFloat = true;
            pos++;
            while (pos < s.length() && Character.isDigit(s.charAt(pos))) pos++;
        }
        return new Token(isFloat ? Type.FLOAT : Type.INT, s.substring(start, pos), startLine, start, pos);
    }

    /** A token from an opening delimiter (at pos) to {@code close}; its text is what lies between. */
    private Token delimited(int start, int startLine, String close, Type type, String expected) throws ScriptParseException {
        int open = type == Type.CODE ? 2 : 1;
        int end = s.indexOf(close, pos + open);
        if (end < 0) throw new ScriptParseException(file, startLine, "expected " + expected);
        String body = s.substring(pos + open, end);
        for (int i = 0; i < body.length(); i++) if (body.charAt(i) == '\n') line++;
        pos = end + close.length();
        return new Token(type, body, startLine, start, pos);
    }

    private void skipBlanksAndComments() throws ScriptParseException {
        while (pos < s.length()) {
            char c = s.charAt(pos);
            if (c == '\n') {
                line++;
                pos++;
            } else if (Character.isWhitespace(c)) {
                pos++;
            } else if (s.startsWith("//", pos)) {
                while (pos < s.length() && s.charAt(pos) != '\n') pos++;
            } else if (s.startsWith("/*", pos)) {
                int startLine = line;
                int end = s.indexOf("*/", pos + 2);
                if (end < 0) throw new ScriptParseException(file, startLine, "expected */ closing the comment");
                for (int i = pos; i < end; i++) if (s.charAt(i) == '\n') line++;
                pos = end + 2;
            } else {
                return;
            }
        }
    }
}
