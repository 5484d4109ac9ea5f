package smpnet.sim.bench.results;

/**
 * One measured run of a case: the packets of its interval, its wall time, the CPU time the whole child
 * process used in it (so {@link #cpuUse()} of 2.0 means two cores busy all along), what the JVM's JIT and
 * collector did in it, and how many windows were measured before it and dropped because the JIT compiled
 * more than {@link #QUIET_JIT_MILLIS} ms in them ({@code workloads.CaseRunner}).
 */
public record RunSample(Tally tally, long wallNanos, long cpuNanos, JvmActivity jvm, int measuredAgain) {
    /**
     * The most JIT compilation time (ms) a window may hold and count as measuring compiled code, as a
     * warm-up's slice may to count as quiet: beyond it the code may have been replaced mid-window.
     */
    public static final long QUIET_JIT_MILLIS = 10;
    /** The most windows measured again, one after another, because the JIT compiled in them. */
    public static final int MEASURE_AGAIN_MAX = 2;

    public RunSample {
        if (wallNanos <= 0) throw new IllegalArgumentException("wall time must be positive: " + wallNanos);
        if (measuredAgain < 0) throw new IllegalArgumentException("windows measured again: " + measuredAgain);
    }

    /** A run without JVM figures, measured once. */
    public RunSample(Tally tally, long wallNanos, long cpuNanos) {
        this(tally, wallNanos, cpuNanos, JvmActivity.NONE, 0);
    }

    /** Datagrams received by the application per second of wall time. */
    public double packetsPerSecond() {
        return tally.received() * 1e9 / wallNanos;
    }

    /**
     * Datagrams received per second of the process's CPU time: the path's cost, which other work on a
     * shared machine disturbs much less than the rate. 0 if no CPU time was measured.
     */
    public double packetsPerCpuSecond() {
        return cpuNanos == 0 ? 0 : tally.received() * 1e9 / cpuNanos;
    }

    /** Process CPU time over wall time: cores kept busy on average. */
    public double cpuUse() {
        return (double) cpuNanos / wallNanos;
    }

    /**
     * Whether the JIT compiled more than {@link #QUIET_JIT_MILLIS} ms in this window, so that its rate may
     * measure compilation, or code that was replaced while it ran: a window kept so after it was measured
     * again as often as allowed is flagged in the report.
     */
    public boolean jitBusy() {
        return jvm.compileMillis() > QUIET_JIT_MILLIS;
    }

    /**
     * Whether a window in which the JIT compiled {@code compileMillis} ms, after {@code measuredAgain} windows
     * measured again already (at most {@code most}), is measured again: beyond {@link #QUIET_JIT_MILLIS}, while
     * fewer than {@code most} were.
     */
    public static boolean measureAgain(long compileMillis, int measuredAgain, int most) {
        return compileMillis > QUIET_JIT_MILLIS && measuredAgain < most;
    }
}
