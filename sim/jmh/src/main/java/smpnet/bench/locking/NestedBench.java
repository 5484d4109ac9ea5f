package smpnet.bench.locking;

import com.google.common.util.concurrent.CycleDetectingLockFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantLock;
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
import org.openjdk.jmh.annotations.Warmup;
import smpnet.locking.Mutex;

/**
 * Nested acquisition at depth 1, 3 and 10, always in the same order (so nothing is reported): our mutexes
 * with witness on, the same with witness off, the same with the hooks compiled out
 * ({@code -Dsmpnet.locking.hooks=off}: the plain lock), plain ReentrantLocks, and Guava's
 * CycleDetectingLockFactory locks, in one run. Witness's added cost is (witnessOn - witnessOff); Guava's is
 * (guava - plain ReentrantLock); what witness off costs is (witnessOff - hooksRemoved). Every variant runs
 * in 3 forks by default; on a shared machine, compare the workers' CPU time
 * ({@code -prof smpnet.bench.CpuTimeProfiler}, {@code thread.cpu.time.norm}).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 10, time = 1)
@Fork(3)
@State(Scope.Thread)
public class NestedBench {
    @Param({"1", "3", "10"})
    int depth;

    Mutex[] mutexes;
    Lock[] plain;
    Lock[] guava;

    @Setup
    public void setup() {
        CycleDetectingLockFactory factory = CycleDetectingLockFactory.newInstance(CycleDetectingLockFactory.Policies.THROW);
        mutexes = new Mutex[depth];
        plain = new Lock[depth];
        guava = new Lock[depth];
        for (int i = 0; i < depth; i++) {
            mutexes[i] = new Mutex("bench_nest" + i);
            plain[i] = new ReentrantLock();
            guava[i] = factory.newReentrantLock("bench_nest" + i);
        }
    }

    @Benchmark
    @Fork(value = 3, jvmArgsAppend = "-Dsmpnet.witness=on")
    public void witnessOn() { nest(mutexes); }

    @Benchmark
    public void witnessOff() { nest(mutexes); }

    @Benchmark
    @Fork(value = 3, jvmArgsAppend = "-Dsmpnet.locking.hooks=off")
    public void hooksRemoved() { nest(mutexes); }

    @Benchmark
    public void plainReentrantLock() { nest(plain); }

    @Benchmark
    public void guavaCycleDetecting() { nest(guava); }

    private static void nest(Mutex[] locks) {
        for (Mutex m : locks) m.lock();
        for (int i = locks.length - 1; i >= 0; i--) locks[i].unlock();
    }

    private static void nest(Lock[] locks) {
        for (Lock l : locks) l.lock();
        for (int i = locks.length - 1; i >= 0; i--) locks[i].unlock();
    }
}
