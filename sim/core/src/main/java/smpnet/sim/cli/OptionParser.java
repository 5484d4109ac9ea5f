package smpnet.sim.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Splits {@code --name value} and {@code --flag} arguments against a fixed set of known names, so every
 * tool rejects unknown, repeated and incomplete options with the same clear messages.
 */
public final class OptionParser {
    private final Set<String> valued;
    private final Set<String> flags;

    /** {@code valued} options take one value each; {@code flags} take none. Names include the dashes. */
    public OptionParser(Set<String> valued, Set<String> flags) {
        this.valued = Set.copyOf(valued);
        this.flags = Set.copyOf(flags);
    }

    /** The options given, in order; a flag maps to the empty string. */
    public Map<String, String> parse(List<String> args) throws UsageException {
        Map<String, String> out = new LinkedHashMap<>();
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            String name = arg;
            String value = null;
            int eq = arg.indexOf('=');
            if (arg.startsWith("--") && eq > 0) {
                name = arg.substring(0, eq);
                value = arg.substring(eq + 1);
            }
            if (flags.contains(name) && value == null) {
                put(out, name, "");
            } else if (valued.contains(name)) {
                if (value == null) {
                    if (i + 1 >= args.size()) throw new UsageException("option " + name + " needs a value");
                    value = args.get(++i);
                }
                put(out, name, value);
            } else if (arg.startsWith("-")) {
                throw new UsageException("unknown option: " + arg);
            } else {
                throw new UsageException("unexpected argument: " + arg);
            }
        }
        return out;
    }

    private static void put(Map<String, String> out, String name, String value) throws UsageException {
        if (out.putIfAbsent(name, value) != null) throw new UsageException("option " + name + " given twice");
    }

    /** A whole number in {@code [min, max]}. */
    public static int intValue(String option, String text, int min, int max) throws UsageException {
        try {
            int v = Integer.parseInt(text.strip());
            if (v < min || v > max) {
                throw new UsageException(option + " must be between " + min + " and " + max + ", not " + v);
            }
            return v;
        } catch (NumberFormatException e) {
            throw new UsageException(option + " needs a whole number, not '" + text + "'");
        }
    }

    /** A decimal number of seconds in {@code [min, max]}. */
    public static double seconds(String option, String text, double min, double max) throws UsageException {
        try {
            double v = Double.parseDouble(text.strip());
            if (!(v >= min && v <= max)) {
                throw new UsageException(option + " must be between " + min + " and " + max + " seconds, not " + text);
            }
            return v;
        } catch (NumberFormatException e) {
            throw new UsageException(option + " needs a number of seconds, not '" + text + "'");
        }
    }

    /** A comma-separated list of whole numbers, each in {@code [min, max]}, without repeats. */
    public static List<Integer> intList(String option, String text, int min, int max) throws UsageException {
        List<Integer> out = new ArrayList<>();
        for (String part : items(option, text)) {
            int v = intValue(option, part, min, max);
            if (out.contains(v)) throw new UsageException(option + " lists " + v + " twice");
            out.add(v);
        }
        return List.copyOf(out);
    }

    /** The non-empty items of a comma-separated list. */
    public static List<String> items(String option, String text) throws UsageException {
        List<String> out = new ArrayList<>();
        for (String part : text.split(",", -1)) {
            if (part.isBlank()) throw new UsageException(option + " has an empty item in '" + text + "'");
            out.add(part.strip());
        }
        return out;
    }
}
