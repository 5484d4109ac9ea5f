package smpnet.labs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import smpnet.labs.grading.Lab;
import smpnet.labs.grading.LabRuns;
import smpnet.lectures.Repo;

/**
 * Every lab is gradeable: its grader passes the reference solution with full points and fails the starter
 * and each wrong solution on exactly the checkpoints {@code expect.properties} names. Each variant is
 * graded in its own JVM, as {@code ./smpnet grade} does, two at a time.
 */
class LabsGradeableTest {
    private static final Path REPO = Repo.root();

    @TestFactory
    Stream<DynamicTest> everyVariantOfEveryLabGetsTheVerdictItShould() throws Exception {
        List<Lab> labs = Lab.all(REPO);
        assertTrue(labs.size() >= 2, "the course has at least two labs: " + labs);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        List<DynamicTest> tests = new ArrayList<>();
        for (Lab lab : labs) {
            Map<String, Set<String>> expected = lab.expectedFailures();
            List<String> variants = lab.variants();
            assertTrue(variants.contains(Lab.SOLUTION), lab.name() + " has no reference solution");
            assertTrue(variants.stream().anyMatch(v -> v.startsWith("wrong/")), lab.name() + " has no wrong solution");
            Set<String> described = new TreeSet<>(expected.keySet());
            described.add(Lab.SOLUTION);
            assertEquals(new TreeSet<>(variants), described,
                    lab.name() + ": expect.properties names every variant but the solution, and only those");
            for (String v : variants) {
                if (v.startsWith("wrong/")) {
                    assertTrue(Files.exists(lab.dir().resolve(v).resolve("WHY.md")), lab.name() + "/" + v + " has no WHY.md");
                }
                Future<LabRuns.Run> run = pool.submit(() -> LabRuns.run(REPO, lab, v));
                tests.add(DynamicTest.dynamicTest(lab.name() + " " + v, () -> {
                    LabRuns.Run r = run.get();
                    assertFalse(r.compileFailed(), "does not compile:\n" + r.output());
                    Set<String> want = expected.getOrDefault(v, Set.of());
                    assertEquals(want, new TreeSet<>(r.failed()), "failed checkpoints; the grader said:\n" + r.output());
                    if (v.equals(Lab.STARTER) || v.startsWith("wrong/")) {
                        assertFalse(want.isEmpty(), v + " must fail at least one checkpoint");
                    }
                    if (v.equals(Lab.SOLUTION)) {
                        assertEquals(r.max(), taskPagePoints(lab),
                                lab.name() + "/README.md's table of checkpoints and points must be the grader's");
                    }
                }));
            }
        }
        pool.shutdown();
        return tests.stream();
    }

    /** The rows "| `id` | points | ..." of a lab's task page, in order. */
    private static Map<String, Integer> taskPagePoints(Lab lab) throws Exception {
        Map<String, Integer> points = new LinkedHashMap<>();
        Pattern row = Pattern.compile("^\\| `([a-z0-9-]+)` \\| (\\d+) \\|.*");
        for (String line : Files.readAllLines(lab.dir().resolve("README.md"))) {
            Matcher m = row.matcher(line);
            if (m.matches()) {
                points.put(m.group(1), Integer.parseInt(m.group(2)));
            }
        }
        return points;
    }
}
