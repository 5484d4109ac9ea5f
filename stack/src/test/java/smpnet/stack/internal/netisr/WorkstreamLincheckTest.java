package smpnet.stack.internal.netisr;

import java.util.ArrayList;
import java.util.List;
import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.StressOptions;
import org.junit.jupiter.api.Test;
import smpnet.locking.Mutex;
import smpnet.witness.LockFlags;

/**
 * The netisr workstream queue is linearizable: a bounded FIFO whose enqueue either accepts or counts a drop,
 * and whose polling takes packets in order, with counters (queued, dropped, max depth, depth) that agree
 * with some sequential history. Small settings in CI; {@code -Dsmpnet.lincheck=long} for large ones.
 */
public class WorkstreamLincheckTest {
    private static final boolean LONG = "long".equals(System.getProperty("smpnet.lincheck"));

    /**
     * NOWITNESS: witness learns orders and caches validated chains across invocations, which Lincheck's
     * replay would see as non-determinism; the order checks are covered by the other netisr tests.
     */
    private final Workstream<Integer> ws = new Workstream<>(0, 0, new Mutex("netisr", LockFlags.NOWITNESS), 2);

    @Operation
    public boolean enqueue(int v) { return ws.enqueue(NetisrProtocol.IP, v); }

    @Operation
    public List<Integer> runPending() {
        List<Integer> ran = new ArrayList<>();
        ws.runPending(2, (proto, v) -> ran.add(v));
        return ran;
    }

    /** The counters a concurrent reader may see; handled is left out (it is counted when a batch ends). */
    @Operation
    public String counters() {
        NetisrStats s = ws.stats();
        return s.queued() + "/" + s.dropped() + "/" + s.maxDepth() + "/" + s.depth();
    }

    @Test
    void modelChecking() {
        new ModelCheckingOptions().iterations(LONG ? 50 : 2).invocationsPerIteration(LONG ? 5000 : 100)
                .threads(2).actorsPerThread(3).check(getClass());
    }

    @Test
    void stress() {
        new StressOptions().iterations(LONG ? 50 : 2).invocationsPerIteration(LONG ? 20_000 : 300)
                .threads(2).actorsPerThread(3).check(getClass());
    }
}
