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

    /**
     * One line of counters, with the number of open ports, all read at one instant. The order is ports,
     * then stats, as on the delivery path (ports -> endpoint -> stats): taking stats first and ports second
     * closed the cycle stats -> ports -> endpoint -> stats, which three threads (a reporter, a deliverer
     * between ports and endpoint, a deliverer counting under its endpoint) could deadlock on. Another fix:
     * read the port count under ports alone, then the counters under stats alone; the line is then no
     * longer one instant, which statistics can live with.
     */
    public String report() {
        ports.lock().lock();
        try {
            lock.lock();
            try {
                return "delivered " + delivered + ", dropped " + dropped + ", no port " + noPort
                        + ", open ports " + ports.sizeLocked();
            } finally {
                lock.unlock();
            }
        } finally {
            ports.lock().unlock();
        }
    }
}
