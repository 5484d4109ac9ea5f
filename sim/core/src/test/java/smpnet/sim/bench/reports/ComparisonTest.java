package smpnet.sim.bench.reports;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import smpnet.sim.cli.SmpnetCommand;

class ComparisonTest {
    /** A result file with giant and fine at 1 CPU, and (when {@code fine2} is given) fine at 2 CPUs and its speed-up. */
    static String results(String giant, String fine, String fine2, String speedUp) {
        String one = "{\"subject\": \"%s\", \"cpus\": %d, \"payloadBytes\": 64, \"pps\": {%s}}";
        return "{\"results\": [" + String.format(one, "giant", 1, giant) + ", " + String.format(one, "fine", 1, fine)
                + (fine2 == null ? "" : ", " + String.format(one, "fine", 2, fine2)) + "], \"ratios\": ["
                + (speedUp == null ? "" : "{\"name\": \"fine 2 CPUs / fine 1 CPU\", \"payloadBytes\": 64, " + speedUp + "}") + "]}";
    }

    @Test
    void aFigureMovesOnlyWhenItsRangesDoNotOverlap(@TempDir Path dir) throws IOException {
        Path a = dir.resolve("a.json"), b = dir.resolve("b.json");
        Files.writeString(a, results("\"min\": 100, \"median\": 110, \"max\": 120", "\"min\": 300, \"median\": 310, \"max\": 320",
                "\"min\": 500, \"median\": 520, \"max\": 540", "\"value\": 1.68, \"pairs\": {\"min\": 1.6, \"median\": 1.68, \"max\": 1.7}"));
        Files.writeString(b, results("\"min\": 115, \"median\": 130, \"max\": 140", "\"min\": 330, \"median\": 340, \"max\": 350",
                "\"min\": 400, \"median\": 410, \"max\": 420", "\"value\": 1.2, \"pairs\": {\"min\": 1.1, \"median\": 1.2, \"max\": 1.3}"));
        Comparison c = Comparison.of(a, b);
        assertEquals(List.of(Comparison.Verdict.WITHIN_NOISE, Comparison.Verdict.UP, Comparison.Verdict.DOWN),
                c.cases().stream().map(Comparison.Row::verdict).toList());
        assertEquals(List.of("giant 1cpu 64B", "fine 1cpu 64B", "fine 2cpu 64B"), c.cases().stream().map(Comparison.Row::name).toList());
        assertEquals(Comparison.Verdict.DOWN, c.ratios().getFirst().verdict());
        String text = c.format("a", "b");
        assertTrue(text.contains("\nfine 1cpu 64B                          310 (300..320)           340 (330..350)   1.10x  up\n"), text);
        assertTrue(text.contains("\ngiant 1cpu 64B                         110 (100..120)           130 (115..140)   1.18x  within noise\n"), text);
        assertTrue(text.contains("\nfine 2 CPUs / fine 1 CPU at 64B        1.68 (1.60..1.70)        1.20 (1.10..1.30)   0.71x  down\n"), text);
        assertTrue(text.endsWith("\n3 of 4 figures moved beyond their noise\n"), text);
    }

    @Test
    void whatOnlyOneFileHasIsListedAndABadFileIsNamed(@TempDir Path dir) throws IOException {
        Path a = dir.resolve("a.json"), b = dir.resolve("b.json"), bad = dir.resolve("bad.json");
        Files.writeString(a, results("\"min\": 1, \"median\": 1, \"max\": 1", "\"min\": 1, \"median\": 1, \"max\": 1",
                "\"min\": 1, \"median\": 1, \"max\": 1", "\"value\": 1, \"pairs\": {\"min\": 1, \"median\": 1, \"max\": 1}"));
        Files.writeString(b, results("\"min\": 1, \"median\": 1, \"max\": 1", "\"min\": 1, \"median\": 1, \"max\": 1", null, null));
        String text = Comparison.of(a, b).format("a", "b");
        assertTrue(text.contains("\nonly in A: fine 2cpu 64B\nonly in A: fine 2 CPUs / fine 1 CPU at 64B\n"), text);
        Files.writeString(bad, "{\"jdk\": \"x\"}");
        assertEquals(bad + ": not a result file of ./smpnet run (no results and ratios)",
                assertThrows(IOException.class, () -> Comparison.of(a, bad)).getMessage());

        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        assertEquals(SmpnetCommand.USAGE, SmpnetCommand.execute(List.of("compare", a.toString(), bad.toString()),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8)));
        assertEquals("smpnet compare: " + bad + ": not a result file of ./smpnet run (no results and ratios)\n",
                err.toString(StandardCharsets.UTF_8));
        assertEquals(0, SmpnetCommand.execute(List.of("compare", a.toString(), b.toString()),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8)));
        assertTrue(out.toString(StandardCharsets.UTF_8).startsWith("A = " + a + "\nB = " + b + "\n"), out.toString());
    }
}
