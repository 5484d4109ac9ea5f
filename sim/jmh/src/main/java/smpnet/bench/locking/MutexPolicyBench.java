package smpnet.bench.locking;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Group;
import org.openjdk.jmh.annotations.GroupThreads;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;
import smpnet.locking.ExclusiveLock;
import smpnet.locking.Giant;
import smpnet.locking.GuardedBy;
import smpnet.locking.Mutex;

/**
 * Two threads hammering one sleep mutex (or Giant) with a short critical section, under the two release
 * policies: {@link WakeAndBarge} (the default: release frees and wakes, a woken waiter that lost gets the
 * next hand-off) and {@link StrictHandOff} (every release with a waiter hands the lock to the oldest
 * one, selected by the benchmark-only property {@code smpnet.locking.mutex.handoff=always}). Both run in
 * one JMH invocation, each in its own fork, so their figures compare directly.
 */
public class MutexPolicyBench {
    private MutexPolicyBench() {}

    /** The contended lock and what it guards; the work outside the lock is a few dozen cycles. */
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    @Warmup(iterations = 3, time = 1)
    @Measurement(iterations = 5, time = 1)
    @State(Scope.Group)
    public abstract static class Contended {
        @Param({"mutex", "giant"})
        String lockKind;

        /**
         * Work inside the critical section, in {@link Blackhole#consumeCPU} tokens: 16 is a short section
         * (a contender often gets in while still spinning); 2000 outlasts the adaptive spin, so contenders
         * queue and nearly every release meets a waiter.
         */
        @Param({"16", "2000"})
        int inside;

        ExclusiveLock lock;
        @GuardedBy("lock")
        long counter;

        @Setup
        public void create() { lock = "giant".equals(lockKind) ? new Giant() : new Mutex("bench_policy"); }

        @Benchmark
        @Group("twoThreads")
        @GroupThreads(2)
        public void lockWorkUnlock() {
            lock.lock();
            counter++;
            Blackhole.consumeCPU(inside);
            lock.unlock();
            Blackhole.consumeCPU(16);
        }
    }

    /** The default policy. */
    @Fork(1)
    public static class WakeAndBarge extends Contended {}

    /** The old strict FIFO hand-off, for comparison only. */
    @Fork(value = 1, jvmArgsAppend = "-Dsmpnet.locking.mutex.handoff=always")
    public static class StrictHandOff extends Contended {}
}
