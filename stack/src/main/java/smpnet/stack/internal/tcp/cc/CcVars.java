package smpnet.stack.internal.tcp.cc;

import java.util.function.LongSupplier;

/**
 * The connection variables an algorithm reads and writes (FreeBSD's {@code struct cc_var} with the tcpcb
 * fields it reaches). Sequence numbers are 32-bit values in ints.
 *
 * <p>Locking: every field is guarded by the connection's pcb lock.
 */
public final class CcVars {
    public int cwnd;
    public int ssthresh;
    public int maxseg;
    public int sndUna;
    public int sndMax;
    public int sndWnd;
    public int recover;
    public boolean inFastRecovery;
    public boolean inCongRecovery;
    public long srttNanos;
    public int bytesThisAck;
    public int nsegs = 1;
    public boolean cwndLimited;
    public boolean abcSentAwnd;
    /** Bytes ACKed in congestion avoidance since the last full cwnd (FreeBSD t_bytes_acked). */
    public int bytesAcked;
    /** Values before the last RTO, for {@link CcAlgorithm.Signal#RTO_ERR}. */
    public int cwndPrev, ssthreshPrev, recoverPrev;
    public final LongSupplier nowNanos;
    CcState state;

    public CcVars(int maxseg, LongSupplier nowNanos) {
        throw new UnsupportedOperationException("not yet");
    }

    public CcState state() { return state; }

    /** Attaches {@code algo}: its new state replaces any previous one. */
    public void attach(CcAlgorithm algo) { throw new UnsupportedOperationException("not yet"); }
}
