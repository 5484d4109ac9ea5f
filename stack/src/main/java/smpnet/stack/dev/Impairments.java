package smpnet.stack.dev;

import java.time.Duration;

/**
 * What an {@link ImpairedLink} does to the frames of one direction (the knobs of Linux's netem, which this
 * kernel lacks): a fixed latency plus a uniform jitter, a bandwidth whose serialization delay queues frames
 * in a bounded queue that drops at its tail, and independent chances of loss, reordering (the frame is held
 * back by {@code reorderDelay} so later frames overtake it), duplication and corruption (one bit flipped).
 * Jitter alone never reorders: a frame not chosen for reordering arrives no earlier than the one before it.
 * {@link #NONE} is the plain {@link Wire}'s behaviour.
 *
 * @param bitsPerSecond 0 for no bandwidth limit (no serialization delay, no queue)
 * @param queueFrames   frames that may wait for the line, besides the one being serialized
 */
public record Impairments(Duration latency, Duration jitter, long bitsPerSecond, int queueFrames, double loss,
                          double reorder, Duration reorderDelay, double duplicate, double corrupt) {

    public static final Impairments NONE = new Impairments(Duration.ZERO, Duration.ZERO, 0, 0, 0, 0, Duration.ZERO, 0, 0);

    public Impairments {
        if (latency.isNegative() || jitter.isNegative() || reorderDelay.isNegative()) {
            throw new IllegalArgumentException("latency, jitter and reorder delay must not be negative");
        }
        if (bitsPerSecond < 0 || queueFrames < 0) throw new IllegalArgumentException("bandwidth and queue must not be negative");
        for (double p : new double[] {loss, reorder, duplicate, corrupt}) {
            if (!(p >= 0 && p <= 1)) throw new IllegalArgumentException("a probability must be in [0, 1], not " + p);
        }
    }

    public Impairments withLatency(Duration latency, Duration jitter) {
        return new Impairments(latency, jitter, bitsPerSecond, queueFrames, loss, reorder, reorderDelay, duplicate, corrupt);
    }

    public Impairments withBandwidth(long bitsPerSecond, int queueFrames) {
        return new Impairments(latency, jitter, bitsPerSecond, queueFrames, loss, reorder, reorderDelay, duplicate, corrupt);
    }

    public Impairments withLoss(double p) {
        return new Impairments(latency, jitter, bitsPerSecond, queueFrames, p, reorder, reorderDelay, duplicate, corrupt);
    }

    public Impairments withReorder(double p, Duration delay) {
        return new Impairments(latency, jitter, bitsPerSecond, queueFrames, loss, p, delay, duplicate, corrupt);
    }

    public Impairments withDuplicate(double p) {
        return new Impairments(latency, jitter, bitsPerSecond, queueFrames, loss, reorder, reorderDelay, p, corrupt);
    }

    public Impairments withCorrupt(double p) {
        return new Impairments(latency, jitter, bitsPerSecond, queueFrames, loss, reorder, reorderDelay, duplicate, p);
    }

    /** Nanoseconds the line needs to put {@code bytes} on the wire; 0 without a bandwidth limit. */
    long serializationNanos(int bytes) {
        return bitsPerSecond == 0 ? 0 : Math.ceilDiv(bytes * 8L * 1_000_000_000L, bitsPerSecond);
    }
}
