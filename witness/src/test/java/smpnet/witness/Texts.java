package smpnet.witness;

import java.util.regex.Pattern;

/** Normalises report texts for exact comparison: stack frame lines (which carry line numbers) become "@". */
final class Texts {
    private static final Pattern FRAMES = Pattern.compile("(?m)^( +)[\\w.$/@-]+\\.[\\w$<>]+\\([^)\\n]*\\)\\n(\\1[\\w.$/@-]+\\.[\\w$<>]+\\([^)\\n]*\\)\\n|\\1\\.\\.\\. \\d+ more\\n)*");
    private static final Pattern SITE = Pattern.compile(" at [\\w.$/@-]+\\.[\\w$<>]+\\([^)\\n]*\\)$", Pattern.MULTILINE);

    private Texts() {}

    static String noFrames(String text) {
        return SITE.matcher(FRAMES.matcher(text).replaceAll("$1@\n")).replaceAll(" at @");
    }
}
