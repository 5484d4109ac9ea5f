package smpnet.sim.scenario;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;

/**
 * One value of a scenario file with where it stands (file, line, field path), read as the type the schema
 * expects; a value of another shape is a {@link ScenarioError} that says what was expected and what was found.
 */
final class YamlField {
    private final String file;
    private final String path;
    private final Node node;

    YamlField(String file, String path, Node node) {
        this.file = file;
        this.path = path;
        this.node = node;
    }

    String path() { return path; }

    /** The line the value starts on, from 1. */
    int line() { return node.getStartMark().map(m -> m.getLine() + 1).orElse(0); }

    /** An error at this value: {@code problem} is the whole sentence after the field's path. */
    ScenarioError error(String problem) { return new ScenarioError(file, line(), path, problem); }

    /** An error saying what was expected here and what the file has. */
    ScenarioError expected(String what) { return error("expected " + what + ", found " + found()); }

    private String found() {
        return switch (node) {
            case ScalarNode s -> "'" + s.getValue() + "'";
            case MappingNode m -> "a mapping";
            case SequenceNode q -> "a list";
            default -> "something else";
        };
    }

    // ---- shapes -----------------------------------------------------------------------------------------

    /** The mapping here, its keys checked against {@code known}: an unknown key is an error at its line. */
    Mapping mapping(Set<String> known) throws ScenarioError {
        if (!(node instanceof MappingNode m)) throw expected("a mapping of " + String.join(", ", sorted(known)));
        Map<String, YamlField> out = new LinkedHashMap<>();
        for (NodeTuple t : m.getValue()) {
            if (!(t.getKeyNode() instanceof ScalarNode k)) {
                throw new YamlField(file, path, t.getKeyNode()).expected("a field name");
            }
            String name = k.getValue();
            YamlField key = new YamlField(file, child(name), k);
            if (!known.contains(name)) {
                throw key.error("unknown field (expected one of: " + String.join(", ", sorted(known)) + ")");
            }
            if (out.containsKey(name)) throw key.error("given twice (first at line " + out.get(name).line() + ")");
            out.put(name, new YamlField(file, child(name), t.getValueNode()));
        }
        return new Mapping(this, out);
    }

    /** The mapping here with any keys, in file order (settings by sysctl name). */
    Map<String, YamlField> anyMapping(String what) throws ScenarioError {
        if (!(node instanceof MappingNode m)) throw expected(what);
        Map<String, YamlField> out = new LinkedHashMap<>();
        for (NodeTuple t : m.getValue()) {
            if (!(t.getKeyNode() instanceof ScalarNode k)) throw new YamlField(file, path, t.getKeyNode()).expected("a name");
            YamlField key = new YamlField(file, child(k.getValue()), k);
            if (out.containsKey(k.getValue())) throw key.error("given twice (first at line " + out.get(k.getValue()).line() + ")");
            out.put(k.getValue(), new YamlField(file, child(k.getValue()), t.getValueNode()));
        }
        return out;
    }

    /** The list here, each item with its index in the path. */
    List<YamlField> list(String ofWhat) throws ScenarioError {
        if (!(node instanceof SequenceNode q)) throw expected("a list of " + ofWhat);
        List<YamlField> out = new ArrayList<>();
        for (Node n : q.getValue()) out.add(new YamlField(file, path + "[" + out.size() + "]", n));
        return out;
    }

    /** A plain value (not a mapping or a list), as its text. */
    String text(String what) throws ScenarioError {
        if (!(node instanceof ScalarNode s)) throw expected(what);
        return s.getValue();
    }

    /** A non-empty name without spaces. */
    String name() throws ScenarioError {
        String t = text("a name");
        if (t.isEmpty() || !t.matches("[A-Za-z0-9_.:/-]+")) throw expected("a name (letters, digits, - _ . : /)");
        return t;
    }

    long integer(long min, long max) throws ScenarioError {
        String what = "a whole number " + min + ".." + max;
        String t = text(what).replace("_", "");
        try {
            long v = Long.parseLong(t);
            if (v < min || v > max) throw expected(what);
            return v;
        } catch (NumberFormatException e) {
            throw expected(what);
        }
    }

