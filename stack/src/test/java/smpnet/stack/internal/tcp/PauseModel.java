package smpnet.stack.internal.tcp;

/**
 * The sequential specification of {@link SyncachePauseLincheckTest}, written after FreeBSD's
 * {@code syncache_pause}: a paused flag, the second the pause ends and the backoff, all under one mutex.
 * An overflow while paused does nothing; otherwise it pauses for 16 s, or for twice the last pause's length
 * (up to 2^6 times 16 s) when it comes within that length after the last pause ended.
 */
public class PauseModel {
    private boolean everPaused;
    private long until;
    private int backoff;

    public synchronized boolean overflow(int step) {
        long now = (long) step * SyncachePauseLincheckTest.STEP;
        if (everPaused && now < until) return false;
        long length = 16L << backoff;
        if (everPaused && now < until + length) {
            if (backoff < 6) {
                length *= 2;
                backoff++;
            }
        } else {
            length = 16;
            backoff = 0;
        }
        until = now + length;
        everPaused = true;
        return true;
    }

    public synchronized boolean paused(int step) { return everPaused && (long) step * SyncachePauseLincheckTest.STEP < until; }

    public synchronized String state() { return everPaused ? "until " + until + ", backoff " + backoff : "never"; }
}
