package smpnet.stack.internal.netisr;

/**
 * Counters of one netisr worker (or their sum), as {@code netstat -Q} shows them.
 *
 * @param queued   packets accepted into the worker's queue (deferred dispatch)
 * @param handled  packets whose handler ran, directly or from the queue
 * @param direct   of those, packets run in the dispatching thread (direct or hybrid dispatch)
 * @param dropped  packets refused because the queue was full (freed)
 * @param maxDepth the most packets the queue ever held
 * @param depth    packets in the queue now
 */
public record NetisrStats(long queued, long handled, long direct, long dropped, int maxDepth, int depth) {
    /** The sum of two workers' counters (max depth is the larger). */
    public NetisrStats plus(NetisrStats o) {
        return new NetisrStats(queued + o.queued, handled + o.handled, direct + o.direct, dropped + o.dropped,
                Math.max(maxDepth, o.maxDepth), depth + o.depth);
    }

    public static final NetisrStats ZERO = new NetisrStats(0, 0, 0, 0, 0, 0);
}
