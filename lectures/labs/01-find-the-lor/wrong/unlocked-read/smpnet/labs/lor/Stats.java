package smpnet.labs.lor;

import smpnet.locking.GuardedBy;
import smpnet.locking.Mutex;

/**
 * The host's statistics, like netstat's: counters any path may bump, and a report that a monitoring
 * thread prints now and then, which also says how many ports are open.
 *
 * <p>Locking key: the counters are guarded by {@code lock} (class "stats").
 */
public final class Stats {
    private final Mutex lock = new Mutex("stats");
    @GuardedBy("stats")
    private long delivered;
    @GuardedBy("stats")
    private long dropped;
    @GuardedBy("stats")
    private long noPort;
    private Ports ports;

    /** The table whose size the report prints (set once, before any thread reports). */
    public void attach(Ports p) { this.ports = p; }

    void countDelivered() {
        lock.lock();
        delivered++;
        lock.unlock();
    }

    void countDrop() {
        lock.lock();
        dropped++;
        lock.unlock();
    }

    void countNoPort() {
        lock.lock();
        noPort++;
        lock.unlock();
    }

    /** One line of counters, with the number of open ports. Counting the ports is only a read. */
    public String report() {
        lock.lock();
        try {
            return "delivered " + delivered + ", dropped " + dropped + ", no port " + noPort
                    + ", open ports " + ports.sizeLocked();
        } finally {
            lock.unlock();
        }
    }
}
