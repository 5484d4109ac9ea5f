package smpnet.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.profile.InternalProfiler;
import org.openjdk.jmh.results.AggregationPolicy;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.ScalarResult;

/**
 * CPU time per operation, as two secondary results (ns/op): {@code cpu.time.norm}, the benchmark JVM's CPU
 * time over each iteration divided by the operations measured, and {@code thread.cpu.time.norm}, the CPU
 * time of JMH's worker threads alone (those that run the benchmark method) over the same operations. On a
 * machine shared with other work, wall time per operation includes the time the benchmark thread waited for
 * a CPU; CPU time does not, so these figures stay comparable between variants when the machine is loaded
 * (caches and shared cores still leak some of the load in). The JVM's figure also counts the JIT and the GC;
 * the workers' figure counts neither, so it is the one to compare for single-threaded benchmarks after
 * warm-up. Use: {@code -prof smpnet.bench.CpuTimeProfiler}.
 */
public final class CpuTimeProfiler implements InternalProfiler {
    /** JMH names its worker threads {@code <benchmark>-jmh-worker-<n>}. */
    private static final String WORKER = "-jmh-worker-";
    private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    private long start;
    private Map<Long, Long> workersAtStart = Map.of();

    @Override
    public String getDescription() { return "CPU time of the benchmark JVM and of its worker threads per operation"; }

    @Override
    public void beforeIteration(BenchmarkParams benchmark, IterationParams iteration) {
        workersAtStart = workerCpuNanos();
        start = processCpuNanos();
    }

    @Override
    public Collection<? extends Result> afterIteration(BenchmarkParams benchmark, IterationParams iteration,
                                                       IterationResult result) {
        long spent = processCpuNanos() - start;
        Map<Long, Long> workersNow = workerCpuNanos();
        long ops = result.getMetadata().getMeasuredOps();
        if (ops <= 0 || spent < 0) return List.of();
        List<Result> out = new ArrayList<>(2);
        out.add(new ScalarResult("cpu.time.norm", (double) spent / ops, "ns/op", AggregationPolicy.AVG));
        long workers = 0;
        for (Map.Entry<Long, Long> e : workersNow.entrySet()) {
            workers += e.getValue() - workersAtStart.getOrDefault(e.getKey(), 0L);
        }
        if (workers > 0) {
            out.add(new ScalarResult("thread.cpu.time.norm", (double) workers / ops, "ns/op", AggregationPolicy.AVG));
        }
        return out;
    }

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    /** CPU time of every live JMH worker thread, by thread id. */
    private Map<Long, Long> workerCpuNanos() {
        Map<Long, Long> out = new HashMap<>();
        if (!threads.isThreadCpuTimeSupported()) return out;
        for (ThreadInfo t : threads.getThreadInfo(threads.getAllThreadIds())) {
            if (t != null && t.getThreadName().contains(WORKER)) {
                long cpu = threads.getThreadCpuTime(t.getThreadId());
                if (cpu >= 0) out.put(t.getThreadId(), cpu);
            }
        }
        return out;
    }
}
