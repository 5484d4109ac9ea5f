package smpnet.sim.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import smpnet.sim.servers.ServerModel;
import smpnet.sim.servers.ServerPlan;
import smpnet.stack.mbuf.MbufLeakExtension;

/** {@code servers --forks}: its option, what its children are given, and a small run of two child JVMs. */
@ExtendWith(MbufLeakExtension.class)
class ServersCommandTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        return SmpnetCommand.execute(List.of(args), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    void forksMustBeOneAtLeast() {
        assertEquals(SmpnetCommand.USAGE, run("servers", "--forks", "0"));
        String e = err.toString(StandardCharsets.UTF_8);
        assertTrue(e.startsWith("--forks must be between 1 and 100, not 0"), e);
        assertTrue(e.contains("Usage: smpnet servers [-h]"), e);
    }

    @Test
    void aForkIsGivenEveryOptionExplicitly() {
        ServerPlan plan = new ServerPlan(List.of(ServerModel.EVENT_LOOP, ServerModel.FIXED_POOL), List.of(40, 20), 5, 64, 4, 30, 2,
                1_000, 20, 200, 10, 8, false);
        assertEquals(List.of("--models", "event-loop,fixed-pool", "--connections", "20,40", "--requests", "5", "--payload", "64",
                "--pool", "4", "--max-threads", "30", "--client-loops", "2", "--in-flight", "1000", "--loop-warmup", "20",
                "--loop-requests", "200", "--loop-parts", "8", "--active", "10", "--no-pin"), ServersCommand.childArgs(plan));
        // every connection active and the loop's threads bound: the defaults, not named
        assertTrue(ServersCommand.childArgs(plan.withActive(0).withPin(true)).stream().noneMatch(a -> a.equals("--active")
                || a.equals("--no-pin") || a.equals("--rate")));
        List<String> paced = ServersCommand.childArgs(plan.withRate(60_000));
        assertEquals(List.of("--rate", "60000"), paced.subList(paced.size() - 2, paced.size()));
    }

    @Test
    void aRateBelowOnePerClientLoopIsAUsageError() {
        assertEquals(SmpnetCommand.USAGE, run("servers", "--rate", "1"));
        String e = err.toString(StandardCharsets.UTF_8);
        assertTrue(e.startsWith("--rate must be between 2 and 10000000, not 1"), e);
    }

    /** Two forks of the event loop at 20 and 40 connections, each a child JVM: both run, merged, and the verdict over them. */
    @Test
    void twoForksRunInChildJvmsAndAreMerged(@TempDir Path dir) throws Exception {
        int status = run("servers", "--models", "event-loop", "--connections", "20,40", "--requests", "5", "--loop-warmup", "20",
                "--loop-requests", "200", "--forks", "2", "--out", dir.toString());
        String o = out.toString(StandardCharsets.UTF_8);
        assertEquals(0, status, o + err.toString(StandardCharsets.UTF_8));
        int first = o.indexOf("fork 1/2 (pid "), second = o.indexOf("fork 2/2 (pid ");
        assertTrue(first >= 0 && second > first, o);
        assertTrue(o.contains(": a fresh JVM, the connection counts ascending ..."), o);
        assertTrue(o.contains(": a fresh JVM, the connection counts descending ..."), o);
        // the first fork ran 20 connections first, the second 40
        assertTrue(o.indexOf("  | [1/2] event-loop, 20 connections ...", first) < second, o);
        assertTrue(o.indexOf("  | [1/2] event-loop, 40 connections ...", second) > second, o);
        // each child's hosts freed every mbuf
        assertEquals(2, o.lines().filter(l -> l.matches("fork [12]/2 \\(pid \\d+\\) done in [0-9.]+ s: 2 cases, 0 mbufs outstanding "
                + "after them")).count(), o);
        String report = o.substring(o.indexOf("Server models: "));
        assertTrue(report.contains("; each figure the median of 2 forks (each a fresh JVM;"), report);
        assertTrue(report.contains("\nEvent loop cost per event over 2 forks (the loop thread's CPU; per count the median of the forks' "
                + "medians of their window's kept parts): "), report);
        assertTrue(report.contains(" ns at 20 connections, "), report);
        assertTrue(report.contains("\nEvent queue cost per event over 2 forks "), report);
        assertTrue(report.matches("(?s).*\n  each fork's own ratio: fork 1 \\(ascending\\) (x[0-9.]+( \\(left out\\))?|no kept parts at [0-9]+); fork 2 "
                + "\\(descending\\) .*"), report);
        for (String f : List.of("servers.csv", "servers.json", "servers.html", "servers-fork-1.json", "servers-fork-2.json")) {
            assertTrue(Files.isRegularFile(dir.resolve(f)), f);
        }
        assertTrue(Files.readString(dir.resolve("servers.json")).contains("\"forks\" : 2"));
        for (int f = 1; f <= 2; f++) {
            String json = Files.readString(dir.resolve("servers-fork-" + f + ".json"));
            assertTrue(json.contains("\"mbufsOutstanding\" : 0") && json.contains("\"partShared\""), json);
        }
        // the merged table: a row per count
        assertEquals(3, Files.readString(dir.resolve("servers.csv")).lines().count());
    }
}
