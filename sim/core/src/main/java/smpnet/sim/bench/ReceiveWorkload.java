package smpnet.sim.bench;

import org.HdrHistogram.Histogram;

/**
 * A running receive path under measurement: started once, sampled between measured runs, stopped once.
 * Implementations count every packet they generate, receive or drop (see {@link Tally}).
 */
public interface ReceiveWorkload extends AutoCloseable {

    /** Starts generating and receiving. */
    void start() throws Exception;

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
