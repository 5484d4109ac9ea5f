package smpnet.sim.bench.workloads;

import org.HdrHistogram.Histogram;
import smpnet.sim.bench.results.Tally;

/**
 * A running receive path under measurement: started once (paused), resumed for each warm-up or measured
 * window and paused after it, sampled around each window, stopped once. Implementations count every packet
 * they generate, receive or drop (see {@link Tally}).
 */
public interface ReceiveWorkload extends AutoCloseable {

    /** Starts the workload's threads, paused: nothing is generated before {@link #resume}. */
    void start() throws Exception;

    /** Lets the load generators run. */
    void resume();

    /**
     * Stops the load generators and waits until the workload is quiescent: every generating thread parked,
     * using no CPU, so another process can be measured on the same cores.
     */
    void pause();

    /** The accounting so far (not a consistent snapshot while running; exact once stopped). */
    Tally tally();

    /** Latencies (nanoseconds) of the datagrams received since the previous call. */
    Histogram takeLatency();

    /**
     * Stops generating, then lets every packet in flight be received or counted as dropped, waiting at
     * most {@code settleNanos}; returns the final accounting.
     */
    Tally stop(long settleNanos) throws Exception;

    /** Releases threads and resources; safe after {@link #stop} or instead of it. */
    @Override
    void close();
}
