package smpnet.agenttest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A JVM started with the agent and its default policy prints a reversal at once and writes out= files at exit. */
class AgentOutputTest {
    /** The child: an ABBA on two monitors, then a line on stdout. */
    public static final class Child {
        static final Object left = new Object();
        static final Object right = new Object();

        public static void main(String[] args) {
            synchronized (left) {
                synchronized (right) {
                    System.out.println("left then right");
                }
            }
            synchronized (right) {
                synchronized (left) {
                    System.out.println("right then left");
                }
            }
        }
    }

    @Test
    void theReportIsPrintedAtTheAcquisitionAndTheFilesAreWrittenAtExit(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("witness");
        Path stderr = dir.resolve("stderr.txt");
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-javaagent:" + System.getProperty("agent.jar") + "=out=" + out,
                "-cp", System.getProperty("java.class.path"), Child.class.getName())
                .redirectError(stderr.toFile()).start();
        String stdout = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), read(stderr));
        assertEquals("left then right\nright then left\n", stdout.replace(System.lineSeparator(), "\n"));
        String left = "smpnet.agenttest.AgentOutputTest$Child.left";
        String right = "smpnet.agenttest.AgentOutputTest$Child.right";
        String err = read(stderr);
        assertTrue(err.startsWith("witness: lock order reversal #1 in thread \"main\"\n  acquiring: " + left
                + " (mutex, exclusive)\n  while holding: " + right + " (mutex, exclusive)\n"), err);
        String json = read(out.resolve("witness-reports.json"));
        assertTrue(json.startsWith("[\n{\"kind\":\"LOCK_ORDER_REVERSAL\""), json);
        assertTrue(json.endsWith("}\n]\n"), json);
        assertTrue(read(out.resolve("witness-reports.txt")).startsWith("witness: lock order reversal #1"));
        assertTrue(read(out.resolve("witness-order.dot")).contains("\"" + left + "\" -> \"" + right + "\""));
        List<String> order = Files.readAllLines(out.resolve("witness-order.txt"));
        assertTrue(order.stream().anyMatch(l -> l.startsWith("edge " + left + " " + right + " EE")), order.toString());
    }

    private static String read(Path f) throws IOException {
        return Files.readString(f).replace(System.lineSeparator(), "\n");
    }
}
