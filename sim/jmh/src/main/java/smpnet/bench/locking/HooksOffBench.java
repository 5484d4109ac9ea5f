package smpnet.bench.locking;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import smpnet.locking.Mutex;
import smpnet.locking.SxLock;

/**
 * What "witness off" costs: the same mutex and sx lock with witness off (hooks present, each one null test
 * of a final field) against forks run with {@code -Dsmpnet.locking.hooks=off}, where a static final switch
 * lets the JIT remove every hook. Goal: within 5%, over at least 3 forks each.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@State(Scope.Thread)
public class HooksOffBench {
    final Mutex mutex = new Mutex("bench_hooks_mtx");
    final SxLock sx = new SxLock("bench_hooks_sx");

    @Benchmark
    @Fork(3)
    public void mutexWitnessOff() {
        mutex.lock();
        mutex.unlock();
    }

    @Benchmark
    @Fork(value = 3, jvmArgsAppend = "-Dsmpnet.locking.hooks=off")
    public void mutexHooksRemoved() {
        mutex.lock();
        mutex.unlock();
    }

    @Benchmark
    @Fork(3)
    public void sxSharedWitnessOff() {
        sx.lockShared();
        sx.unlockShared();
    }

    @Benchmark
    @Fork(value = 3, jvmArgsAppend = "-Dsmpnet.locking.hooks=off")
    public void sxSharedHooksRemoved() {
        sx.lockShared();
        sx.unlockShared();
    }
}
