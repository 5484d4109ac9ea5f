package smpnet.outside;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every Java snippet of README.md and witness/README.md compiles against the public API, as a reader
 * would paste it: a snippet that is a whole file is compiled as it is; any other becomes the body of a
 * method, with the imports a reader adds and, as parameters, the objects it uses without making them
 * ({@code a} and {@code b}, the hosts of the first example, {@code host}, {@code socket}, {@code region}, {@code arena}, {@code witness}, {@code nic}). The tests that run the
 * main examples (ReadmeApiTest, ReadmeDeterministicTest, witness's ReadmeTest) check what they do.
 */
class ReadmeSnippetsCompileTest {
    private static final Pattern JAVA = Pattern.compile("```java\n(.*?)```", Pattern.DOTALL);
    private static final String[][] FREE = {
        {"a", "smpnet.stack.Stack"}, {"b", "smpnet.stack.Stack"}, {"host", "smpnet.stack.Stack"}, {"socket", "smpnet.stack.socket.TcpSocket"},
        {"region", "java.lang.foreign.MemorySegment"}, {"arena", "java.lang.foreign.Arena"},
        {"witness", "smpnet.witness.Witness"}, {"nic", "smpnet.stack.dev.SimNic"},
    };
    private static final String IMPORTS = """
            import java.lang.foreign.*;
            import java.net.InetSocketAddress;
            import java.nio.file.Path;
            import java.time.Duration;
            import java.util.concurrent.locks.*;
            import smpnet.sim.determ.DeterministicRun;
            import smpnet.stack.Stack;
            import smpnet.stack.StackConfig;
            import smpnet.stack.dev.*;
            import smpnet.stack.dev.ImpairedLink.Impairments;
            import smpnet.stack.kevent.EventQueue;
            import smpnet.stack.locks.LockMode;
            import smpnet.stack.mbuf.Mbuf;
            import smpnet.stack.netisr.*;
            import smpnet.stack.socket.*;
            import smpnet.stack.socket.TcpSocket.ZeroCopySend;
            import smpnet.stack.zerocopy.*;
            import smpnet.witness.*;
            import smpnet.witness.adapters.WitnessLocks;
            """;

    @TempDir Path dir;

    /** The Java blocks of a Markdown file. */
    static List<String> snippets(Path markdown) throws Exception {
        List<String> out = new ArrayList<>();
        Matcher m = JAVA.matcher(Files.readString(markdown));
        while (m.find()) out.add(m.group(1));
        return out;
    }

    /** {@code snippet} as a compilation unit named {@code name} (a whole file keeps its own name). */
    static String unit(String name, String snippet) {
        if (snippet.startsWith("package ")) return snippet;
        List<String> params = new ArrayList<>();
        for (String[] free : FREE) {
            boolean used = Pattern.compile("\\b" + free[0] + "\\b").matcher(snippet).find();
            boolean declared = Pattern.compile("\\b[A-Z]\\w*(<[^>]*>)?\\s+" + free[0] + "\\s*=").matcher(snippet).find();
            if (used && !declared) params.add(free[1] + " " + free[0]);
        }
        return "package readme;\n" + IMPORTS + "class " + name + " {\n    void run(" + String.join(", ", params)
                + ") throws Exception {\n" + snippet + "    }\n}\n";
    }

    @Test
    void everyJavaSnippetOfTheReadmesCompiles() throws Exception {
        List<Path> files = new ArrayList<>();
        int n = 0;
        for (String readme : List.of("../../README.md", "../../witness/README.md")) {
            for (String s : snippets(Path.of(readme))) {
                String name = "Snippet" + n++;
                String unit = unit(name, s);
                Matcher cls = Pattern.compile("\\nclass (\\w+)").matcher(unit);
                assertTrue(cls.find(), unit);
                Path src = dir.resolve("src").resolve(name).resolve(cls.group(1) + ".java");
                Files.createDirectories(src.getParent());
                Files.writeString(src, unit);
                files.add(src);
            }
        }
        assertTrue(n >= 9, n + " Java snippets found in the READMEs");
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        // Checked up to flow analysis, no class file written: what a reader's compiler would say.
        List<String> args = new ArrayList<>(List.of("-proc:none", "-Xlint:none", "-XDshould-stop.ifNoError=FLOW",
                "-d", dir.resolve("classes").toString(), "-classpath", System.getProperty("java.class.path")));
        for (Path f : files) args.add(f.toString());
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = javac.run(null, null, err, args.toArray(String[]::new));
        assertEquals(0, status, err.toString());
    }
}
