package smpnet.sim.packetdrill;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import smpnet.stack.locks.LockMode;

/**
 * The list of scripts known to fail against smpnet, one a line: {@code PATH MODE KIND reason...}, where PATH
 * is relative to the scripts' directory, MODE is fine, giant, giant-over-fine or all, and KIND is the
 * {@link Outcome.Kind} of the first mismatch; {@code #} starts a comment. A listed script must still fail
 * with that kind (a script that was fixed must leave the list), and a listed script must exist.
 */
record KnownFailures(Map<String, Entry> entries) {
    /** One listed failure. */
    record Entry(String path, String mode, Outcome.Kind kind, String reason, int line) {}

    static KnownFailures read(Path file) throws IOException {
        Map<String, Entry> out = new LinkedHashMap<>();
        if (!Files.exists(file)) return new KnownFailures(out);
        List<String> lines = Files.readAllLines(file);
        for (int i = 0; i < lines.size(); i++) {
            String l = lines.get(i).strip();
            if (l.isEmpty() || l.startsWith("#")) continue;
            String[] w = l.split("\\s+", 4);
            String where = file.getFileName() + ":" + (i + 1) + ": ";
            if (w.length < 4) throw new IllegalArgumentException(where + "expected PATH MODE KIND reason, found '" + l + "'");
            if (!List.of("fine", "giant", "giant-over-fine", "all").contains(w[1])) {
                throw new IllegalArgumentException(where + "MODE must be fine, giant, giant-over-fine or all, found '" + w[1] + "'");
            }
            Outcome.Kind kind;
            try {
                kind = Outcome.Kind.valueOf(w[2]);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(where + "KIND must be one of " + List.of(Outcome.Kind.values()) + ", found '" + w[2] + "'");
            }
            Entry e = new Entry(w[0], w[1], kind, w[3], i + 1);
            if (out.put(key(w[0], w[1]), e) != null) throw new IllegalArgumentException(where + w[0] + " " + w[1] + " is listed twice");
        }
        return new KnownFailures(out);
    }

    private static String key(String path, String mode) { return path + " " + mode; }

    /** The entry for {@code path} in {@code mode} (an entry for "all" covers every mode), or null. */
    Entry lookup(String path, LockMode mode) {
        Entry e = entries.get(key(path, mode.name().toLowerCase(Locale.ROOT).replace('_', '-')));
        return e != null ? e : entries.get(key(path, "all"));
    }
}
