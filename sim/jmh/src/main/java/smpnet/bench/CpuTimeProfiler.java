package smpnet.bench;

import java.lang.management.ManagementFactory;
import java.util.Collection;
import java.util.List;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.profile.InternalProfiler;
import org.openjdk.jmh.results.AggregationPolicy;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.ScalarResult;

/**
 * CPU time per operation, as a secondary result ({@code cpu.time.norm}, ns/op): the benchmark JVM's CPU
 * time over each iteration divided by the operations measured. On a machine shared with other work, wall
 * time per operation includes the time the benchmark thread waited for a CPU; CPU time mostly does not, so
 * this figure stays comparable between variants when the machine is loaded (caches and shared cores still
 * leak some of the load in). It counts every thread of the JVM (the JIT and GC too), so it is meant for
 * single-threaded benchmarks after warm-up. Use: {@code -prof smpnet.bench.CpuTimeProfiler}.
 */
public final class CpuTimeProfiler implements InternalProfiler {
    private long start;

    @Override
    public String getDescription() { return "CPU time of the benchmark JVM per operation"; }

    @Override
    public void beforeIteration(BenchmarkParams benchmark, IterationParams iteration) {
        start = processCpuNanos();
    }

    @Override
    public Collection<? extends Result> afterIteration(BenchmarkParams benchmark, IterationParams iteration,
                                                       IterationResult result) {
        long spent = processCpuNanos() - start;
        long ops = result.getMetadata().getMeasuredOps();
        if (ops <= 0 || spent < 0) return List.of();
        return List.of(new ScalarResult("cpu.time.norm", (double) spent / ops, "ns/op", AggregationPolicy.AVG));
    }

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }
}
