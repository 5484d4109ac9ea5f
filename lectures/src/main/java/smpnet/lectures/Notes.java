package smpnet.lectures;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The course's Markdown files and what the tooling reads in them: the inline code spans (names of files,
 * classes and methods that must exist) and the runnable examples, written as
 * <pre>
 *   &lt;!-- example: ./smpnet demo sleep-rules --&gt;
 *   ```console
 *   $ ./smpnet demo sleep-rules
 *   (its real output)
 *   ```
 *   &lt;!-- /example --&gt;
 * </pre>
 */
public final class Notes {
    /**
     * An example's opening marker, alone on its line and not indented (an indented marker, as in a README
     * that shows the syntax inside a code block, is text); group 1 is the command.
     */
    public static final Pattern EXAMPLE = Pattern.compile("(?m)^<!-- example: (.+?) -->$");
    public static final String EXAMPLE_END = "<!-- /example -->";
    private static final Pattern SPAN = Pattern.compile("`([^`\n]+)`");

    private Notes() {}

    /** Every Markdown file of the course: lectures/*.md, the answers, and each lab's pages. */
    public static List<Path> files(Path repo) {
        try (Stream<Path> s = Files.walk(repo.resolve("lectures"))) {
            return s.filter(p -> p.toString().endsWith(".md"))
                    .filter(p -> !repo.relativize(p).toString().contains("/target/"))
                    .filter(p -> !repo.relativize(p).toString().contains("/src/"))
                    .sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** One inline code span, with the line it is on (from 1). */
    public record Span(String text, int line) {}

    /** The inline code spans of {@code markdown}, leaving out fenced blocks (commands and their output). */
    public static List<Span> spans(String markdown) {
        List<Span> out = new ArrayList<>();
        boolean fenced = false;
        String[] lines = markdown.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            if (lines[i].stripLeading().startsWith("```")) {
                fenced = !fenced;
                continue;
            }
            if (fenced) {
                continue;
            }
            Matcher m = SPAN.matcher(lines[i]);
            while (m.find()) {
                out.add(new Span(m.group(1), i + 1));
            }
        }
        return out;
    }

    /** The commands of the examples of {@code markdown}, in order. */
    public static List<String> exampleCommands(String markdown) {
        List<String> out = new ArrayList<>();
        Matcher m = EXAMPLE.matcher(markdown);
        while (m.find()) {
            out.add(m.group(1));
        }
        return out;
    }

    /** Reads a file as UTF-8. */
    public static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
