package smpnet.labs.grading;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Grades a lab variant in a fresh JVM (witness's learned order, static state and any thread a wrong
 * solution deadlocked stay in that JVM) and reads its printed outcome back.
 */
public final class LabRuns {
    private static final Pattern LINE = Pattern.compile("^ {2}\\[\\s*(\\d+)/\\s*(\\d+)] (\\S+)\\s.*$");

    private LabRuns() {}

    /** What one grading JVM printed, and the points per checkpoint id read from it (in order). */
    public record Run(String variant, String output, Map<String, Integer> points, Map<String, Integer> max) {
        /** The ids of the checkpoints that did not get full points. */
        public List<String> failed() {
            return points.keySet().stream().filter(id -> !points.get(id).equals(max.get(id))).toList();
        }

        /** True when the variant did not compile (no checkpoint ran). */
        public boolean compileFailed() { return points.isEmpty(); }
    }

    /**
     * Grades {@code variant} of {@code lab} in a child JVM with this JVM's class path. The variant is compiled
     * here, where the compiler is already warm (a cold compiler in every child took most of its time); the
     * child only loads and runs it.
     */
    public static Run run(Path repo, Lab lab, String variant) throws Exception {
        Path classes = Files.createTempDirectory("smpnet-lab-" + lab.number() + "-");
        try {
            String errors = Grader.compile(lab.sources(variant), classes);
            if (errors != null) {
                ByteArrayOutputStream buf = new ByteArrayOutputStream();
                PrintStream out = new PrintStream(buf, true, StandardCharsets.UTF_8);
                Grader.printHeader(lab, variant, out);
                Grader.printCompileErrors(errors, out);
                return parse(variant, buf.toString(StandardCharsets.UTF_8));
            }
            String java = ProcessHandle.current().info().command().orElse("java");
            List<String> cmd = new ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path"),
                    "--sun-misc-unsafe-memory-access=allow", "smpnet.lectures.Main", "grade", lab.number(),
                    "--variant", variant, "--repo", repo.toString(), "--classes", classes.toString()));
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            p.getOutputStream().close();
            // Every checkpoint has its own deadline and the grader exits past threads left behind, so this ends.
            byte[] bytes = p.getInputStream().readAllBytes();
            p.waitFor();
            return parse(variant, new String(bytes, StandardCharsets.UTF_8));
        } finally {
            Grader.deleteTree(classes);
        }
    }

    private static Run parse(String variant, String output) {
        Map<String, Integer> points = new LinkedHashMap<>();
        Map<String, Integer> max = new LinkedHashMap<>();
        for (String line : output.split("\n")) {
            Matcher m = LINE.matcher(line);
            if (m.matches()) {
                points.put(m.group(3), Integer.parseInt(m.group(1)));
                max.put(m.group(3), Integer.parseInt(m.group(2)));
            }
        }
        return new Run(variant, output, points, max);
    }
}
