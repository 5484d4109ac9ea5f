package smpnet.sim.bench.plan;

/**
 * One benchmark configuration: what runs, on how many CPUs, with which UDP payload size, and whether lock
 * profiling is on (a profiled case is a window apart, after the measured ones: profiling slows the path).
 */
public record BenchCase(Subject subject, int cpus, int payload, boolean profiled) {
    /** Smallest payload: it must hold the send timestamp and the flow number the receiver reads back. */
    public static final int MIN_PAYLOAD = 16;
    /** Largest payload that fits an Ethernet frame unfragmented (1500 - 20 - 8). */
    public static final int MAX_PAYLOAD = 1472;

    public BenchCase {
        if (cpus < 1) throw new IllegalArgumentException("cpus must be at least 1: " + cpus);
        if (payload < MIN_PAYLOAD || payload > MAX_PAYLOAD) {
            throw new IllegalArgumentException("payload out of range: " + payload);
        }
    }

    /** A short name for progress lines, e.g. {@code fine 2cpu 64B}. */
    public String title() {
        return subject.label() + " " + cpus + "cpu " + payload + "B" + (profiled ? " (profiled)" : "");
    }
}
