package smpnet.bench.zerocopy;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import smpnet.stack.zerocopy.DirtyDiff;
import smpnet.stack.zerocopy.DirtyTracker;
import smpnet.stack.zerocopy.DirtyTracker.Backend;

/**
 * One tracking window over a region of {@link #PAGES} pages: {@code start()}, a one-byte write (through the
 * tracker, so every back-end sees it) to every {@code writeEvery}-th page (0: none), {@code end()}. The
 * score is nanoseconds per tracked page. The soft-dirty back-end is left out of the default parameters: it
 * runs only on kernels with soft-dirty bits ({@code -p backend=SOFT_DIRTY} there).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED"})
public class DirtyTrackerBench {
    static final int PAGES = 256;

    @Param({"USERFAULTFD", "COPY_COMPARE", "WRITE_BARRIER"})
    public Backend backend;

    @Param({"0", "16", "1"})
    public int writeEvery;

    private Arena arena;
    private DirtyTracker tracker;
    private byte value;

    @Setup(Level.Trial)
    public void open() {
        String why = backend.unavailableReason();
        if (why != null) throw new IllegalStateException(backend + " cannot run here: " + why);
        arena = Arena.ofShared();
        int ps = 4096;
        MemorySegment region = arena.allocate((long) PAGES * ps, ps);
        region.fill((byte) 0); // every page present before the first window
        tracker = DirtyTracker.open(region, backend);
    }

    @TearDown(Level.Trial)
    public void close() {
        tracker.close();
        arena.close();
    }

    @Benchmark
    @OperationsPerInvocation(PAGES)
    public DirtyDiff window() {
        DirtyTracker t = tracker;
        int ps = t.pageSize();
        byte v = ++value; // a new value each window: copy-and-compare sees a change
        t.start();
        if (writeEvery > 0) {
            for (int p = 0; p < PAGES; p += writeEvery) t.set((long) p * ps, v);
        }
        DirtyDiff d = t.end();
        int expected = writeEvery == 0 ? 0 : (PAGES + writeEvery - 1) / writeEvery;
        if (d.pages().size() != expected) throw new AssertionError(backend + " found " + d.pages().size() + " pages, not " + expected);
        return d;
    }
}
