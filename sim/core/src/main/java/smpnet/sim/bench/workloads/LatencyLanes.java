package smpnet.sim.bench.workloads;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.SingleWriterRecorder;
import smpnet.locking.GuardedBy;

/**
 * The receiving side's measurements: per receiving thread (lane), a count of datagrams received and a
 * latency recorder, so receivers never share a cache line. Latency is the time from the send timestamp the
 * generator wrote into the payload to the application's receive, both read from the same clock.
 *
 * <p>Locking key: each lane has one writer (its receiving thread) and needs no lock: its counter is
 * published with opaque writes and its recorder is single-writer by design. Readers of the interval
 * histograms are serialised by this object's monitor.
 */
final class LatencyLanes {
    private final LaneCounters received;
    private final SingleWriterRecorder[] recorders;
    @GuardedBy("this") private final Histogram total = new Histogram(3);

    LatencyLanes(int lanes) {
        received = new LaneCounters(lanes);
        recorders = new SingleWriterRecorder[lanes];
        for (int i = 0; i < lanes; i++) recorders[i] = new SingleWriterRecorder(3);
    }

    /**
     * Every how many datagrams a lane records one latency: enough samples for p99 over any window, and the
     * recorders (whose objects the collector may place next to another lane's) are written rarely.
     */
    static final int SAMPLE_EVERY = 16;

    /** Counts one datagram received by {@code lane} and records its latency (clamped at zero). */
    void received(int lane, long sentNanos, long nowNanos) {
        received.add(lane, 1);
        recorders[lane].recordValue(Math.max(0, nowNanos - sentNanos));
    }

    /**
     * Counts one datagram received by {@code lane}; true if its latency is to be sampled, which the caller
     * then does with {@link #sample}, reading the clock only for those.
     */
    boolean countAndSample(int lane) {
        long n = received.get(lane);
        received.add(lane, 1);
        return n % SAMPLE_EVERY == 0;
    }

    /** Records one sampled latency of {@code lane} (clamped at zero). */
    void sample(int lane, long sentNanos, long nowNanos) {
        recorders[lane].recordValue(Math.max(0, nowNanos - sentNanos));
    }

    long received() {
        return received.sum();
    }

    /** The latencies recorded since the previous call, all lanes merged into a new histogram. */
    synchronized Histogram takeInterval() {
        total.reset();
        for (SingleWriterRecorder r : recorders) total.add(r.getIntervalHistogram());
        return total.copy();
    }
}
