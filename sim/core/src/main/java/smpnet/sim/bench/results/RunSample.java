package smpnet.sim.bench.results;

/**
 * One measured run of a case: the packets of its interval, its wall time, and the CPU time the whole
 * child process used in it (so {@link #cpuUse()} of 2.0 means two cores busy all along).
 */
public record RunSample(Tally tally, long wallNanos, long cpuNanos) {
    public RunSample {
        if (wallNanos <= 0) throw new IllegalArgumentException("wall time must be positive: " + wallNanos);
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
}
