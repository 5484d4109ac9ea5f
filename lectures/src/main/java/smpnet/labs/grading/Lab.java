package smpnet.labs.grading;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * One lab: a folder {@code lectures/labs/NN-name/} holding
 * <pre>
 *   README.md          the task page: what to do, what is graded, points, hints
 *   src/               the student's code (the starter as handed out); the grader grades this by default
 *   grade/             the checkpoints and the lab's fixed bench (compiled together with src/)
 *   solution/          the reference solution: files that replace src/'s files of the same path
 *   wrong/NAME/        plausible wrong solutions, each with a WHY.md: only the files that differ from the
 *                      solution, laid over src/ and solution/
 *   expect.properties  which checkpoints the starter and each wrong solution must fail (the solution fails none)
 * </pre>
 * {@code solution/}, {@code wrong/} and {@code expect.properties} are the teacher's part: {@code ./smpnet
 * handout DIR} removes them. A variant is named by its folder: {@code src}, {@code solution} or
 * {@code wrong/NAME}.
 */
public record Lab(Path dir) {
    /** The variant a student grades: the code in src/. */
    public static final String STARTER = "src";
    /** The reference solution's variant. */
    public static final String SOLUTION = "solution";

    /** The folder name, e.g. "01-find-the-lor". */
    public String name() { return dir.getFileName().toString(); }

    /** The two-digit number in front of the name, e.g. "01". */
    public String number() { return name().substring(0, 2); }

    /** Every lab under {@code repo/lectures/labs}, by number. */
    public static List<Lab> all(Path repo) {
        Path labs = repo.resolve("lectures/labs");
        try (Stream<Path> s = Files.list(labs)) {
            return s.filter(p -> Files.isDirectory(p) && p.getFileName().toString().matches("\\d\\d-.+"))
                    .sorted().map(Lab::new).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The lab whose number or full folder name is {@code key} ("1", "01" or "01-find-the-lor"). */
    public static Lab find(Path repo, String key) {
        String number = key.matches("\\d") ? "0" + key : key;
        List<Lab> labs = all(repo);
        for (Lab lab : labs) {
            if (lab.number().equals(number) || lab.name().equals(key)) {
                return lab;
            }
        }
        throw new IllegalArgumentException("no lab " + key + "; the labs are "
                + labs.stream().map(Lab::name).toList());
    }

    /** The variants present: src, then solution (if there), then every wrong/NAME. */
    public List<String> variants() {
        List<String> v = new ArrayList<>(List.of(STARTER));
        if (Files.isDirectory(dir.resolve(SOLUTION))) {
            v.add(SOLUTION);
        }
        Path wrong = dir.resolve("wrong");
        if (Files.isDirectory(wrong)) {
            try (Stream<Path> s = Files.list(wrong)) {
                s.filter(Files::isDirectory).sorted().forEach(p -> v.add("wrong/" + p.getFileName()));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return v;
    }

    /**
     * The Java files to compile for {@code variant}, by path relative to their root: src/'s files, replaced
     * by those of the same path in solution/ (for a wrong solution) and in the variant's folder, and
     * grade/'s files.
     */
    public Map<String, Path> sources(String variant) {
        if (!variants().contains(variant)) {
            throw new IllegalArgumentException("lab " + name() + " has no variant " + variant
                    + "; it has " + variants());
        }
        Map<String, Path> files = new TreeMap<>(javaFiles(dir.resolve(STARTER)));
        if (variant.startsWith("wrong/")) {
            files.putAll(javaFiles(dir.resolve(SOLUTION)));   // a wrong solution is the solution, one mistake in
        }
        if (!variant.equals(STARTER)) {
            files.putAll(javaFiles(dir.resolve(variant)));
        }
        Map<String, Path> grade = javaFiles(dir.resolve("grade"));
        for (String path : grade.keySet()) {
            if (files.containsKey(path)) {
                throw new IllegalStateException(name() + ": " + path + " is both grade/ code and student code");
            }
        }
        files.putAll(grade);
        return files;
    }

    /** The binary names of grade/'s top-level classes, where checkpoints are looked for. */
    public List<String> gradeClasses() {
        return javaFiles(dir.resolve("grade")).keySet().stream()
                .map(p -> p.substring(0, p.length() - ".java".length()).replace('/', '.')).toList();
    }

    /**
     * What {@code expect.properties} says each variant must fail: variant → checkpoint ids. The solution is
     * implicitly expected to fail none; a variant without a line fails the lab's self-test.
     */
    public Map<String, Set<String>> expectedFailures() {
        Properties p = new Properties();
        try (InputStream in = Files.newInputStream(dir.resolve("expect.properties"))) {
            p.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, Set<String>> out = new LinkedHashMap<>();
        for (String variant : new TreeSet<>(p.stringPropertyNames())) {
            Set<String> ids = new TreeSet<>();
            Arrays.stream(p.getProperty(variant).split(",")).map(String::trim).filter(s -> !s.isEmpty())
                    .forEach(ids::add);
            out.put(variant, ids);
        }
        return out;
    }

    private static Map<String, Path> javaFiles(Path root) {
        Map<String, Path> out = new TreeMap<>();
        if (!Files.isDirectory(root)) {
            return out;
        }
        try (Stream<Path> s = Files.walk(root)) {
            s.filter(p -> p.toString().endsWith(".java"))
                    .forEach(p -> out.put(root.relativize(p).toString().replace('\\', '/'), p));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }
}
