package smpnet.outside;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * witness used by a project that is not smpnet, as witness/README.md tells a stranger to: the README's
 * shop example with {@code audit()} taking the ledger first, compiled against witness's classes and JUnit
 * alone and run by the JUnit launcher in a JVM of its own with no smpnet property set. The extension must
 * switch witness on itself and fail that test with the message the README shows.
 */
class WitnessOutsideProjectTest {
    @TempDir Path dir;

    /** The README's complete example, as quoted there. */
    private static String readmeShop() throws Exception {
        Matcher m = Pattern.compile("```java\n(package example;.*?class ShopTest \\{.*?)```", Pattern.DOTALL)
                .matcher(Files.readString(Path.of("README.md")));
        assertTrue(m.find(), "witness/README.md quotes the shop example");
        return m.group(1);
    }

    /** The failure message the README shows for the reversed audit, after "with a message like:". */
    private static List<String> readmeMessage() throws Exception {
        String readme = Files.readString(Path.of("README.md"));
        int at = readme.indexOf("```\n", readme.indexOf("with a message like:"));
        return List.of(readme.substring(at + 4, readme.indexOf("```", at + 4)).split("\n"));
    }

    private static final String LAUNCHER = """
            package example;

            import org.junit.platform.engine.discovery.DiscoverySelectors;
            import org.junit.platform.launcher.Launcher;
            import org.junit.platform.launcher.TestExecutionListener;
            import org.junit.platform.launcher.TestIdentifier;
            import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
            import org.junit.platform.launcher.core.LauncherFactory;

            public class RunTests {
                public static void main(String[] args) {
                    Launcher launcher = LauncherFactory.create();
                    launcher.execute(LauncherDiscoveryRequestBuilder.request()
                            .selectors(DiscoverySelectors.selectClass(args[0])).build(), new TestExecutionListener() {
                        @Override
                        public void executionFinished(TestIdentifier id, org.junit.platform.engine.TestExecutionResult r) {
                            if (!id.isTest()) return;
                            System.out.println("TEST " + id.getDisplayName() + " " + r.getStatus());
                            r.getThrowable().ifPresent(t -> System.out.println(t.getMessage()));
                            System.out.println("END");
                        }
                    });
                }
            }
            """;

    /** Where a class was loaded from: a jar or a classes folder. */
    private static String home(String className) throws Exception {
        return Path.of(Class.forName(className).getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
    }

    @Test
    void theJunitExtensionFailsAReversalInAProjectOfItsOwn() throws Exception {
        String shop = readmeShop();
        // audit() takes ledger, then stock: the README's "taking ledger first here would fail the test".
        String audit = shop.substring(shop.indexOf("int audit()"));
        String reversed = audit.replaceFirst("stock\\.lock\\(\\);", "LEDGER_LOCK").replaceFirst("ledger\\.lock\\(\\);", "stock.lock();")
                .replace("LEDGER_LOCK", "ledger.lock();").replaceFirst("ledger\\.unlock\\(\\);", "STOCK_UNLOCK")
                .replaceFirst("stock\\.unlock\\(\\);", "ledger.unlock();").replace("STOCK_UNLOCK", "stock.unlock();");
        Path src = dir.resolve("src/example");
        Files.createDirectories(src);
        Files.writeString(src.resolve("ShopTest.java"), shop.replace(audit, reversed));
        Files.writeString(src.resolve("RunTests.java"), LAUNCHER);

        Set<String> cp = new LinkedHashSet<>();
        cp.add(home("smpnet.witness.Witness")); // the library alone: its classes, none of its tests
        for (String c : List.of("org.junit.jupiter.api.Test", "org.junit.jupiter.engine.JupiterTestEngine",
                "org.junit.platform.engine.TestEngine", "org.junit.platform.commons.util.ReflectionUtils",
                "org.junit.platform.launcher.Launcher", "org.opentest4j.AssertionFailedError", "org.apiguardian.api.API")) {
            cp.add(home(c));
        }
        String classpath = String.join(File.pathSeparator, cp);
        Path classes = dir.resolve("classes");
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int javac = ToolProvider.getSystemJavaCompiler().run(null, null, err, "-proc:none", "-d", classes.toString(),
                "-classpath", classpath, src.resolve("ShopTest.java").toString(), src.resolve("RunTests.java").toString());
        assertEquals(0, javac, err.toString());

        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process p = new ProcessBuilder(java.toString(), "-XX:TieredStopAtLevel=1", "-cp", classes + File.pathSeparator + classpath,
                "example.RunTests", "example.ShopTest").redirectErrorStream(false).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the child JVM ended");
        assertEquals(0, p.exitValue(), new String(p.getErrorStream().readAllBytes()));
        assertTrue(out.startsWith("TEST sellAndAuditFromAPool() FAILED\n"), out);
        List<String> got = List.of(out.substring(out.indexOf('\n') + 1, out.indexOf("\nEND")).split("\n"));
        assertMatches(readmeMessage(), got);
    }

    /**
     * {@code actual} says what {@code expected} says: line by line, source line numbers aside, and a line
     * "    ..." standing for any further stack frames.
     */
    static void assertMatches(List<String> expected, List<String> actual) {
        List<String> exp = new ArrayList<>();
        for (String l : expected) exp.add(l.replaceAll(":\\d+\\)", ":N)"));
        int a = 0;
        for (int e = 0; e < exp.size(); e++) {
            String want = exp.get(e);
            if (want.equals("    ...")) {
                while (a < actual.size() && actual.get(a).startsWith("    ")) a++;
                continue;
            }
            assertTrue(a < actual.size(), "missing line " + want + " in\n" + String.join("\n", actual));
            assertEquals(want, actual.get(a).replaceAll(":\\d+\\)", ":N)"), "line " + (a + 1) + " of\n" + String.join("\n", actual));
            a++;
        }
        assertEquals(actual.size(), a, "lines beyond the README's in\n" + String.join("\n", actual));
    }
}
