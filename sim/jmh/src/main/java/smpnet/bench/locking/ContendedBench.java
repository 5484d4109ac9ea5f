package smpnet.bench.locking;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Group;
import org.openjdk.jmh.annotations.GroupThreads;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import smpnet.locking.GuardedBy;
import smpnet.locking.LockProfiler;
import smpnet.locking.Mutex;

/** Two threads on one sleep mutex, with lock profiling off, contended-only and full. */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Group)
public class ContendedBench {
    @Param({"OFF", "CONTENDED", "FULL"})
    LockProfiler.Mode profiling;

    final Mutex mutex = new Mutex("bench_contended");
    @GuardedBy("mutex")
    long counter;

    @Setup(Level.Trial)
    public void profile() {
        LockProfiler.reset();
        LockProfiler.setMode(profiling);
    }

    @TearDown(Level.Trial)
    public void stop() { LockProfiler.setMode(LockProfiler.Mode.OFF); }

    @Benchmark
    @Group("twoThreads")
    @GroupThreads(2)
    public void lockIncrementUnlock() {
        mutex.lock();
        counter++;
        mutex.unlock();
    }
}
