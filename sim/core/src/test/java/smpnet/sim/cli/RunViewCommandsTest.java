package smpnet.sim.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.zip.ZipEntry;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import smpnet.stack.mbuf.MbufLeakExtension;
import smpnet.witness.testing.RequiredTool;

/** The commands that show a scenario's run (netstat, capture, witness, trace) and bench, each doing its job. */
@ExtendWith(MbufLeakExtension.class)
class RunViewCommandsTest {
    /** Ten datagrams from a to b, deterministic. */
    static final String UDP = """
            name: pair
            run: {schedule: deterministic, seed: 3}
            hosts:
              - name: a
                nics: [{name: em0, address: 10.0.0.1/24}]
              - name: b
                nics: [{name: em0, address: 10.0.0.2/24}]
            links:
              - between: [a.em0, b.em0]
            workloads:
              - udp-sink: {host: b, port: 5000}
              - udp-blast: {from: a, to: 10.0.0.2:5000, flows: 2, count: 5}
            """;

    /** Three TCP connections carrying two requests each. */
    static final String TCP = """
            name: conns
            run: {schedule: free}
            hosts:
              - name: client
                nics: [{name: em0, address: 10.0.0.1/24}]
              - name: server
                nics: [{name: em0, address: 10.0.0.2/24}]
            links:
              - between: [client.em0, server.em0]
            workloads:
              - tcp-connections: {server: server, port: 5003, client: client, connections: 3, count: 2, payload: 64}
            """;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();

