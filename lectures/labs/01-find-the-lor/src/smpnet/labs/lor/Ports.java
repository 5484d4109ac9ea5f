package smpnet.labs.lor;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import smpnet.locking.GuardedBy;
import smpnet.locking.Mutex;

/**
 * The host's port table: which endpoint receives what arrives on a port (a much smaller cousin of the
 * stack's pcb table). Delivery looks the endpoint up under the table's lock and locks the endpoint before it
 * lets the table go, so the endpoint cannot be closed in between.
 *
 * <p>Locking key: {@code endpoints} is guarded by {@code lock} (class "ports").
 */
public final class Ports {
    private final Mutex lock = new Mutex("ports");
    @GuardedBy("ports")
    private final Map<Integer, Endpoint> endpoints = new TreeMap<>();
    private final Stats stats;

    public Ports(Stats stats) { this.stats = stats; }

    /** Opens an endpoint on {@code port} that keeps at most {@code limit} messages. */
    public Endpoint open(int port, int limit) {
        Endpoint e = new Endpoint(port, limit, stats);
        lock.lock();
        try {
            if (endpoints.putIfAbsent(port, e) != null) {
                throw new IllegalArgumentException("port " + port + " is in use");
            }
        } finally {
            lock.unlock();
        }
        return e;
    }

    /** Hands {@code message} to the endpoint of {@code port}; false if no endpoint is open there. */
    public boolean deliver(int port, String message) {
        lock.lock();
        Endpoint e = endpoints.get(port);
        if (e == null) {
            lock.unlock();
            stats.countNoPort();
            return false;
        }
        e.lock();           // ports -> endpoint: the endpoint stays open while we append
        lock.unlock();
        try {
            e.appendLocked(message);
        } finally {
            e.unlock();
        }
        return true;
    }

    /** How many endpoints are open. */
    @GuardedBy("ports")
    int sizeLocked() {
        lock.assertOwned();
        return endpoints.size();
    }

    /** The open ports, in order. */
    public List<Integer> ports() {
        lock.lock();
        try {
            return new ArrayList<>(endpoints.keySet());
        } finally {
            lock.unlock();
        }
    }

    Mutex lock() { return lock; }
}