    int integer(int min, int max) throws ScenarioError { return (int) integer((long) min, (long) max); }

    /** A probability: a number in [0, 1], or a percentage ("5%"). */
    double probability() throws ScenarioError {
        String what = "a probability from 0 to 1 (or 0% to 100%)";
        String t = text(what).strip();
        try {
            double v = t.endsWith("%") ? Double.parseDouble(t.substring(0, t.length() - 1).strip()) / 100 : Double.parseDouble(t);
            if (!(v >= 0 && v <= 1)) throw expected(what);
            return v;
        } catch (NumberFormatException e) {
            throw expected(what);
        }
    }

    boolean bool() throws ScenarioError {
        String t = text("true or false");
        return switch (t) {
            case "true", "yes", "on" -> true;
            case "false", "no", "off" -> false;
            default -> throw expected("true or false");
        };
    }

    /** A duration with its unit: {@code 0}, {@code 250ns}, {@code 300us}, {@code 1ms}, {@code 1.5s}. */
    Duration duration() throws ScenarioError {
        String what = "a duration with its unit (e.g. 300us, 1ms, 2s)";
        String t = text(what).strip().toLowerCase(Locale.ROOT);
        if (t.equals("0")) return Duration.ZERO;
        long scale;
        String number;
        if (t.endsWith("ns")) { scale = 1; number = t.substring(0, t.length() - 2); }
        else if (t.endsWith("us")) { scale = 1_000; number = t.substring(0, t.length() - 2); }
        else if (t.endsWith("ms")) { scale = 1_000_000; number = t.substring(0, t.length() - 2); }
        else if (t.endsWith("s")) { scale = 1_000_000_000; number = t.substring(0, t.length() - 1); }
        else throw expected(what);
        try {
            double v = Double.parseDouble(number.strip());
            if (!(v >= 0 && v * scale <= 3_600e9)) throw expected(what + ", at most an hour");
            return Duration.ofNanos(Math.round(v * scale));
        } catch (NumberFormatException e) {
            throw expected(what);
        }
    }

    /** A bit rate: {@code 0} (no limit), {@code 64kbit}, {@code 100Mbit}, {@code 1Gbit}. */
    long bitsPerSecond() throws ScenarioError {
        String what = "a bit rate (e.g. 100Mbit, 1Gbit; 0 for no limit)";
        String t = text(what).strip();
        if (t.equals("0")) return 0;
        long scale;
        String lower = t.toLowerCase(Locale.ROOT);
        if (lower.endsWith("gbit")) scale = 1_000_000_000L;
        else if (lower.endsWith("mbit")) scale = 1_000_000L;
        else if (lower.endsWith("kbit")) scale = 1_000L;
        else if (lower.endsWith("bit")) scale = 1L;
        else throw expected(what);
        String number = lower.substring(0, lower.length() - (scale == 1 ? 3 : 4)).strip();
        try {
            double v = Double.parseDouble(number);
            if (!(v > 0 && v * scale <= 1e12)) throw expected(what + ", at most 1000Gbit");
            return Math.round(v * scale);
        } catch (NumberFormatException e) {
            throw expected(what);
        }
    }

    /** One of {@code choices} (as written in the file), returned as written. */
    String choice(List<String> choices) throws ScenarioError {
        String what = "one of " + String.join(", ", choices);
        String t = text(what).strip();
        if (!choices.contains(t)) throw expected(what);
        return t;
    }

    private String child(String name) { return path.isEmpty() ? name : path + "." + name; }

    private static List<String> sorted(Set<String> names) { return names.stream().sorted().toList(); }

    /** A mapping whose keys were checked: the fields the schema reads from it. */
    record Mapping(YamlField self, Map<String, YamlField> fields) {
        boolean has(String name) { return fields.containsKey(name); }

        /** The field, which the schema needs. */
        YamlField require(String name) throws ScenarioError {
            YamlField f = fields.get(name);
            if (f == null) throw self.error("missing field '" + name + "'");
            return f;
        }

        /** The field, or null. */
        YamlField get(String name) { return fields.get(name); }
    }
}
