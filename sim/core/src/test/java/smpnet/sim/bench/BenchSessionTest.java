package smpnet.sim.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import smpnet.sim.bench.plan.BenchOptions;
import smpnet.sim.bench.plan.Subject;
import smpnet.sim.bench.reports.BenchReport;
import smpnet.sim.bench.results.CaseResult;
import smpnet.sim.bench.runs.ChildLauncher;

/**
 * A tiny session of real child JVMs: fine mode's 1- and 2-CPU children in alternation, the machine ceiling
 * beside them and the profiled window after them, in the order the parent promises, with every figure
 * reaching the report and the files. Nothing about speed is asserted.
 */
class BenchSessionTest {
    @Test
    void aPairWithItsCeilingAndProfileRunsInOrderAndIsReported(@TempDir Path dir) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        BenchOptions o = new BenchOptions(2, 1, 0.05, 0, List.of(64), List.of(1, 2), List.of(Subject.FINE), false, true, false,
                dir, List.of("-Dx.y=z"));
        BenchSession session = new BenchSession(o, out);
        BenchReport r = session.run();
        String text = bytes.toString(StandardCharsets.UTF_8);
        assertEquals(List.of(), session.failures(), text);
        boolean pinned = new ChildLauncher(List.of(), out).pins();
        List<String> windows = text.lines().filter(l -> l.startsWith("    run ") || l.startsWith("    profiled run"))
                .map(l -> l.substring(4, l.indexOf(':'))).toList();
        assertEquals(pinned
                ? List.of("run 1/2 2cpu", "run 1/2 1cpu", "run 1/2 ceiling", "run 2/2 ceiling", "run 2/2 1cpu",
                        "run 2/2 2cpu", "profiled run (2cpu, lock profiling on)")
                : List.of("run 1/2 1cpu", "run 1/2 2cpu", "run 2/2 2cpu", "run 2/2 1cpu",
                        "profiled run (2cpu, lock profiling on)"), windows, text);
        assertEquals(List.of("fine 1cpu 64B", "fine 2cpu 64B", "fine 2cpu 64B (profiled)"),
                r.results().stream().map(c -> c.benchCase().title()).toList());
        for (CaseResult c : r.results()) assertTrue(c.balanced(), c.toString());
        assertEquals(pinned ? 1 : 0, r.ceilings().size());
        BenchReport.Ratio speedUp = r.ratios(64).getFirst();
        assertEquals("fine 2 CPUs / fine 1 CPU", speedUp.name());
        assertEquals(speedUp.value(), speedUp.pairs().median());
        assertEquals(pinned, speedUp.ceiling() != null);
        List<String> csv = Files.readAllLines(dir.resolve("results.csv"));
        assertEquals(pinned ? 4 : 3, csv.size(), csv.toString());
        assertTrue(!pinned || csv.get(3).startsWith("ceiling,2,64,taskset -c 0 | taskset -c 1,"), csv.toString());
        assertTrue(csv.get(1).endsWith("-Dsmpnet.mbuf.track=off -Dx.y=z"), csv.get(1));
    }

    @Test
    void aTracedSessionJoinsEachModesProfiledWindowIntoOneTrace(@TempDir Path dir) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        BenchOptions o = new BenchOptions(1, 1, 0.05, 0, List.of(64), List.of(1), List.of(Subject.GIANT, Subject.FINE), false,
                true, false, dir, List.of());
        Path file = dir.resolve("trace.json");
        BenchSession session = new BenchSession(o, out).traceTo(file, 5000);
        session.run();
        String text = bytes.toString(StandardCharsets.UTF_8);
        assertEquals(List.of(), session.failures(), text);
        assertTrue(text.contains("wrote " + file + "\n"), text);
        JsonNode root = new ObjectMapper().readTree(file.toFile());
        Map<Integer, String> processes = new TreeMap<>();
        Map<Integer, Integer> lockSlices = new TreeMap<>();
        for (JsonNode e : root.get("traceEvents")) {
            if (e.get("name").asText().equals("process_name")) processes.put(e.get("pid").asInt(), e.get("args").get("name").asText());
            if (e.path("cat").asText().equals("lock")) lockSlices.merge(e.get("pid").asInt(), 1, Integer::sum);
        }
        assertEquals(Map.of(1, "giant 1cpu 64B", 2, "fine 1cpu 64B"), processes);
        assertEquals(Set.of(1, 2), lockSlices.keySet(), "each mode's window has its lock holds");
        assertTrue(root.get("otherData").get("events").asInt() <= 2 * 5000, root.get("otherData").toString());
    }
}
