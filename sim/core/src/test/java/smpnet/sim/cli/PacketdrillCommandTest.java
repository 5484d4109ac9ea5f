package smpnet.sim.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
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

/** {@code packetdrill}: PASS/FAIL per script and mode, the first mismatch, a summary, and the exit status. */
class PacketdrillCommandTest {
    @TempDir Path dir;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        out.reset();
        err.reset();
        return SmpnetCommand.execute(List.of(args), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private String out() { return out.toString(StandardCharsets.UTF_8); }

    @Test
    void printsEachScriptInEachModeAndFailsWhenOneFails() throws IOException {
        Path good = Files.writeString(dir.resolve("a-good.pkt"), "0 `sysctl -w net.inet.udp.recvspace=50000`\n");
        Files.createDirectories(dir.resolve("sub"));
        Files.writeString(dir.resolve("sub/b-bad.pkt"), "// a setting smpnet lacks\n0 `sysctl -w net.inet.nope=1`\n");
        assertEquals(0, run("packetdrill", good.toString()));
        assertEquals("PASS " + good + " [fine]\n1 scripts; fine: 1 passed, 0 failed\n", out());

        assertEquals(SmpnetCommand.FAILED, run("packetdrill", "--mode", "all", dir.toString()));
        Path bad = dir.resolve("sub/b-bad.pkt");
        String expected = """
                PASS %1$s [fine]
                PASS %1$s [giant]
                PASS %1$s [giant-over-fine]
                FAIL %2$s [fine] (COMMAND)
                    %2$s:2: error executing `sysctl -w net.inet.nope=1` command: unknown sysctl net.inet.nope
                """.formatted(good, bad);
        assertTrue(out().startsWith(expected), out());
        assertTrue(out().endsWith("2 scripts; fine: 1 passed, 1 failed, giant: 1 passed, 1 failed, "
                + "giant-over-fine: 1 passed, 1 failed\n"), out());
    }

    @Test
    void aMissingScriptOrModeIsAUsageError() {
        assertEquals(SmpnetCommand.USAGE, run("packetdrill", dir.resolve("none.pkt").toString()));
        assertTrue(err.toString(StandardCharsets.UTF_8).startsWith("no such file or directory: "), err.toString(StandardCharsets.UTF_8));
        assertEquals(SmpnetCommand.USAGE, run("packetdrill"));
        assertEquals(SmpnetCommand.USAGE, run("packetdrill", "--mode", "coarse", dir.toString()));
    }
}