    private int run(String... args) {
        out.reset();
        err.reset();
        return SmpnetCommand.execute(List.of(args), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private String out() { return out.toString(StandardCharsets.UTF_8); }

    private static Path file(Path dir, String name, String text) throws Exception {
        return Files.writeString(dir.resolve(name), text);
    }

    @Test
    void netstatShowsEachHostsConnectionsAndCounters(@TempDir Path dir) throws Exception {
        assertEquals(0, run("netstat", file(dir, "conns.yaml", TCP).toString()), err.toString());
        String o = out();
        int server = o.indexOf("== server (as written)\n"), client = o.indexOf("== client (as written)\n");
        assertTrue(client >= 0 && server > client, o);
        String c = o.substring(client, server), s = o.substring(server);
        assertTrue(c.contains("\n\t3 connection requests\n"), c);
        assertTrue(s.contains("\n\t3 connection accepts\n"), s);
        assertTrue(s.contains("\ntcp sockets: "), s);
        assertTrue(s.contains("\nem0: in "), s);
        assertTrue(java.util.regex.Pattern.compile("\n  txq: 1024 descriptors, soft queue 2048 packets: waited \\d+, "
                + "no descriptors \\d+, soft queue drops 0\n").matcher(s).find(), s);
    }

    /** {@code ./smpnet netstat} of scenario {@code yaml}: the client's section and the server's. */
    private String[] netstatSections(Path dir, String name, String yaml) throws Exception {
        assertEquals(0, run("netstat", file(dir, name, yaml).toString()), err.toString());
        String o = out();
        int server = o.indexOf("== server (as written)\n"), client = o.indexOf("== client (as written)\n");
        assertTrue(client >= 0 && server > client, o);
        return new String[] {o.substring(client, server), o.substring(server)};
    }

    @Test
    void netstatShowsTheOffloadsWhereAScenarioTurnsThemOn(@TempDir Path dir) throws Exception {
        String yaml = TCP.replace("nics: [{name: em0, address: 10.0.0.1/24}]", "nics: [{name: em0, address: 10.0.0.1/24, tso: true}]")
                .replace("nics: [{name: em0, address: 10.0.0.2/24}]", "nics: [{name: em0, address: 10.0.0.2/24, lro: true}]");
        String[] cs = netstatSections(dir, "offloads.yaml", yaml);
        assertFalse(cs[0].contains("options=LRO"), cs[0]);
        assertFalse(cs[1].contains("options=TSO4"), cs[1]);
        // 64-byte requests: nothing to cut, but the client's NIC offers TSO and says so
        assertTrue(java.util.regex.Pattern.compile("\nem0: in [^\n]*\n  options=TSO4: packets 0, frames 0, "
                + "payload bytes copied 0, queued whole 0 in 0 descriptors; tsomax 65518, tsomaxsegcount 35, "
                + "tsomaxsegsize 2048\n").matcher(cs[0]).find(), cs[0]);
        assertTrue(java.util.regex.Pattern.compile("\nem0: in [^\n]*\n  options=LRO: queued \\d+, flushed \\d+, "
                + "merged \\d+, bad checksums 0\n").matcher(cs[1]).find(), cs[1]);
    }

    @Test
    void captureWritesAPcapPerInterfaceThatTsharkReads(@TempDir Path dir) throws Exception {
        assertEquals(0, run("capture", file(dir, "pair.yaml", UDP).toString(), "--out", dir.resolve("cap").toString()), err.toString());
        assertTrue(out().contains("wrote " + dir.resolve("cap/a-em0.pcap")), out());
        for (String host : List.of("a", "b")) {
            RequiredTool.Output t = RequiredTool.run(new ProcessBuilder("tshark", "-r", dir.resolve("cap/" + host + "-em0.pcap").toString(),
                    "-Y", "udp.dstport == 5000", "-T", "fields", "-e", "udp.length"), "tshark", new byte[0]);
            assertEquals(0, t.exitStatus(), t.err());
            assertEquals("72\n".repeat(10), t.out(), host); // ten datagrams of 64 B (UDP length with its header: 72)
        }
    }

    @Test
    void witnessPrintsTheLearnedOrderAsTextAndAsDotThatGraphvizDraws(@TempDir Path dir) throws Exception {
        Path f = file(dir, "pair.yaml", UDP);
        assertEquals(0, run("witness", f.toString()), err.toString());
        String text = out();
        assertTrue(text.contains("so_rcv") || text.contains("udp"), text);
        assertEquals(0, run("witness", f.toString(), "--dot", "--out", dir.resolve("w.dot").toString()), err.toString());
        String dot = Files.readString(dir.resolve("w.dot"));
        assertTrue(dot.startsWith("digraph"), dot);
        assertTrue(dot.contains("->"), dot);
        RequiredTool.Output svg = RequiredTool.run(new ProcessBuilder("dot", "-Tsvg"), "graphviz", dot.getBytes(StandardCharsets.UTF_8));
        assertEquals(0, svg.exitStatus(), svg.err());
        assertTrue(svg.out().contains("<svg"), svg.out());
    }

    @Test
    void traceWritesAChromeTraceOfTheScenario(@TempDir Path dir) throws Exception {
        Path t = dir.resolve("t.json");
        assertEquals(0, run("trace", file(dir, "pair.yaml", UDP).toString(), "--out", t.toString()), err.toString());
        assertTrue(out().startsWith("trace: " + t + " ("), out());
        JsonNode root = new ObjectMapper().readTree(t.toFile());
        long slices = 0;
        for (JsonNode e : root.get("traceEvents")) if (e.get("ph").asText().equals("X")) slices++;
        assertTrue(slices > 0, "slices: " + slices);
        assertEquals(SmpnetCommand.USAGE, run("trace", "x.yaml", "--trace-limit", "0"));
    }

    @Test
    void benchRunsTheBenchmarksJarWithTheFilterAndReportsAMissingJar(@TempDir Path dir) throws Exception {
        assertEquals(SmpnetCommand.FAILED, run("bench", "--jar", dir.resolve("none.jar").toString(), "Mutex"));
        assertTrue(err.toString().startsWith("smpnet bench: no benchmarks jar at " + dir.resolve("none.jar")), err.toString());
        // A stand-in for JMH's jar that prints the arguments it was given and fails on "fail".
        Path src = file(dir, "Main.java", "public class Main { public static void main(String[] a) { "
                + "System.out.println(\"args: \" + String.join(\" \", a)); if (a.length > 0 && a[a.length - 1].equals(\"fail\")) System.exit(3); } }");
        assertEquals(0, ToolProvider.getSystemJavaCompiler().run(null, null, null, "-d", dir.toString(), src.toString()));
        Manifest m = new Manifest();
        m.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        m.getMainAttributes().put(Attributes.Name.MAIN_CLASS, "Main");
        Path jar = dir.resolve("b.jar");
        try (JarOutputStream j = new JarOutputStream(Files.newOutputStream(jar), m)) {
            j.putNextEntry(new ZipEntry("Main.class"));
            j.write(Files.readAllBytes(dir.resolve("Main.class")));
        }
        assertEquals(0, run("bench", "--jar", jar.toString(), "--list", "Mutex.*"));
        assertEquals("args: -l Mutex.*\n", out());
        assertEquals(0, run("bench", "--jar", jar.toString(), "Rw", "--", "-f", "1"));
        assertEquals("args: Rw -f 1\n", out());
        assertEquals(SmpnetCommand.FAILED, run("bench", "--jar", jar.toString(), "X", "--", "fail"));
    }
}
