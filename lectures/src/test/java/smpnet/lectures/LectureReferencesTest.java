package smpnet.lectures;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Every file, class and member the course's notes name in backticks still exists. */
class LectureReferencesTest {
    private static final Path REPO = Repo.root();
    private static final References REFS = new References(REPO);

    @Test
    void everyNamedPathClassAndMemberExists() {
        List<String> stale = new ArrayList<>();
        int checked = 0;
        for (Path file : Notes.files(REPO)) {
            for (Notes.Span span : Notes.spans(Notes.read(file))) {
                String problem = REFS.check(span.text());
                if (problem != null) {
                    stale.add(REPO.relativize(file) + ":" + span.line() + ": `" + span.text() + "`: " + problem);
                }
                checked++;
            }
        }
        assertTrue(checked > 200, "the notes name " + checked + " things: are the notes found?");
        assertEquals(List.of(), stale, "the notes name things that no longer exist; fix the note or the name");
    }

    @Test
    void theCheckerTellsRealNamesFromStaleOnes() {
        assertNull(REFS.check("locking/src/main/java/smpnet/locking/Mutex.java"));
        assertNull(REFS.check("locking/.../Mutex.java"));
        assertNull(REFS.check("locking/.../SpinMutex"));
        assertNull(REFS.check("Mutex.lock"));
        assertNull(REFS.check("RmLock.lock()"));
        assertNull(REFS.check("Mutex.assertOwned"));        // declared in the class Mutex extends
        assertNull(REFS.check("LongAdder"));
        assertNull(REFS.check("ReentrantLock.tryLock"));
        assertNull(REFS.check("kern/subr_witness.c"));       // another project's path: prose
        assertNull(REFS.check("so_rcv"));
        assertNotNull(REFS.check("locking/src/main/java/smpnet/locking/Mutexx.java"));
        assertNotNull(REFS.check("locking/.../Nowhere.java"));
        assertNotNull(REFS.check("Mutex.lockHarder"));
        assertNotNull(REFS.check("NoSuchClassAnywhere"));
        assertNotNull(REFS.check("ReentrantLock.lockHarder"));
        assertNotNull(REFS.check("Nowhere.java"));
    }

    @Test
    void everyExampleIsClosedAndRunsAKnownCommand() {
        int examples = 0;
        for (Path file : Notes.files(REPO)) {
            String text = Notes.read(file);
            assertNull(Examples.checkMarkers(text), REPO.relativize(file).toString());
            for (String cmd : Notes.exampleCommands(text)) {
                examples++;
                String where = REPO.relativize(file) + ": example " + cmd;
                assertTrue(text.contains("```console\n$ " + cmd + "\n"), where + " has no output block: run ./smpnet lectures");
                if (cmd.startsWith("./smpnet demo ")) {
                    assertTrue(Demos.ALL.containsKey(cmd.substring("./smpnet demo ".length())), where + ": no such demo");
                } else if (cmd.startsWith("./smpnet grade ")) {
                    String lab = cmd.substring("./smpnet grade ".length()).split(" ")[0];
                    assertTrue(lab.equals("all") || smpnet.labs.grading.Lab.all(REPO).stream()
                            .anyMatch(l -> l.number().equals(lab)), where + ": no such lab");
                } else {
                    assertTrue(cmd.startsWith("./smpnet "), where + ": examples run ./smpnet commands");
                }
            }
        }
        assertTrue(examples >= 3, "lecture 3 alone has three examples; found " + examples);
        assertTrue(Files.isDirectory(REPO.resolve("lectures/answers")));
    }

    @Test
    void everyLectureHasReviewQuestionsAndItsAnswersApart() throws Exception {
        for (Path file : Notes.files(REPO)) {
            String name = file.getFileName().toString();
            if (!file.getParent().equals(REPO.resolve("lectures")) || !name.matches("\\d\\d-.*\\.md")) {
                continue;
            }
            String text = Notes.read(file);
            assertTrue(text.contains("\n## Review questions\n"), name + " has no \"## Review questions\" section");
            Path answers = REPO.resolve("lectures/answers/" + name.substring(0, 2) + ".md");
            assertTrue(Files.exists(answers), name + ": its answers belong in " + REPO.relativize(answers));
            String section = text.substring(text.indexOf("\n## Review questions\n") + 1);
            int next = section.indexOf("\n## ");
            long questions = (next < 0 ? section : section.substring(0, next)).lines()
                    .filter(l -> l.matches("\\d+\\. .*")).count();
            long answered = Files.readAllLines(answers).stream().filter(l -> l.matches("\\d+\\. .*")).count();
            assertEquals(questions, answered, name + ": every review question has one numbered answer");
        }
    }
}
