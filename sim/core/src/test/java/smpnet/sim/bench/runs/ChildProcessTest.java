package smpnet.sim.bench.runs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import smpnet.sim.bench.plan.BenchCase;
import smpnet.sim.bench.plan.Subject;
import smpnet.sim.bench.results.LockContention;
import smpnet.sim.bench.results.MeasuredWindow;
import smpnet.sim.bench.results.RunSample;
import smpnet.sim.bench.results.Samples;
import smpnet.sim.bench.results.Tally;
import smpnet.sim.bench.results.Warmup;

/** The parent's side of the protocol against stand-in children (shell scripts): answers and failures. */
class ChildProcessTest {
    private static final BenchCase CASE = new BenchCase(Subject.FINE, 1, 64, false);
    private final ByteArrayOutputStream log = new ByteArrayOutputStream();

    private ChildProcess child(String script) throws IOException {
        return new ChildProcess(CASE, "taskset -c 0", List.of("sh", "-c", script),
                new PrintStream(log, true, StandardCharsets.UTF_8));
    }

    @Test
    void commandsGoOutAndAnswersComeBackWithOtherLinesLogged() throws Exception {
        String run = ChildProtocol.run(new MeasuredWindow(new RunSample(new Tally(3, 2, 1), 10, 5),
                Samples.latency(), 7, 1));
        try (ChildProcess c = child("read a; echo \"got $a\"; echo '@warmup wall=42 settled=true'; read b; echo \"got $b\"; "
                + "echo '" + run + "'; read q; echo \"$q\"; echo '@lock class=inp acquisitions=1 contended=1 "
                + "wait=2 hold=3'; echo '@end generated=3 received=2 dropped=1'")) {
            assertEquals(new Warmup(42, true), c.warmUp(5, 6));
            c.startWindow(1, 2, false, 2);
            MeasuredWindow w = c.awaitWindow(1, 2, 2);
            assertEquals(new RunSample(new Tally(3, 2, 1), 10, 5), w.sample());
            assertEquals(7, w.pausedWallNanos());
            ChildProcess.Ending e = c.quit();
            assertEquals(new Tally(3, 2, 1), e.settled());
            assertEquals(List.of(new LockContention("inp", 1, 1, 2, 3)), e.locks());
        }
        assertEquals("  | got warmup 5 6\n  | got run 1 2 2\n  | quit\n", log.toString(StandardCharsets.UTF_8));
    }

    @Test
    void aChildThatExitsEarlyIsAClearFailure() throws Exception {
        try (ChildProcess c = child("echo 'no JVM here'; exit 3")) {
            assertEquals("child for fine 1cpu 64B (taskset -c 0) exited (status 3) before it reported @warmup",
                    assertThrows(IOException.class, () -> c.warmUp(1, 1)).getMessage());
        }
        assertEquals("  | no JVM here\n", log.toString(StandardCharsets.UTF_8));
    }

    @Test
    void anAnswerOutOfTurnIsAClearFailure() throws Exception {
        try (ChildProcess c = child("read a; echo '@end generated=0 received=0 dropped=0'; exec sleep 5")) {
            assertEquals("child for fine 1cpu 64B (taskset -c 0) sent @end instead of @warmup",
                    assertThrows(IOException.class, () -> c.warmUp(1, 1)).getMessage());
        }
    }
}
