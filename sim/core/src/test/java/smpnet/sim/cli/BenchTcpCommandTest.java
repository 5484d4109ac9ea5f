package smpnet.sim.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import smpnet.sim.bench.BenchSession;
import smpnet.sim.bench.plan.BenchOptions;
import smpnet.sim.bench.plan.BenchPath;
import smpnet.sim.bench.plan.Subject;
import smpnet.sim.bench.reports.BenchReport;
import smpnet.sim.bench.workloads.Workloads;
import smpnet.stack.internal.os.NetNamespace;

/**
 * {@code bench-tcp} on tiny windows: with root (always under CI=true) one table per TCP path holds smpnet's
 * rows beside Linux's (offloads on and off for the bulk transfer) and the ratios smpnet/Linux with their
 * goals; without Linux's side, smpnet's runs alone and the report says why. Nothing about speed is asserted.
 */
class BenchTcpCommandTest {
    private static final String MISSING = "Linux's side is missing (its TCP over a veth pair between two network namespaces): ";

    @Test
    void theTableHoldsBothSidesAndTheirRatios(@TempDir Path dir) throws Exception {
        String why = Workloads.linuxTcpUnavailableReason();
        if ("true".equals(System.getenv("CI"))) assertNull(why, "CI must run Linux's side");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        List<String> before = NetNamespace.list();
        int status = SmpnetCommand.execute(List.of("bench-tcp", "--runs", "1", "--seconds", "0.1", "--warmup", "0",
                "--cpus", "1", "--out", dir.toString()), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        String text = out.toString(StandardCharsets.UTF_8);
        assertEquals(0, status, text + err.toString(StandardCharsets.UTF_8));
        List<String> rows = new ArrayList<>();
        for (String l : text.lines().toList()) {
            if (l.matches("^(giant|fine|giant-zc|fine-zc|giant-offload|fine-offload|linux|linux-no-offload) +1 .*")) rows.add(l.substring(0, l.indexOf(' ')));
        }
        List<String> ratios = text.lines().filter(l -> l.matches("^  \\S.* / .*x  .*")).map(String::strip).toList();
        JsonNode json = new ObjectMapper().readTree(dir.resolve("results.json").toFile());
        List<String> subjects = new ArrayList<>();
        for (JsonNode r : json.get("results")) subjects.add(r.get("path").asText() + " " + r.get("subject").asText());
        if (why == null) {
            assertEquals(List.of("linux", "linux-no-offload", "giant", "fine", "giant-zc", "fine-zc", "giant-offload",
                    "fine-offload", "linux", "giant", "fine"), rows, text);
            assertEquals(List.of("tcp-bulk linux", "tcp-bulk linux-no-offload", "tcp-bulk giant", "tcp-bulk fine",
                    "tcp-bulk giant-zc", "tcp-bulk fine-zc", "tcp-bulk giant-offload", "tcp-bulk fine-offload",
                    "tcp-connect linux", "tcp-connect giant", "tcp-connect fine"), subjects);
            assertTrue(ratios.stream().anyMatch(l -> l.startsWith("fine-offload 1 CPU / linux 1 CPU ")
                    && l.contains("goal >= 0.5x")), text);
            assertTrue(ratios.stream().anyMatch(l -> l.startsWith("fine 1 CPU / linux 1 CPU ") && !l.contains("goal")), text);
            assertTrue(ratios.stream().anyMatch(l -> l.startsWith("giant 1 CPU / linux-no-offload 1 CPU ")
                    && l.contains("goal >= 1.0x")), text);
            assertTrue(ratios.stream().anyMatch(l -> l.startsWith("fine-zc 1 CPU / linux-no-offload 1 CPU ")
                    && l.contains("goal >= 1.0x")), text);
            // per path each mode over linux (with a goal for the bulk transfer only; there also each zero-copy
            // mode over linux and over its copying send, each offload mode over linux and over the copying
            // send), then fine over Giant
            assertEquals(List.of("fine 1 CPU / linux 1 CPU", "fine 1 CPU / linux-no-offload 1 CPU",
                    "giant 1 CPU / linux 1 CPU", "giant 1 CPU / linux-no-offload 1 CPU",
                    "fine-zc 1 CPU / linux 1 CPU", "fine-zc 1 CPU / linux-no-offload 1 CPU",
                    "giant-zc 1 CPU / linux 1 CPU", "giant-zc 1 CPU / linux-no-offload 1 CPU",
                    "fine-zc 1 CPU / fine 1 CPU", "giant-zc 1 CPU / giant 1 CPU",
                    "fine-offload 1 CPU / linux 1 CPU", "giant-offload 1 CPU / linux 1 CPU",
                    "fine-offload 1 CPU / fine 1 CPU", "giant-offload 1 CPU / giant 1 CPU", "fine 1 CPU / giant 1 CPU",
                    "fine 1 CPU / linux 1 CPU", "giant 1 CPU / linux 1 CPU", "fine 1 CPU / giant 1 CPU"),
                    ratios.stream().map(l -> l.substring(0, l.indexOf(" CPU ", l.indexOf('/')) + 4)).toList(), text);
            assertEquals(6, ratios.stream().filter(l -> l.contains("goal >= ")).count(), text);
            assertFalse(text.contains(MISSING), text);
        } else {
            assertTrue(text.contains(MISSING + why), text);
            assertEquals(List.of("giant", "fine", "giant-zc", "fine-zc", "giant-offload", "fine-offload", "giant", "fine"),
                    rows, text);
        }
        assertTrue(text.contains("giant-zc and fine-zc: zero-copy send"), text);
        assertFalse(text.contains("not available"), text);
        for (JsonNode r : json.get("results")) {
            // every byte written was read back: the settled tally balances, zero-copy rows included
            assertTrue(r.get("balanced").asBoolean() && r.get("received").asLong() > 0, r.toString());
        }
        // The children made their namespaces and have exited: none they made is left (others' runs may come
        // and go meanwhile, so only namespaces that appeared and whose process is gone count).
        List<String> left = NetNamespace.list().stream().filter(n -> !before.contains(n)).filter(n -> {
            String[] parts = n.split("-");
            return parts.length == 3 && parts[0].equals("smpnet")
                    && ProcessHandle.of(Long.parseLong(parts[1])).map(p -> !p.isAlive()).orElse(true);
        }).toList();
        assertEquals(List.of(), left, "namespaces left by the run's children");
    }

    @Test
    void withoutLinuxSmpnetRunsAloneAndSaysWhy(@TempDir Path dir) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        BenchOptions d = BenchOptions.benchTcp();
        BenchOptions o = new BenchOptions(1, 1, 0.05, 0, d.payloads(), List.of(1), List.of(Subject.FINE), true, false,
                false, dir, List.of(), List.of(BenchPath.TCP_BULK));
        BenchSession session = new BenchSession(o, out, () -> "not root (uid 1000)");
        BenchReport r = session.run();
        String text = bytes.toString(StandardCharsets.UTF_8);
        assertEquals(List.of(), session.failures(), text);
        assertTrue(text.startsWith("smpnet: " + MISSING + "not root (uid 1000)\n"), text);
        assertEquals(List.of("fine 1cpu tcp-bulk 1460B", "fine-zc 1cpu tcp-bulk 1460B", "fine-offload 1cpu tcp-bulk 1460B"),
                r.results().stream().map(c -> c.benchCase().title()).toList());
        assertTrue(r.results().stream().allMatch(c -> c.balanced() && c.settled().received() > 0
                && c.settled().received() == c.settled().generated()), text);
        assertTrue(text.lines().anyMatch(l -> l.matches("^fine-zc +1 .*")), text);
        assertEquals(List.of(MISSING + "not root (uid 1000)"), r.notes());
        assertTrue(text.contains("note: " + MISSING + "not root (uid 1000)\n"), text);
        assertTrue(r.ratios(r.sections().getFirst()).stream().noneMatch(q -> q.name().contains("linux")), text);
        assertTrue(r.ratios(r.sections().getFirst()).stream().anyMatch(q -> q.name().equals("fine-zc 1 CPU / fine 1 CPU")),
                text);
    }
}
