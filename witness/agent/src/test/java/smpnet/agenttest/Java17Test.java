package smpnet.agenttest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.apache.log4j.Logger;
import org.apache.log4j.PatternLayout;
import org.apache.log4j.WriterAppender;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent on the oldest Java it supports: a child JVM of Java 17 runs with the agent jar (witness and the
 * relocated ByteBuddy inside) and reports, at the acquisition, log4j 1.2.17's deadlock, a reversal of two
 * {@code ReentrantLock}s named by their fields and one of two monitors. The build runs on a newer JDK; the
 * Java 17 runtime is found under the system's JVM folder or given with {@code -Dsmpnet.java17=<java binary>}
 * ({@code ./smpnet test} installs Debian's openjdk-17-jre-headless when it is missing, see .ci/tools).
 */
class Java17Test {
    /** The child: each scenario in one thread that never blocks; prints the Java it ran on. */
    public static final class Child {
        static final ReentrantLock stock = new ReentrantLock();
        static final ReentrantLock prices = new ReentrantLock();

        public static void main(String[] args) {
            System.out.println("java " + System.getProperty("java.specification.version"));
            log4j();
            stock.lock();
            prices.lock();
            prices.unlock();
            stock.unlock();
            prices.lock();
            stock.lock();
            stock.unlock();
            prices.unlock();
            AgentOutputTest.Child.main(args); // two monitors in both orders
        }

        /** As {@link Log4jDeadlockTest}: a message whose toString logs, through an appender the root shares. */
        static void log4j() {
            WriterAppender appender = new WriterAppender(new PatternLayout("%m%n"), new java.io.StringWriter());
            Logger root = Logger.getRootLogger();
            root.addAppender(appender);
            Logger app = Logger.getLogger("app");
            app.addAppender(appender);
            app.setAdditivity(false);
            app.info(new Object() {
                @Override
                public String toString() {
                    root.info("rendering a message");
                    return "chatty message";
                }
            });
            root.info("plain message");
        }
    }

    @Test
    void theAgentReportsTheSameReversalsOnJava17(@TempDir Path dir) throws Exception {
        Path stderr = dir.resolve("stderr.txt");
        Process p = new ProcessBuilder(java17().toString(), "-javaagent:" + System.getProperty("agent.jar"),
                "-Dlog4j.defaultInitOverride=true", "-cp", System.getProperty("java.class.path"), Child.class.getName())
                .redirectError(stderr.toFile()).start();
        String stdout = new String(p.getInputStream().readAllBytes()).replace(System.lineSeparator(), "\n");
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "the Java 17 child ended");
        String err = Files.readString(stderr).replace(System.lineSeparator(), "\n");
        assertEquals(0, p.exitValue(), err);
        assertEquals("java 17\nleft then right\nright then left\n", stdout);
        String child = "smpnet.agenttest.Java17Test$Child.";
        assertTrue(err.startsWith("witness: lock order reversal #1 in thread \"main\"\n"
                + "  acquiring: org.apache.log4j.WriterAppender (mutex, exclusive)\n"
                + "  while holding: org.apache.log4j.spi.RootLogger (mutex, exclusive)\n"), err);
        assertTrue(err.contains("witness: lock order reversal #2 in thread \"main\"\n"
                + "  acquiring: " + child + "stock (mutex, exclusive)\n"
                + "  while holding: " + child + "prices (mutex, exclusive)\n"), err);
        String monitors = "smpnet.agenttest.AgentOutputTest$Child.";
        assertTrue(err.contains("witness: lock order reversal #3 in thread \"main\"\n"
                + "  acquiring: " + monitors + "left (mutex, exclusive)\n"
                + "  while holding: " + monitors + "right (mutex, exclusive)\n"), err);
        assertTrue(!err.contains("#4 "), err);
    }

    /** A Java 17 runtime: -Dsmpnet.java17, else the first JVM folder whose release file says 17. */
    static Path java17() throws IOException {
        String given = System.getProperty("smpnet.java17");
        if (given != null && !given.isBlank()) return Path.of(given);
        Path jvms = Path.of("/usr/lib/jvm");
        if (Files.isDirectory(jvms)) {
            try (DirectoryStream<Path> homes = Files.newDirectoryStream(jvms)) {
                for (Path home : homes) {
                    Path release = home.resolve("release");
                    Path java = home.resolve("bin").resolve("java");
                    if (Files.isRegularFile(release) && Files.isExecutable(java)
                            && Files.readString(release).contains("JAVA_VERSION=\"17.")) {
                        return java;
                    }
                }
            }
        }
        throw new AssertionError("no Java 17 runtime found under /usr/lib/jvm, and this test runs the agent on one:"
                + " install it (Debian: sudo apt-get install openjdk-17-jre-headless) or pass -Dsmpnet.java17=<java binary>");
    }
}
