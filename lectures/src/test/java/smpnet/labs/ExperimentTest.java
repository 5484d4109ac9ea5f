package smpnet.labs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import smpnet.labs.grading.Grader;
import smpnet.labs.grading.Lab;
import smpnet.labs.grading.Results;

/**
 * A measurement lab's plumbing: {@code ./smpnet experiment} writes into the graded variant's own folder,
 * checkpoints read a student's file through the variant chain (wrong/NAME, then solution, then src), and a
 * results file knows when it was edited.
 */
class ExperimentTest {
    private static final String GRADE = """
            package t;

            import java.nio.file.Files;
            import smpnet.labs.grading.Checkpoint;
            import smpnet.labs.grading.Checks;
            import smpnet.labs.grading.Experiment;

            final class Grade {
                @Experiment
                static void run() throws Exception {
                    Files.writeString(Checks.studentDir().resolve("results.properties"), "value=" + Student.value() + "\\n");
                }

                @Checkpoint(order = 1, id = "answer", points = 1, title = "the answers file says 42")
                static void answer() throws Exception {
                    String a = Files.readString(Checks.studentFile("answers.properties")).strip();
                    Checks.check(a.equals("answer=42"), "the answers file says " + a);
                }
            }
            """;

    private static Lab lab(Path repo) throws Exception {
        Path dir = repo.resolve("lectures/labs/08-measure-lab");
        for (String d : List.of("src/t", "grade/t", "solution/t", "wrong/copied/t")) {
            Files.createDirectories(dir.resolve(d));
        }
        Files.writeString(dir.resolve("grade/t/Grade.java"), GRADE);
        Files.writeString(dir.resolve("src/t/Student.java"), "package t; final class Student { static int value() { return 1; } }");
        Files.writeString(dir.resolve("solution/t/Student.java"), "package t; final class Student { static int value() { return 2; } }");
        Files.writeString(dir.resolve("wrong/copied/t/Student.java"), "package t; final class Student { static int value() { return 3; } }");
        Files.writeString(dir.resolve("src/answers.properties"), "answer=\n");
        Files.writeString(dir.resolve("solution/answers.properties"), "answer=42\n");
        return Lab.find(repo, "8");
    }

    private static List<Grader.Outcome> grade(Lab lab, String variant) throws Exception {
        return Grader.grade(lab, variant, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
    }

    @Test
    void theExperimentWritesIntoTheGradedVariantsOwnFolder(@TempDir Path repo) throws Exception {
        Lab lab = lab(repo);
        PrintStream quiet = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        assertTrue(Grader.experiment(lab, Lab.STARTER, quiet));
        assertTrue(Grader.experiment(lab, "wrong/copied", quiet));
        assertEquals("value=1\n", Files.readString(lab.dir().resolve("src/results.properties")));
        assertEquals("value=3\n", Files.readString(lab.dir().resolve("wrong/copied/results.properties")));
        assertFalse(Files.exists(lab.dir().resolve("solution/results.properties")));
    }

    @Test
    void aStudentFileIsTheVariantsElseTheSolutionsElseTheStarters(@TempDir Path repo) throws Exception {
        Lab lab = lab(repo);
        assertEquals(0, grade(lab, Lab.STARTER).getFirst().points());          // src's blank answer
        assertEquals(1, grade(lab, Lab.SOLUTION).getFirst().points());
        assertEquals(1, grade(lab, "wrong/copied").getFirst().points());      // the solution's, laid under it
        Files.writeString(lab.dir().resolve("wrong/copied/answers.properties"), "answer=41\n");
        assertEquals(0, grade(lab, "wrong/copied").getFirst().points());      // its own copy wins
    }

    @Test
    void aLabWithoutAnExperimentSaysSo(@TempDir Path repo) throws Exception {
        Lab lab = lab(repo);
        Files.writeString(lab.dir().resolve("grade/t/Grade.java"), GRADE.replace("@Experiment", ""));
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        assertFalse(Grader.experiment(lab, Lab.STARTER, new PrintStream(buf, true, StandardCharsets.UTF_8)));
        assertEquals("lab 08-measure-lab has no experiment to run (only measurement labs have one)\n",
                buf.toString(StandardCharsets.UTF_8));
    }

    @Test
    void resultsKnowWhenTheyWereEdited(@TempDir Path dir) throws Exception {
        Map<String, String> values = new LinkedHashMap<>();
        values.put("cpus", "2");
        values.put("ns_shared", "11.28");
        Path file = dir.resolve("results.properties");
        Results.write(file, "./smpnet experiment 99", values);
        Map<String, String> read = Results.read(file);
        assertEquals(List.of("cpus", "ns_shared", Results.CHECK), List.copyOf(read.keySet()));
        assertTrue(Results.unedited(read));
        Files.writeString(file, Files.readString(file).replace("ns_shared=11.28", "ns_shared=1.28"));
        assertFalse(Results.unedited(Results.read(file)));
    }

    @Test
    void answersLoseCommentsAndBlanks(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("answers.properties");
        Files.writeString(file, "# a question\nfaster = percpu   # in my run\nblank =\n\nnot a line\nratio=2.5\n");
        Map<String, String> a = Results.read(file);
        assertEquals(Map.of("faster", "percpu", "blank", "", "ratio", "2.5"), a);
        assertEquals(2.5, Results.number(a, "ratio"));
        assertEquals(null, Results.number(a, "faster"));
        assertEquals(null, Results.number(a, "missing"));
    }
}
