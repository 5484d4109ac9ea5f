package smpnet.stack.internal.mbuf;

import java.util.ArrayDeque;
import java.util.Deque;
import org.jetbrains.lincheck.datastructures.IntGen;
import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Param;
import org.jetbrains.lincheck.datastructures.StressOptions;
import org.jetbrains.lincheck.datastructures.ThreadIdGen;
import org.junit.jupiter.api.Test;
import smpnet.witness.LockFlags;

/**
 * The zone is linearizable: allocations, frees and complete statistics snapshots (per-CPU caches, pool,
 * failures) of concurrent threads match some sequential order. A limit of 2 and buckets of 1 force refills,
 * spills and the exhaustion path; two threads may share a CPU cache. {@code -Dsmpnet.lincheck=long} runs
 * a larger search.
 */
@Param(name = "thread", gen = ThreadIdGen.class)
@Param(name = "cpu", gen = IntGen.class, conf = "0:1")
public class ZoneLincheckTest {
    private static final boolean LONG = "long".equals(System.getProperty("smpnet.lincheck"));
    private static final int MAX_THREADS = 3;
    private static final int THREAD_IDS = MAX_THREADS + 2;

    /** NOWITNESS: witness is not what is checked here, and the model checker would explore its code too. */
    private final Zone<Integer> zone = new Zone<>("items", 2, 2, 1, 0, i -> i, LockFlags.NOWITNESS);
    /**
     * Items each test thread holds: touched only by that thread, so only the zone is shared. Sized for the
     * thread ids Lincheck gives, which include its init and post parts.
     */
    private final Deque<Integer>[] held = newHeld();

    @SuppressWarnings("unchecked")
    private static Deque<Integer>[] newHeld() {
        Deque<Integer>[] h = new Deque[THREAD_IDS];
        for (int i = 0; i < THREAD_IDS; i++) h[i] = new ArrayDeque<>();
        return h;
    }

    @Operation
    public Integer alloc(@Param(name = "thread") int thread, @Param(name = "cpu") int cpu) {
        Integer item = zone.alloc(cpu, Zone.NOWAIT);
        if (item != null) held[thread].push(item);
        return item;
    }

    @Operation
    public int free(@Param(name = "thread") int thread, @Param(name = "cpu") int cpu) {
        Integer item = held[thread].poll();
        if (item == null) return -1;
        zone.free(cpu, item);
        return item;
    }

    @Operation
    public String stats() { return zone.stats().toString(); }

    @Test
    void modelChecking() {
        ModelCheckingOptions o = new ModelCheckingOptions().threads(2).actorsPerThread(2);
        // Each operation takes several spin locks: 3 x 150 with 3 actors took about 3 minutes on a loaded box.
        if (LONG) o.iterations(50).invocationsPerIteration(5000).threads(MAX_THREADS).actorsPerThread(3);
        else o.iterations(3).invocationsPerIteration(150);
        o.check(ZoneLincheckTest.class);
    }

    @Test
    void stress() {
        StressOptions o = new StressOptions().threads(2).actorsPerThread(3);
        if (LONG) o.iterations(100).invocationsPerIteration(20_000).threads(MAX_THREADS).actorsPerThread(4);
        else o.iterations(3).invocationsPerIteration(300);
        o.check(ZoneLincheckTest.class);
    }
}
