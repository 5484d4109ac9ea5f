package smpnet.stack.internal.tcp;

/**
 * The sender's SACK scoreboard (RFC 6675, FreeBSD's {@code tcp_sack.c}).
 *
 * <p>Locking: not thread-safe; every method runs under the connection's pcb lock held by the caller.
 */
public final class SackScoreboard {
    /** RFC 6675 DupThresh. */
    public static final int DUP_THRESH = 3;

    /** Which rule of RFC 6675's NextSeg() chose a segment. */
    public enum Rule { LOST_HOLE, NEW_DATA, UNSACKED_HOLE, RESCUE }

    /** A segment NextSeg() chose: {@code len} bytes from {@code seq}. */
    public record Segment(int seq, int len, Rule rule) {}

    public SackScoreboard(int smss) { throw new UnsupportedOperationException("not yet"); }

    public void setSmss(int smss) { throw new UnsupportedOperationException("not yet"); }

    /** Updates from an ACK: cumulative {@code sndUna}, {@code blocks} (start, end pairs). Returns new SACKed bytes. */
    public int update(int sndUna, int sndMax, int[] blocks) { throw new UnsupportedOperationException("not yet"); }

    /** Starts loss recovery: HighRxt = sndUna, RescueRxt undefined, RecoveryPoint = {@code recoveryPoint}. */
    public void enterRecovery(int sndUna, int recoveryPoint) { throw new UnsupportedOperationException("not yet"); }

    public boolean isLost(int seq) { throw new UnsupportedOperationException("not yet"); }

    /** RFC 6675 NextSeg(); {@code sendLimit} is the sequence number after the last byte that may be sent new. */
    public Segment nextSeg(int sndUna, int sndNxt, int sendLimit) { throw new UnsupportedOperationException("not yet"); }

    /** Records that {@code s} (from {@link #nextSeg}) was sent. */
    public void sent(Segment s) { throw new UnsupportedOperationException("not yet"); }

    /** RFC 6675 SetPipe(). */
    public int pipe(int sndUna, int sndNxt) { throw new UnsupportedOperationException("not yet"); }

    public void clear() { throw new UnsupportedOperationException("not yet"); }

    public int holes() { throw new UnsupportedOperationException("not yet"); }

    public int sackedBytes() { throw new UnsupportedOperationException("not yet"); }

    public boolean isEmpty() { throw new UnsupportedOperationException("not yet"); }

    /** The highest SACKed sequence number (end of the highest block); meaningless if empty. */
    public int highestSacked() { throw new UnsupportedOperationException("not yet"); }

    public int highRxt() { throw new UnsupportedOperationException("not yet"); }

    /** SACKed blocks in sequence order, as start, end pairs. */
    public int[] blocks() { throw new UnsupportedOperationException("not yet"); }
}
