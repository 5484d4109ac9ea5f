package smpnet.sim.bench.results;

import java.lang.management.CompilationMXBean;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.util.List;

/**
 * What the JVM itself did over an interval: the JIT compilers' time (the whole JVM's, as
 * {@link CompilationMXBean#getTotalCompilationTime()} counts it: a compilation adds its time when it ends), and
 * the garbage collections with their time (every {@link GarbageCollectorMXBean}'s, summed). Taken as
 * {@link #now() totals} and subtracted.
 *
 * @param compileMillis JIT compilation time, ms (0 where the JVM does not count it)
 * @param gcs           garbage collections
 * @param gcMillis      their accumulated time, ms
 */
public record JvmActivity(long compileMillis, long gcs, long gcMillis) {
    /** Nothing done, or nothing known (a window reported without these figures). */
    public static final JvmActivity NONE = new JvmActivity(0, 0, 0);

    private static final CompilationMXBean JIT = ManagementFactory.getCompilationMXBean();
    /** Looked up once: a lookup builds lists and names, code the JIT would compile in the windows it measures. */
    private static final List<GarbageCollectorMXBean> GCS = ManagementFactory.getGarbageCollectorMXBeans();

    /** The JVM's totals so far. */
    public static JvmActivity now() {
        long compile = JIT != null && JIT.isCompilationTimeMonitoringSupported() ? JIT.getTotalCompilationTime() : 0;
        long count = 0;
        long time = 0;
        for (GarbageCollectorMXBean gc : GCS) {
            count += Math.max(0, gc.getCollectionCount());
            time += Math.max(0, gc.getCollectionTime());
        }
        return new JvmActivity(compile, count, time);
    }

    /** What was done from {@code earlier}'s totals to these. */
    public JvmActivity minus(JvmActivity earlier) {
        return new JvmActivity(compileMillis - earlier.compileMillis, gcs - earlier.gcs, gcMillis - earlier.gcMillis);
    }

    /** The sum of two intervals' activity. */
    public JvmActivity plus(JvmActivity other) {
        return new JvmActivity(compileMillis + other.compileMillis, gcs + other.gcs, gcMillis + other.gcMillis);
    }
}
