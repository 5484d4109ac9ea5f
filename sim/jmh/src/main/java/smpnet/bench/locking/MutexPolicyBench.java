package smpnet.bench.locking;

import java.util.ArrayList;
import java.util.List;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;
import smpnet.locking.ExclusiveLock;
import smpnet.locking.Giant;
import smpnet.locking.GuardedBy;
import smpnet.locking.Mutex;

/**
 * Two threads hammering one sleep mutex (or Giant), under three policies: {@link WakeAndBarge} (the
 * default: adaptive spinning while the owner runs, then release frees and wakes, a woken waiter that lost
 * gets the next hand-off), {@link FixedSpin} (the same release policy with the old fixed spin of a few
 * microseconds before parking, selected by the benchmark-only property
 * {@code smpnet.locking.mutex.spin=fixed}) and {@link StrictHandOff} (every release with a waiter hands
 * the lock to the oldest one, selected by {@code smpnet.locking.mutex.handoff=always}). All run in one JMH
 * invocation, each in its own fork, so their figures compare directly.
 */
public class MutexPolicyBench {
    private MutexPolicyBench() {}

    /** The contended lock and what it guards, and the work each thread does inside and outside it. */
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
         * (a contender often gets in while still spinning); 2000 (some microseconds, like a Giant hold over
         * a batch of packets) outlasts the fixed spin, so under it contenders queue and nearly every release
         * meets a waiter, while the adaptive spin waits it out.
         */
        @Param({"16", "2000"})
        int inside;

        /**
         * Work after the release, in tokens: 16 lets the releaser come straight back (the lock is the
         * bottleneck, whoever holds it); 2000 is an ithread's work outside Giant, so the lock is used
         * fully only if it passes to the other thread at once instead of after a wake-up.
         */
        @Param({"16", "2000"})
        int outside;

        /**
         * Busy threads started beside the two lock threads, none by default: {@code -p hogs=2} makes more
         * runnable threads than CPUs, as on a loaded machine, where a lock's owner can be runnable yet not
         * running, and spinning on it is a waste.
         */
        @Param({"0"})
        int hogs;

        ExclusiveLock lock;
        @GuardedBy("lock")
        long counter;
        private final List<Thread> hogThreads = new ArrayList<>();
        private volatile boolean hogging;

        @Setup
        public void create() {
            lock = "giant".equals(lockKind) ? new Giant() : new Mutex("bench_policy");
            hogging = true;
            for (int i = 0; i < hogs; i++) {
                Thread t = new Thread(this::hog, "hog" + i);
                t.setDaemon(true);
                t.start();
                hogThreads.add(t);
            }
        }

        private void hog() {
            while (hogging) Blackhole.consumeCPU(1_000);
        }

        @TearDown
        public void stopHogs() throws InterruptedException {
            hogging = false;
            for (Thread t : hogThreads) t.join();
            hogThreads.clear();
        }

        @Benchmark
        @Group("twoThreads")
        @GroupThreads(2)
        public void lockWorkUnlock() {
            lock.lock();
            counter++;
            Blackhole.consumeCPU(inside);
            lock.unlock();
            Blackhole.consumeCPU(outside);
        }
    }

    /** The default policy. */
    @Fork(1)
    public static class WakeAndBarge extends Contended {}

    /** Wake and barge with the fixed spin before parking (adaptive spinning off), for comparison only. */
    @Fork(value = 1, jvmArgsAppend = "-Dsmpnet.locking.mutex.spin=fixed")
    public static class FixedSpin extends Contended {}

    /** The old strict FIFO hand-off, for comparison only. */
    @Fork(value = 1, jvmArgsAppend = "-Dsmpnet.locking.mutex.handoff=always")
    public static class StrictHandOff extends Contended {}
}
