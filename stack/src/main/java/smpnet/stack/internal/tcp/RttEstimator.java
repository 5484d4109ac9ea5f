package smpnet.stack.internal.tcp;

/** The retransmission timeout (RFC 6298, FreeBSD's tcp_xmit_timer). Guarded by the connection's pcb lock. */
public final class RttEstimator {
    public static final long INITIAL_RTO_NANOS = 1_000_000_000L;
    public static final long MAX_RTO_NANOS = 64_000_000_000L;
    public static final long DEFAULT_REXMIT_MIN_NANOS = 30_000_000L;
    public static final long DEFAULT_REXMIT_SLOP_NANOS = 200_000_000L;
    /** The last backoff index (TCP_MAXRXTSHIFT). */
    public static final int MAX_RXT_SHIFT = 12;

    public RttEstimator(long rexmitMinNanos, long rexmitSlopNanos) { throw new UnsupportedOperationException(); }

    public void sample(long rttNanos) { throw new UnsupportedOperationException(); }

    public long rtoNanos() { throw new UnsupportedOperationException(); }

    public long backoffNanos(int shift) { throw new UnsupportedOperationException(); }

    public long synBackoffNanos(int shift) { throw new UnsupportedOperationException(); }

    public static int backoff(int shift) { throw new UnsupportedOperationException(); }

    public static int synBackoff(int shift) { throw new UnsupportedOperationException(); }

    public long srttNanos() { throw new UnsupportedOperationException(); }

    public long rttvarNanos() { throw new UnsupportedOperationException(); }

    public int samples() { throw new UnsupportedOperationException(); }

    public void reset() { throw new UnsupportedOperationException(); }
}
