package smpnet.sim.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import smpnet.locking.LockProfiler;
import smpnet.stack.mbuf.MbufLeakExtension;

/** The child's command loop, in this JVM over a stand-in host: what the parent sends, what it gets back. */
@ExtendWith(MbufLeakExtension.class)
class BenchChildTest {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

    private List<String> serve(String commands) throws Exception {
        FakeHost host = new FakeHost(2, 1 << 20);
        try (CaseRunner r = new CaseRunner(new StackUdpWorkload(host, 64))) {
            r.start();
            BenchChild.serve(r, new BufferedReader(new StringReader(commands)),
                    new PrintStream(bytes, true, StandardCharsets.UTF_8));
        } finally {
            assertEquals(0, host.allocator().outstanding());
        }
        return bytes.toString(StandardCharsets.UTF_8).lines().toList();
    }

    @Test
    void answersEachCommandWithOneRecordAndQuitsWithTheSettledTally() throws Exception {
        List<String> out = serve("warmup 10000000 10000000\nrun 1000000 20000000\n\nprofile 0 20000000\nquit\n");
        assertEquals(List.of(ChildProtocol.WARMUP, ChildProtocol.RUN, ChildProtocol.RUN, ChildProtocol.END),
                out.stream().map(ChildProtocol::kind).toList());
        MeasuredWindow first = ChildProtocol.parseWindow(ChildProtocol.fields(out.get(1)));
        MeasuredWindow second = ChildProtocol.parseWindow(ChildProtocol.fields(out.get(2)));
        Tally settled = ChildProtocol.parseTally(ChildProtocol.fields(out.get(3)));
        assertEquals(LockProfiler.Mode.OFF, LockProfiler.mode());
        assertEquals(new Tally(settled.generated(), settled.generated(), 0), settled);
        long measured = first.sample().tally().received() + second.sample().tally().received();
        assertTrue(measured > 0 && measured <= settled.received(), measured + " of " + settled);
        assertTrue(first.pausedWallNanos() > 0 && second.pausedWallNanos() > 0, out.toString());
    }

    @Test
    void theEndOfTheCommandsWithoutQuitIsAFailure() {
        assertEquals("the parent closed the commands before quit", assertThrows(IOException.class,
                () -> serve("warmup 0 0\n")).getMessage());
    }

    @Test
    void aMalformedCommandIsAFailure() {
        assertEquals("unknown command: 'go'", assertThrows(IllegalArgumentException.class,
                () -> serve("go\n")).getMessage());
    }
}
