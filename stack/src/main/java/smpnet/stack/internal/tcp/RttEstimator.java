package smpnet.stack.internal.tcp;

/**
 * The retransmission timeout of one connection, as FreeBSD 14 computes it ({@code tcp_xmit_timer},
 * {@code TCP_REXMTVAL}, {@code TCPT_RANGESET}, {@code tcp_timer_rexmt}), in nanoseconds instead of ticks:
 * <ul>
 *   <li>before any sample the timeout is the initial one, 1 s (net.inet.tcp.rexmit_initial; RFC 6298 2.1);</li>
 *   <li>the first sample R sets SRTT = R and RTTVAR = R/2; later ones RTTVAR = 3/4 RTTVAR + 1/4 |SRTT - R|,
 *       then SRTT = 7/8 SRTT + 1/8 R (RFC 6298 2.2, 2.3);</li>
 *   <li>the timeout is then max(rexmit_min, SRTT + 4 RTTVAR) + rexmit_slop, at least max(rexmit_min, R + 2 ms)
 *       (FreeBSD's floor of two ticks at 1000 Hz above the sample) and at most 64 s;</li>
 *   <li>after the n-th timeout, the next is max(rexmit_min, SRTT + 4 RTTVAR) * tcp_backoff[n] + rexmit_slop
 *       ({@link #backoffNanos}), or for a SYN 1 s * tcp_backoff[n] + rexmit_slop ({@link #synBackoffNanos}),
 *       each within [rexmit_min, 64 s].</li>
 * </ul>
 * rexmit_slop (200 ms by default) is why FreeBSD's smallest timeout on a fast path is about 230 ms, not
 * RFC 6298's 1 s minimum and not the 200 ms of older BSDs.
 *
 * <p>Not thread-safe: guarded by the connection's pcb lock ({@code inp}, or Giant in Giant mode).
 */
public final class RttEstimator {
    public static final long INITIAL_RTO_NANOS = 1_000_000_000L;
    /** TCPTV_REXMTMAX. */
    public static final long MAX_RTO_NANOS = 64_000_000_000L;
    /** net.inet.tcp.rexmit_min's default. */
    public static final long DEFAULT_REXMIT_MIN_NANOS = 30_000_000L;
    /** net.inet.tcp.rexmit_slop's default. */
    public static final long DEFAULT_REXMIT_SLOP_NANOS = 200_000_000L;
    /** The largest backoff index (TCP_MAXRXTSHIFT): the connection is dropped after this many timeouts. */
    public static final int MAX_RXT_SHIFT = 12;
    /** After more timeouts than this the estimate is dropped (TCP_RTT_INVALIDATE = TCP_MAXRXTSHIFT / 4). */
    public static final int RTT_INVALIDATE_SHIFT = MAX_RXT_SHIFT / 4;
    /** Two ticks of FreeBSD's 1000 Hz clock: the timeout never drops below the last sample plus this. */
    private static final long TWO_TICKS_NANOS = 2_000_000L;
    private static final int[] BACKOFF = {1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 512, 512, 512};
    /** tcp_totbackoff: the sum of tcp_backoff over every shift (2559). */
    public static final int TOTAL_BACKOFF = java.util.Arrays.stream(BACKOFF).sum();

    private final long rexmitMin;
    private final long rexmitSlop;
    private long srtt;
    private long rttvar;
    private long rto;
    private int samples;

    /** An estimator with the host's net.inet.tcp.rexmit_min and rexmit_slop, in nanoseconds. */
    public RttEstimator(long rexmitMinNanos, long rexmitSlopNanos) {
        if (rexmitMinNanos < 0 || rexmitSlopNanos < 0) throw new IllegalArgumentException("negative rexmit_min or rexmit_slop");
        this.rexmitMin = rexmitMinNanos;
        this.rexmitSlop = rexmitSlopNanos;
        reset();
    }

    /** Forgets every sample: the state of a new connection (SRTT 0, RTTVAR 1/4 s, timeout 1 s). */
    public void reset() {
        srtt = 0;
        rttvar = INITIAL_RTO_NANOS / 4;
        rto = INITIAL_RTO_NANOS;
        samples = 0;
    }

    /** Takes one round-trip measurement (never of a retransmitted segment: Karn's rule is the caller's). */
    public void sample(long rttNanos) {
        long r = Math.max(0, rttNanos);
        if (srtt != 0) {
            long delta = r - srtt;
            srtt = Math.max(1, srtt + delta / 8);
            rttvar = Math.max(1, rttvar + (Math.abs(delta) - rttvar) / 4);
        } else {
            srtt = Math.max(1, r);
            rttvar = r / 2;
        }
        samples++;
        rto = range(rexmtval() + rexmitSlop, Math.max(rexmitMin, r + TWO_TICKS_NANOS));
    }

    /**
     * Drops the estimate: the next {@link #sample} is taken as a first one. tcp_xmit_timer does this to a
     * sample that ends a backoff of more than {@link #RTT_INVALIDATE_SHIFT} timeouts. SRTT moves into RTTVAR,
     * so a timeout computed before that sample stays as long.
     */
    public void invalidate() {
        rttvar += srtt;
        srtt = 0;
    }

    /** The current timeout (t_rxtcur): for the first transmission of a segment. */
    public long rtoNanos() { return rto; }

    /** The timeout after the {@code shift}-th consecutive timeout (1 for the first retransmission). */
    public long backoffNanos(int shift) {
        return range(rexmtval() * backoff(shift) + rexmitSlop, rexmitMin);
    }

    /** As {@link #backoffNanos} for a SYN or SYN-ACK: FreeBSD 14 starts from the initial 1 s, not the estimate. */
    public long synBackoffNanos(int shift) {
        return range(INITIAL_RTO_NANOS * backoff(shift) + rexmitSlop, rexmitMin);
    }

    /**
     * tcp_setpersist's interval: (4 SRTT + 8 RTTVAR) * tcp_backoff[shift] + rexmit_slop, within [min, max]
     * (TCPT_RANGESET adds the slop before clamping). Before any sample SRTT is 0 and RTTVAR 1/4 s: 2 s.
     */
    public long persistNanos(int shift, long minNanos, long maxNanos) {
        long v = (4 * srtt + 8 * rttvar) * backoff(shift) + rexmitSlop;
        return Math.min(Math.max(v, minNanos), maxNanos);
    }

    /** FreeBSD's tcp_backoff[shift]: 1, 2, 4, ... 512, then 512 up to {@link #MAX_RXT_SHIFT}. */
    public static int backoff(int shift) {
        if (shift < 0 || shift > MAX_RXT_SHIFT) throw new IllegalArgumentException("backoff index " + shift);
        return BACKOFF[shift];
    }

    /** SRTT, 0 before the first sample (and after {@link #invalidate}). */
    public long srttNanos() { return srtt; }

    public long rttvarNanos() { return rttvar; }

    /** Samples taken since the last {@link #reset} (FreeBSD's t_rttupdated). */
    public int samples() { return samples; }

    /** TCP_REXMTVAL in whole milliseconds (FreeBSD's ticks at hz 1000), as tcp_timer_persist multiplies it. */
    public long rexmtvalTicksNanos() { return rexmtval() / 1_000_000L * 1_000_000L; }

    /** TCP_REXMTVAL: max(rexmit_min, SRTT + 4 RTTVAR). */
    private long rexmtval() { return Math.max(rexmitMin, srtt + 4 * rttvar); }

    /** TCPT_RANGESET's clamp (the slop is already added): within [min, 64 s]. */
    private static long range(long v, long min) { return Math.min(Math.max(v, min), MAX_RTO_NANOS); }
}
