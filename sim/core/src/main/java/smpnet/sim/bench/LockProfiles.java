package smpnet.sim.bench;

import java.util.List;

/** The benchmark's view of the locking module's lock profiling: reset it, and read per-class contention. */
final class LockProfiles {
    private LockProfiles() {}

    /** Whether profiling is available and on in this JVM. */
    static boolean enabled() {
        return false;
    }

    /** Forgets everything profiled so far (e.g. the warm-up). */
    static void reset() {}

    /** Lock classes seen since the last reset, most contended first. */
    static List<LockContention> snapshot() {
        return List.of();
    }
}
