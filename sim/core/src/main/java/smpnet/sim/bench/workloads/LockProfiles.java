package smpnet.sim.bench.workloads;

import java.util.Comparator;
import java.util.List;
import smpnet.locking.LockProfiler;
import smpnet.sim.bench.results.LockContention;

/**
 * The benchmark's view of lock profiling. Profiled cases use the profiler's contended-only mode, in which an
 * uncontended acquisition costs one volatile read, so the profile shows where threads waited without the
 * profiler becoming the bottleneck itself; "acquisitions" then counts contended acquisitions only.
 */
final class LockProfiles {
    private LockProfiles() {}

    /** Starts profiling contended acquisitions in this JVM. */
    static void start() {
        LockProfiler.setMode(LockProfiler.Mode.CONTENDED);
    }

    /** Stops profiling (what was profiled stays readable). */
    static void stop() {
        LockProfiler.setMode(LockProfiler.Mode.OFF);
    }

    /** Forgets everything profiled so far (e.g. the warm-up). */
    static void reset() {
        LockProfiler.reset();
    }

    /** Per lock class since the last reset: most contended first, then most time waited. */
    static List<LockContention> snapshot() {
        return LockProfiler.byClass().stream()
                .map(s -> new LockContention(s.lockClass(), s.acquisitions(), s.contended(), s.waitTotal(), s.holdTotal()))
                .sorted(Comparator.comparingLong(LockContention::contended).reversed()
                        .thenComparing(Comparator.comparingLong(LockContention::waitNanos).reversed())
                        .thenComparing(LockContention::lockClass))
                .toList();
    }
}
