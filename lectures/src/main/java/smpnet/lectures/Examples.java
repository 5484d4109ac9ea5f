package smpnet.lectures;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;

/**
 * Regenerates the runnable examples of the course's notes ({@code ./smpnet lectures}): runs each example's
 * command from the repository's top folder and writes the command and its real output between the
 * example's markers (see {@link Notes}). {@code ./smpnet demo ...} and {@code ./smpnet grade ...} run in a
 * child JVM on this JVM's class path (the same code, without rebuilding for every example); any other
 * command runs through {@code bash -c}.
 */
public final class Examples {
    private Examples() {}

    /**
     * Rewrites every example of every note, or only of the notes whose file names {@code only} lists (all when
     * it is empty); returns 0, or 1 if a note's markers are broken or a named note does not exist.
     */
    public static int regenerate(Path repo, PrintStream log, List<String> only) throws IOException, InterruptedException {
        int rc = 0;
        List<Path> files = Notes.files(repo).stream()
                .filter(f -> only.isEmpty() || only.contains(f.getFileName().toString())).toList();
        if (files.size() < only.size()) {
            log.println("no such note among " + only + "; the notes are the .md files under lectures/");
            return 1;
        }
        for (Path file : files) {
            String text = Notes.read(file);
            if (!text.contains("<!-- example: ")) {
                continue;
            }
            String problem = checkMarkers(text);
            if (problem != null) {
                log.println(repo.relativize(file) + ": " + problem);
                rc = 1;
                continue;
            }
            StringBuilder out = new StringBuilder();
            Matcher m = Notes.EXAMPLE.matcher(text);
            int at = 0;
            while (m.find(at)) {
                int end = text.indexOf(Notes.EXAMPLE_END, m.end());
                String command = m.group(1);
                log.println(repo.relativize(file) + ": " + command);
                out.append(text, at, m.end()).append('\n')
                        .append("```console\n$ ").append(command).append('\n')
                        .append(run(repo, command)).append("```\n");
                at = end;
            }
            out.append(text.substring(at));
            Files.writeString(file, out.toString());
        }
        return rc;
    }

    /** Null when every example opening has its end before the next opening, else what is wrong. */
    public static String checkMarkers(String text) {
        Matcher m = Notes.EXAMPLE.matcher(text);
        int at = 0;
        while (m.find(at)) {
            int end = text.indexOf(Notes.EXAMPLE_END, m.end());
            Matcher next = Notes.EXAMPLE.matcher(text);
            if (end < 0 || (next.find(m.end()) && next.start() < end)) {
                return "the example \"" + m.group(1) + "\" has no " + Notes.EXAMPLE_END + " before the next one";
            }
            at = end;
        }
        return null;
    }

    /** The output (stdout and stderr together) of {@code command}, ending with a newline. */
    static String run(Path repo, String command) throws IOException, InterruptedException {
        List<String> argv = new ArrayList<>();
        if (command.startsWith("./smpnet demo ") || command.startsWith("./smpnet grade ")) {
            argv.addAll(List.of(ProcessHandle.current().info().command().orElse("java"),
                    "-cp", System.getProperty("java.class.path"), "--sun-misc-unsafe-memory-access=allow",
                    "smpnet.lectures.Main"));
            argv.addAll(List.of(command.substring("./smpnet ".length()).split(" +")));
        } else {
            argv.addAll(List.of("bash", "-c", command));
        }
        Process p = new ProcessBuilder(argv).directory(repo.toFile()).redirectErrorStream(true).start();
        p.getOutputStream().close();
        // Terminal colour codes (Maven prints a few even when quiet) are not part of what a reader sees.
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8)
                .replaceAll("\u001B\\[[0-9;]*m", "");
        p.waitFor();
        return out.isEmpty() || out.endsWith("\n") ? out : out + "\n";
    }
}
