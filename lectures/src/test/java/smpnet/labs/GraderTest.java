package smpnet.labs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import smpnet.labs.grading.Grader;
import smpnet.labs.grading.Lab;
import smpnet.labs.grading.LabRuns;

/** The grader's own behaviour, on a small lab written for the test. */
class GraderTest {
    private static final String GRADE = """
            package t;

            import smpnet.labs.grading.Checkpoint;
            import smpnet.labs.grading.Checks;

            final class Grade {
                @Checkpoint(order = 2, id = "fails", points = 3, title = "a failure with a message")
                static void fails() { Checks.check(Student.answer() == 42, "answer() is " + Student.answer() + ", not 42"); }

                @Checkpoint(order = 1, id = "passes", points = 2, title = "a pass")
                static void passes() {}

                @Checkpoint(order = 3, id = "hangs", points = 1, title = "a deadline missed", timeoutSeconds = 1)
                static void hangs() throws InterruptedException { Thread.sleep(60_000); }

                @Checkpoint(order = 4, id = "unlocked", points = 4, title = "a lock assertion")
                static void unlocked() { new smpnet.locking.Mutex("grader_test_lock").assertOwned(); }
            }
            """;

    private static Lab lab(Path repo, String student) throws Exception {
        Path dir = repo.resolve("lectures/labs/07-test-lab");
        Files.createDirectories(dir.resolve("src/t"));
        Files.createDirectories(dir.resolve("grade/t"));
        Files.writeString(dir.resolve("grade/t/Grade.java"), GRADE);
        Files.writeString(dir.resolve("src/t/Student.java"), student);
        return Lab.find(repo, "7");
    }

    @Test
    void printsPointsPerCheckpointInOrderAndTheTotal(@TempDir Path repo) throws Exception {
        Lab lab = lab(repo, "package t; final class Student { static int answer() { return 41; } }");
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        List<Grader.Outcome> outcomes = Grader.grade(lab, Lab.STARTER, new PrintStream(buf, true, StandardCharsets.UTF_8));
        String out = buf.toString(StandardCharsets.UTF_8);
        assertEquals(List.of("passes", "fails", "hangs", "unlocked"), outcomes.stream().map(Grader.Outcome::id).toList());
        assertEquals(List.of(2, 0, 0, 0), outcomes.stream().map(Grader.Outcome::points).toList());
        String[] lines = out.split("\n");
        assertEquals("lab 07-test-lab", lines[0]);
        assertEquals("  [ 2/ 2] passes                 a pass", lines[1]);
        assertEquals("  [ 0/ 3] fails                  a failure with a message", lines[2]);
        assertEquals("          answer() is 41, not 42", lines[3]);
        assertEquals("  [ 0/ 1] hangs                  a deadline missed", lines[4]);
        assertTrue(lines[5].startsWith("          did not finish within 1 s: a deadlock,"), lines[5]);
        assertTrue(out.contains("a lock assertion failed: code that needs a lock ran without it"), out);
        assertEquals("total 2/10", lines[lines.length - 1]);
    }

    @Test
    void codeThatDoesNotCompileGetsNothingAndTheCompilersMessages(@TempDir Path repo) throws Exception {
        Lab lab = lab(repo, "package t; final class Student { static int answer() { return \"41\"; } }");
        LabRuns.Run run = LabRuns.run(repo, lab, Lab.STARTER);
        assertTrue(run.compileFailed());
        assertTrue(run.output().contains("the code does not compile, so no checkpoint can run:"), run.output());
        assertTrue(run.output().contains("incompatible types: String cannot be converted to int"), run.output());
        assertTrue(run.output().endsWith("total 0 points (does not compile)\n"), run.output());
    }

    @Test
    void aChildJvmGradesWhatThisOneCompiled(@TempDir Path repo) throws Exception {
        Lab lab = lab(repo, "package t; final class Student { static int answer() { return 42; } }");
        LabRuns.Run run = LabRuns.run(repo, lab, Lab.STARTER);
        assertEquals(List.of("hangs", "unlocked"), run.failed(), run.output());
        assertEquals(3, run.points().get("fails"));
    }
}
