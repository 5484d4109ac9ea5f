package smpnet.sim.bench.plan;

/**
 * One benchmark configuration: what runs, on how many CPUs, through which path, with which payload size (the
 * UDP payload; for TCP, the request and reply of a connection, or the MSS of a bulk transfer), and whether
 * lock profiling is on (a profiled case is a window apart, after the measured ones: profiling slows the path).
 */
public record BenchCase(Subject subject, int cpus, int payload, boolean profiled, BenchPath path) {
    /** Smallest payload: it must hold the send timestamp and the flow number the receiver reads back. */
    public static final int MIN_PAYLOAD = 16;
    /** Largest payload that fits an Ethernet frame unfragmented (1500 - 20 - 8). */
    public static final int MAX_PAYLOAD = 1472;

    public BenchCase {
        if (cpus < 1) throw new IllegalArgumentException("cpus must be at least 1: " + cpus);
        if (path.isTcp() && subject == Subject.KERNEL) throw new IllegalArgumentException("the loopback baseline is UDP's");
        if (subject.isZeroCopy() && path != BenchPath.TCP_BULK) {
            throw new IllegalArgumentException("the zero-copy send is a bulk transfer's");
        }
        if (subject.isOffload() && path != BenchPath.TCP_BULK) {
            throw new IllegalArgumentException("the offload cases are a bulk transfer's");
        }
        if (!path.isTcp() && subject.isLinuxTcp()) throw new IllegalArgumentException("the veth baselines are TCP's");
        if (payload < MIN_PAYLOAD || payload > MAX_PAYLOAD) {
            throw new IllegalArgumentException("payload out of range: " + payload);
        }
    }

    /** A case of the UDP receive path. */
    public BenchCase(Subject subject, int cpus, int payload, boolean profiled) {
        this(subject, cpus, payload, profiled, BenchPath.UDP);
    }

    /** A short name for progress lines, e.g. {@code fine 2cpu 64B} or {@code fine 2cpu tcp-connect 64B}. */
    public String title() {
        return subject.label() + " " + cpus + "cpu " + (path.isTcp() ? path.label() + " " : "") + payload + "B"
                + (profiled ? " (profiled)" : "");
    }

    /** This case with lock profiling on or off. */
    public BenchCase profiled(boolean on) {
        return new BenchCase(subject, cpus, payload, on, path);
    }
}
