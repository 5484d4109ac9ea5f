package smpnet.bench.locking;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import smpnet.locking.Giant;
import smpnet.locking.LockProfiler;
import smpnet.locking.Mutex;
import smpnet.locking.RwLock;
import smpnet.locking.SpinMutex;
import smpnet.locking.SxLock;

/**
 * Uncontended lock+unlock of every primitive with witness off (these forks do not set smpnet.witness),
 * beside ReentrantLock and ReentrantReadWriteLock in the same run. Goal: mutex and sx within 1.5x of them.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(3)
@State(Scope.Thread)
public class UncontendedBench {
    final Mutex mutex = new Mutex("bench_mtx");
    final SpinMutex spin = new SpinMutex("bench_spin");
    final SxLock sx = new SxLock("bench_sx");
    final RwLock rw = new RwLock("bench_rw");
    final Giant giant = new Giant();
    final ReentrantLock reentrant = new ReentrantLock();
    final ReentrantReadWriteLock readWrite = new ReentrantReadWriteLock();

    @Benchmark
    public void mutex() {
        mutex.lock();
        mutex.unlock();
    }

    /** Switches lock profiling to contended-only for the benchmarks that take it as a parameter. */
    @State(Scope.Benchmark)
    public static class ContendedOnlyProfiling {
        @Setup
        public void on() { LockProfiler.setMode(LockProfiler.Mode.CONTENDED); }

        @TearDown
        public void off() { LockProfiler.setMode(LockProfiler.Mode.OFF); }
    }

    /** Contended-only profiling must cost almost nothing on an uncontended acquisition. */
    @Benchmark
    public void mutexProfilingContendedOnly(ContendedOnlyProfiling on) {
        mutex.lock();
        mutex.unlock();
    }

    @Benchmark
    public void spinMutex() {
        spin.lock();
        spin.unlock();
    }

    @Benchmark
    public void sxExclusive() {
        sx.lock();
        sx.unlock();
    }

    @Benchmark
    public void sxShared() {
        sx.lockShared();
        sx.unlockShared();
    }

    @Benchmark
    public void rwExclusive() {
        rw.lock();
        rw.unlock();
    }

    @Benchmark
    public void rwShared() {
        rw.lockShared();
        rw.unlockShared();
    }

    @Benchmark
    public void giant() {
        giant.lock();
        giant.unlock();
    }

    @Benchmark
    public void jucReentrantLock() {
        reentrant.lock();
        reentrant.unlock();
    }

    @Benchmark
    public void jucReadWriteLockWrite() {
        readWrite.writeLock().lock();
        readWrite.writeLock().unlock();
    }

    @Benchmark
    public void jucReadWriteLockRead() {
        readWrite.readLock().lock();
        readWrite.readLock().unlock();
    }
}
