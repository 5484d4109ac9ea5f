package smpnet.labs.percpu;

import smpnet.locking.GuardedBy;
import smpnet.locking.Mutex;

/**
 * A statistics counter every packet bumps (packets received, say) and a monitoring thread reads now and
 * then.
 *
 * <p>As handed out it is one word under one mutex: every CPU that counts a packet takes the same lock and
 * writes the same cache line. Your job (README.md) is to make it per-CPU, as the stack's counters are.
 *
 * <p>Locking key: {@code value} is guarded by {@code lock} (class "hot_counter").
 */
final class HotCounter implements Counter {
    private final Mutex lock = new Mutex("hot_counter");
    @GuardedBy("hot_counter") private long value;

    @Override
    public void add(long delta) {
        lock.lock();
        try {
            value += delta;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public long sum() {
        lock.lock();
        try {
            return value;
        } finally {
            lock.unlock();
        }
    }
}
