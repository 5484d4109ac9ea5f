package smpnet.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MainTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        return Main.run(List.of(args), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void helpPrintsUsageAndSucceeds() {
        assertEquals(0, run("--help"));
        String text = out.toString(StandardCharsets.UTF_8);
        assertTrue(text.startsWith("Usage: ./smpnet run [bench-udp] [options]\n"), text);
        assertTrue(text.contains("  --payloads LIST   UDP payload sizes in bytes, comma-separated, 16..1472\n"), text);
        assertEquals("", err());
    }

    @Test
    void helpAfterTheCommandToo() {
        assertEquals(0, run("bench-udp", "--help"));
    }

    @Test
    void unknownOptionIsAUsageErrorWithoutStackTrace() {
        assertEquals(2, run("--fast"));
        assertEquals("smpnet: unknown option: --fast\nTry './smpnet run --help'.\n", err());
    }

    @Test
    void unknownCommandIsAUsageError() {
        assertEquals(2, run("bench-tcp"));
        assertEquals("smpnet: unknown command: bench-tcp\nTry './smpnet run --help'.\n", err());
    }

    @Test
    void seededRunsAScenarioFromItsSeedAndRejectsBadOptions() {
        // A passing scenario: a failing run in this JVM would leave its unwound threads' witness reports behind.
        assertEquals(0, run("seeded", "--scenario", "hosts", "--seed", "1"));
        String text = out.toString(StandardCharsets.UTF_8);
        assertTrue(text.startsWith("seeded run: scenario hosts ("), text);
        assertTrue(text.contains("\nseed 1: ok, "), text);
        assertEquals(2, run("seeded", "--scenario", "tcp-bulk"));
        assertTrue(err().startsWith("smpnet: unknown scenario: tcp-bulk (one of hosts, udp-blast, udp-rpc, planted-lor)\n"), err());
        assertEquals(2, run("seeded-cost", "--mode", "coarse"));
        assertTrue(err().contains("smpnet: --mode must be fine, giant or giant-over-fine, not 'coarse'\n"), err());
    }

    @Test
    void helpListsTheSeededCommandsAndScenarios() {
        assertEquals(0, run("--help"));
        String text = out.toString(StandardCharsets.UTF_8);
        assertTrue(text.contains("  seeded        a scenario run deterministically"), text);
        assertTrue(text.contains("udp-rpc      timer-bound: 100 requests"), text);
        assertTrue(text.contains("  seeded-cost   the cost of deterministic mode"), text);
    }

    @Test
    void badValueNamesTheOptionAndTheRange() {
        assertEquals(2, run("bench-udp", "--payloads", "64,9000"));
        assertEquals("smpnet: --payloads must be between 16 and 1472, not 9000\nTry './smpnet run --help'.\n", err());
    }

    @Test
    void missingValueIsAUsageError() {
        assertEquals(2, run("--runs"));
        assertEquals("smpnet: option --runs needs a value\nTry './smpnet run --help'.\n", err());
    }

    @Test
    void tinyRunInAChildJvmWritesItsResults(@TempDir Path dir) throws Exception {
        int rc = run("--runs", "1", "--seconds", "0.1", "--warmup", "0", "--modes", "fine", "--cpus", "1",
                "--no-kernel", "--no-profile", "--no-chart", "--out", dir.toString());
        String text = out.toString(StandardCharsets.UTF_8);
        assertEquals(0, rc, text + err());
        assertTrue(text.contains("[1/1] fine 1cpu 64B, "), text);
        List<String> csv = Files.readAllLines(dir.resolve("results.csv"));
        assertEquals(2, csv.size(), csv.toString());
        assertTrue(csv.get(1).startsWith("fine,1,64,"), csv.get(1));
        assertTrue(csv.get(1).contains(",true,"), "accounting balanced: " + csv.get(1));
        assertEquals(List.of(smpnet.sim.bench.reports.ResultFiles.LOCKS_HEADER), Files.readAllLines(dir.resolve("locks.csv")));
    }
}
