package smpnet.labs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import smpnet.labs.grading.Lab;
import smpnet.labs.grading.LabRuns;
import smpnet.lectures.Repo;

/** {@code ./smpnet handout DIR} leaves out every solution and answer, and the labs still grade there. */
class HandoutTest {
    private static final Path REPO = Repo.root();

    @Test
    void theHandoutHasNoSolutionsAndItsLabsStillGrade(@TempDir Path tmp) throws Exception {
        Path out = tmp.resolve("handout");
        Process p = new ProcessBuilder("bash", "smpnet", "handout", out.toString()).directory(REPO.toFile())
                .redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), log);
        try (Stream<Path> files = Files.walk(out)) {
            List<String> teacher = files.map(f -> out.relativize(f).toString().replace('\\', '/'))
                    .filter(f -> f.matches("lectures/labs/[^/]+/(solution|wrong|expect\\.properties).*")
                            || f.startsWith("lectures/answers") || f.endsWith("LabsGradeableTest.java"))
                    .toList();
            assertEquals(List.of(), teacher, "the hand-out must not hold the teacher's part");
        }
        List<Lab> labs = Lab.all(out);
        assertEquals(Lab.all(REPO).size(), labs.size());
        for (Lab lab : labs) {
            assertTrue(Files.exists(lab.dir().resolve("README.md")), lab.name() + ": the task page is handed out");
            assertEquals(List.of(Lab.STARTER), lab.variants(), lab.name());
        }
        // The first lab grades in the hand-out as in the repository: same checkpoints failed.
        Lab first = labs.getFirst();
        LabRuns.Run run = LabRuns.run(out, first, Lab.STARTER);
        assertFalse(run.compileFailed(), run.output());
        assertEquals(Lab.all(REPO).getFirst().expectedFailures().get(Lab.STARTER), new TreeSet<>(run.failed()),
                run.output());
        try (Stream<Path> s = Files.walk(out)) {
            s.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        }
    }
}
