package smpnet.labs.grading;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.zip.CRC32;

/**
 * The files of a measurement lab: the results an {@link Experiment} writes ("key=value" lines, a
 * fingerprint of the student's compiled code, a checksum) and the structured answers a student writes in the
 * same format. The checksum is no lock against a determined student; it catches the honest mistake of
 * editing a number by hand, and the fingerprint the one of answering from a run of older code.
 */
public final class Results {
    /** The key under which a results file keeps its checksum. */
    public static final String CHECK = "check";

    private Results() {}

    /** Writes {@code values} to {@code file} with a header naming {@code command} and the checksum line. */
    public static void write(Path file, String command, Map<String, String> values) throws IOException {
        StringBuilder sb = new StringBuilder("# written by " + command + "; do not edit (checksummed)\n");
        values.forEach((k, v) -> sb.append(k).append('=').append(v).append('\n'));
        sb.append(CHECK).append('=').append(checksum(values)).append('\n');
        Files.writeString(file, sb);
    }

    /**
     * Reads a "key=value" file in order, skipping blank lines and "#" comments; a value loses its "# ..."
     * tail and surrounding blanks, so an unanswered "key =" reads as "".
     */
    public static Map<String, String> read(Path file) throws IOException {
        Map<String, String> out = new LinkedHashMap<>();
        for (String line : Files.readAllLines(file)) {
            String l = line.strip();
            int eq = l.indexOf('=');
            if (l.isEmpty() || l.startsWith("#") || eq < 0) {
                continue;
            }
            String v = l.substring(eq + 1);
            int hash = v.indexOf('#');
            out.put(l.substring(0, eq).strip(), (hash < 0 ? v : v.substring(0, hash)).strip());
        }
        return out;
    }

    /** Whether {@code results} (as read) carries the checksum of its other values: it was not edited. */
    public static boolean unedited(Map<String, String> results) {
        Map<String, String> body = new LinkedHashMap<>(results);
        String check = body.remove(CHECK);
        return checksum(body).equals(check);
    }

    /** A SHA-256 prefix of {@code type}'s compiled class: which version of the student's code ran. */
    public static String fingerprint(Class<?> type) throws IOException {
        try (InputStream in = type.getResourceAsStream(type.getSimpleName() + ".class")) {
            if (in == null) {
                throw new IOException("no class file for " + type.getName());
            }
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(in.readAllBytes()), 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@code x} with two decimals, as results files write measurements. */
    public static String twoDecimals(double x) { return String.format(Locale.ROOT, "%.2f", x); }

    /** The answer {@code key} of {@code answers} as a number, or null if it is missing or not a number. */
    public static Double number(Map<String, String> answers, String key) {
        try {
            String s = answers.get(key);
            return s == null ? null : Double.valueOf(s);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static String checksum(Map<String, String> values) {
        CRC32 crc = new CRC32();
        values.forEach((k, v) -> crc.update((k + '=' + v + '\n').getBytes(StandardCharsets.UTF_8)));
        return Long.toHexString(crc.getValue());
    }
}
