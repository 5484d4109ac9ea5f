package smpnet.labs.lor;

import java.util.ArrayDeque;
import java.util.List;
import smpnet.locking.GuardedBy;
import smpnet.locking.Mutex;

/**
 * One receiving endpoint: a bounded queue of messages. A message that finds the queue full is dropped and
 * counted in the host's statistics.
 *
 * <p>Locking key: {@code queue} is guarded by {@code lock} (class "endpoint").
 */
public final class Endpoint {
    private final int port;
    private final int limit;
    private final Stats stats;
    private final Mutex lock = new Mutex("endpoint");
    @GuardedBy("endpoint")
    private final ArrayDeque<String> queue = new ArrayDeque<>();

    Endpoint(int port, int limit, Stats stats) {
        this.port = port;
        this.limit = limit;
        this.stats = stats;
    }

    public int port() { return port; }

    void lock() { lock.lock(); }

    void unlock() { lock.unlock(); }

    /** Queues {@code message}, or drops it if the queue is full. */
    @GuardedBy("endpoint")
    void appendLocked(String message) {
        lock.assertOwned();
        if (queue.size() < limit) {
            queue.add(message);
            stats.countDelivered();
        } else {
            stats.countDrop();     // endpoint -> stats
        }
    }

    /** Takes every queued message. */
    public List<String> drain() {
        lock.lock();
        try {
            List<String> out = List.copyOf(queue);
            queue.clear();
            return out;
        } finally {
            lock.unlock();
        }
    }
}
