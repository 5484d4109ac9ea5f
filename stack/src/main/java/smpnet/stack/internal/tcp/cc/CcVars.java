package smpnet.stack.internal.tcp.cc;

import java.util.function.LongSupplier;

/**
 * The connection variables a congestion-control algorithm reads and writes (FreeBSD's {@code struct cc_var}
 * together with the tcpcb fields it reaches through {@code CCV()}). Sequence numbers are 32-bit values held in
 * ints; windows are bytes.
 *
 * <p>Locking: every field is guarded by the connection's pcb lock ({@code inp}, or Giant in Giant mode); the
 * algorithms run with it held and keep no state of their own outside {@link #state()}.
 */
public final class CcVars {
    /** FreeBSD's TCP_MAXWIN << TCP_MAX_WINSHIFT: the initial ssthresh ("no limit yet"). */
    public static final int SSTHRESH_INFINITE = 65535 << 14;

    public int cwnd;
    public int ssthresh = SSTHRESH_INFINITE;
    /**
     * SMSS in bytes: the data a full segment carries, option bytes in every segment (timestamps) already taken
     * off, as FreeBSD's {@code tcp_maxseg()} gives the algorithms (1448 for an MSS of 1460 with timestamps).
     */
    public int maxseg;
    public int sndUna;
    public int sndNxt;
    public int sndMax;
    /** The peer's advertised window in bytes. */
    public int sndWnd;
    /** Our send window scale: cwnd never grows beyond 65535 << sndScale. */
    public int sndScale = 14;
    /** RFC 6582 "recover" (FreeBSD {@code snd_recover}). */
    public int recover;
    /** In fast recovery after duplicate ACKs (FreeBSD TF_FASTRECOVERY). */
    public boolean inFastRecovery;
    /** In congestion recovery (loss or ECN; FreeBSD TF_CONGRECOVERY). */
    public boolean inCongRecovery;
    /** Smoothed RTT in nanoseconds (0 until measured). */
    public long srttNanos;
    /** Bytes the current ACK acknowledged (FreeBSD {@code bytes_this_ack}). */
    public int bytesThisAck;
    /** Segments the current ACK stands for (more than 1 after LRO); ABC's L is per segment. */
    public int nsegs = 1;
    /** Whether cwnd (not the peer's window) limits sending (FreeBSD CCF_CWND_LIMITED). */
    public boolean cwndLimited;
    /** A whole cwnd has been ACKed in congestion avoidance (FreeBSD CCF_ABC_SENTAWND). */
    public boolean abcSentAwnd;
    /** Bytes ACKed in congestion avoidance since the last full cwnd (FreeBSD {@code t_bytes_acked}). */
    public int bytesAcked;
    /** Retransmission timeouts in a row (FreeBSD {@code t_rxtshift}); 1 at the first RTO. */
    public int rxtShift;
    /** The SACK-based pipe (RFC 6675) when the caller knows it, else -1 (then snd_max - snd_una is used). */
    public int pipe = -1;
    /** ABC's L (FreeBSD {@code net.inet.tcp.abc_l_var}, default 2). */
    public int abcL = 2;
    /** {@code net.inet.tcp.initcwnd_segments} (FreeBSD 14 default 10), for the restart window after idle. */
    public int initcwndSegments = CcAlgorithms.INITCWND_SEGMENTS;
    /** What the first RTO of a series found (FreeBSD's {@code snd_cwnd_prev} etc.), for RTO_ERR; null before. */
    public Saved beforeRto;
    /** The stack's clock (virtual in deterministic runs). */
    public final LongSupplier nowNanos;
    CcState state;

    public CcVars(int maxseg, LongSupplier nowNanos) {
        if (maxseg <= 0) throw new IllegalArgumentException("maxseg must be positive: " + maxseg);
        this.maxseg = maxseg;
        this.nowNanos = nowNanos;
    }

    /** The window state an RTO replaces, restored if the RTO proves spurious ({@link CcAlgorithm.Signal#RTO_ERR}). */
    public record Saved(int cwnd, int ssthresh, int recover, boolean inFastRecovery, boolean inCongRecovery) {}

    /** The attached algorithm's per-connection state. */
    public CcState state() { return state; }

    /** Attaches {@code algo}: its new state replaces any previous one (FreeBSD cb_init + conn_init). */
    public void attach(CcAlgorithm algo) { state = algo.newState(this); }

    /** Both recovery flags (FreeBSD IN_RECOVERY). */
    public boolean inRecovery() { return inFastRecovery || inCongRecovery; }

    /** The largest cwnd the window scale allows (FreeBSD TCP_MAXWIN << snd_scale). */
    public int maxCwnd() { return (int) Math.min(Integer.MAX_VALUE, 65535L << sndScale); }

    /** Bytes in flight for window reductions: the SACK pipe if known, else snd_max - snd_una. */
    public int flight() { return pipe >= 0 ? pipe : sndMax - sndUna; }
}
