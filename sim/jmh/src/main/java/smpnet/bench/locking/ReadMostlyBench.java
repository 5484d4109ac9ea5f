package smpnet.bench.locking;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import smpnet.locking.GuardedBy;
import smpnet.locking.RmLock;
import smpnet.locking.RwLock;
import smpnet.locking.SharedExclusiveLock;

/**
 * Read acquisitions only, from two threads at once, on an rw lock (one shared reader count) and on a
 * read-mostly lock (a reader count per CPU), beside a plain read with no lock. With the rw lock the reader
 * count's cache line moves between the cores on every acquisition and release; with the rm lock each
 * core keeps its own. Run with {@code -t 1} as well to see what the rm lock costs one thread.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@Threads(2)
@State(Scope.Benchmark)
public class ReadMostlyBench {
    @Param({"rw", "rm"})
    String kind;

    SharedExclusiveLock lock;
    @GuardedBy("lock")
    int table = 42;

    @Setup
    public void make() { lock = kind.equals("rw") ? new RwLock("bench_rw") : new RmLock("bench_rm"); }

    @Benchmark
    public int readLocked() {
        lock.lockShared();
        try {
            return table;
        } finally {
            lock.unlockShared();
        }
    }

    @Benchmark
    public int readUnlocked() { return table; }
}
