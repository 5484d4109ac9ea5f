package smpnet.stack.internal.mbuf;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.jetbrains.lincheck.datastructures.IntGen;
import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Param;
import org.jetbrains.lincheck.datastructures.StressOptions;
import org.jetbrains.lincheck.datastructures.ThreadIdGen;
import org.junit.jupiter.api.Test;
import smpnet.stack.mbuf.ZoneStats;
import smpnet.witness.LockFlags;
import smpnet.witness.testing.TestSettings;

/**
 * The zone is linearizable in what its users see: whether an allocation succeeds, and the statistics
 * snapshot's items in use, allocations, frees and failures, match some sequential order of concurrent
 * threads' operations. Where an item sits (which cache, or the pool) and which item an allocation gets are
 * not: an operation that finds its CPU's cache held by another thread passes it by through the pool, which
 * no sequential run does. So the snapshot checks those parts as invariants (every created item is in use,
 * cached or pooled; the busy counts are part of the pool counts), and every allocation checks that its
 * item is held by nobody else: none lost, none handed out twice. A limit of 2 and buckets of 1 force
 * refills, spills, the busy path and the exhaustion path; two threads may share a CPU cache.
 * {@code -Dsmpnet.lincheck=long} runs a larger search.
 */
@Param(name = "thread", gen = ThreadIdGen.class)
@Param(name = "cpu", gen = IntGen.class, conf = "0:1")
public class ZoneLincheckTest {
    private static final boolean LONG = TestSettings.LINCHECK_LONG;
    private static final int MAX_THREADS = 3;
    private static final int THREAD_IDS = MAX_THREADS + 2;
    private static final int LIMIT = 2;

    /** NOWITNESS: witness is not what is checked here, and the model checker would explore its code too. */
    private final Zone<Integer> zone = new Zone<>("items", 2, LIMIT, 1, 0, i -> i, LockFlags.NOWITNESS);
    /** 1 while item {@code i} is allocated: the zone's users' view, kept beside the zone to catch a double. */
    private final AtomicIntegerArray out = new AtomicIntegerArray(LIMIT);
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
    public boolean alloc(@Param(name = "thread") int thread, @Param(name = "cpu") int cpu) {
        Integer item = zone.alloc(cpu, Zone.NOWAIT);
        if (item == null) return false;
        if (out.getAndSet(item, 1) != 0) throw new AssertionError("item " + item + " handed out twice");
        held[thread].push(item);
        return true;
    }

    @Operation
    public boolean free(@Param(name = "thread") int thread, @Param(name = "cpu") int cpu) {
        Integer item = held[thread].poll();
        if (item == null) return false;
        out.set(item, 0);
        zone.free(cpu, item);
        return true;
    }

    @Operation
    public String stats() {
        ZoneStats s = zone.stats();
        long cached = s.perCpu().stream().mapToLong(ZoneStats.CpuStats::cached).sum();
        if (s.created() != s.inUse() + s.cached() + s.free() || cached != s.cached() || s.created() > LIMIT
                || s.busyAllocs() > s.poolAllocs() || s.busyFrees() > s.poolFrees()) {
            throw new AssertionError("inconsistent snapshot: " + s);
        }
        return s.inUse() + " in use, " + s.allocs() + " allocs, " + s.frees() + " frees, " + s.failures() + " failures";
    }

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
