package smpnet.bench.mbuf;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import smpnet.locking.Scheduler;
import smpnet.stack.mbuf.Mbuf;
import smpnet.stack.mbuf.MbufAllocator;

/**
 * Whole-mbuf get + free ({@code getHeader}, then {@code free}) on 1 or 2 scheduler workers, each bound to its
 * own CPU as netisr workers are: per-CPU caches ({@code cached}) against caching off ({@code global}). JMH's
 * own threads are not scheduler workers (they would get CPUs by hash and might share one), so the work runs
 * on workers and one invocation is a batch of {@link #BATCH} get+free pairs split between them.
 */
@State(Scope.Benchmark)
public class MbufWorkersBench extends MbufBenchSettings {
    static final int BATCH = 4096;

    @Param({"cached", "global"})
    public String mode;

    @Param({"1", "2"})
    public int workers;

    private MbufAllocator allocator;
    private final AtomicLong round = new AtomicLong();
    private final AtomicInteger finished = new AtomicInteger();
    private volatile boolean stop;
    private Thread[] threads;

    @Setup(Level.Trial)
    public void start() {
        allocator = new MbufAllocator(MbufAllocator.Config.defaults("bench").withCpus(workers)
                .withBucketSize(mode.equals("cached") ? 32 : 0).withTracking(false));
        threads = new Thread[workers];
        for (int cpu = 0; cpu < workers; cpu++) {
            threads[cpu] = Scheduler.current().startWorker("bench" + cpu, cpu, () -> work(BATCH / workers));
        }
    }

    @TearDown(Level.Trial)
    public void stop() throws InterruptedException {
        stop = true;
        for (Thread t : threads) t.join();
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public int batch() {
        finished.set(0);
        round.incrementAndGet();
        for (int i = 0; finished.get() < workers; i++) Scheduler.current().spinWait(i);
        return finished.get();
    }

    private void work(int pairs) {
        long done = 0;
        int idle = 0;
        while (!stop) {
            if (round.get() == done) {
                Scheduler.current().spinWait(idle++);
                continue;
            }
            idle = 0;
            done++;
            for (int i = 0; i < pairs; i++) allocator.getHeader(Mbuf.M_NOWAIT).free();
            finished.incrementAndGet();
        }
    }
}
