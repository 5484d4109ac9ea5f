package smpnet.labs.deadlock;

import java.util.HashSet;
import java.util.Set;
import smpnet.locking.CondVar;
import smpnet.locking.GuardedBy;
import smpnet.locking.Mutex;
import smpnet.witness.LockFlags;

/**
 * One port of the lab's bridge: its counters and the stations (MAC addresses) learned behind it. Part of the
 * lab's bench: do not change it.
 *
 * <p>Every port's lock has the same lock class, {@code bridge_port}, flagged DUPOK: a thread may hold two
 * ports at once (a frame comes in on one and goes out on another), and witness does not order two locks of
 * one class. Which port to lock first is the code's business, as it is for FreeBSD's bridge and for any
 * structure whose locks are all alike.
 *
 * <p>Locking key: {@code inFrames}, {@code inBytes}, {@code outFrames}, {@code outBytes} and
 * {@code stations} are guarded by {@code lock} (class "bridge_port").
 */
final class Port {
    final int index;
    /** This port's lock: take it before calling any ...Locked method. */
    final Mutex lock = new Mutex("bridge_port", LockFlags.DUPOK);
    @GuardedBy("bridge_port") private long inFrames;
    @GuardedBy("bridge_port") private long inBytes;
    @GuardedBy("bridge_port") private long outFrames;
    @GuardedBy("bridge_port") private long outBytes;
    @GuardedBy("bridge_port") private final Set<Long> stations = new HashSet<>();
    /** Set by the grader before a run: a transmit on this port waits until it opens (the wire is busy). */
    private volatile Gate gate;

    Port(int index) { this.index = index; }

    /** Counts a frame of {@code bytes} received on this port. */
    void inputLocked(int bytes) {
        lock.assertOwned();
        inFrames++;
        inBytes += bytes;
    }

    /** Sends a frame of {@code bytes} out of this port and counts it. */
    void outputLocked(int bytes) {
        lock.assertOwned();
        Gate g = gate;
        if (g != null) {
            g.passThrough();
        }
        outFrames++;
        outBytes += bytes;
    }

    /** Records that station {@code mac} is behind this port. */
    void learnLocked(long mac) {
        lock.assertOwned();
        stations.add(mac);
    }

    /** Forgets station {@code mac}; false if it was not behind this port. */
    boolean forgetLocked(long mac) {
        lock.assertOwned();
        return stations.remove(mac);
    }

    /** "in F/B out F/B stations N", read under the port's lock. */
    String counters() {
        lock.lock();
        try {
            return "in " + inFrames + "/" + inBytes + " out " + outFrames + "/" + outBytes + " stations " + stations.size();
        } finally {
            lock.unlock();
        }
    }

    void setGate(Gate g) { gate = g; }

    @Override
    public String toString() { return "port " + index; }

    /**
     * A wire that is busy until the grader opens it: the first transmit waits there (holding whatever locks
     * the bridge holds around a transmit) and says it arrived. The wait is a scheduling point of the
     * deterministic scheduler, like every lock.
     *
     * <p>Locking key: {@code arrived} and {@code open} are guarded by {@code lock} (class "lab_gate").
     */
    static final class Gate {
        private final Mutex lock = new Mutex("lab_gate");
        private final CondVar changed = new CondVar("lab_gate_changed");
        @GuardedBy("lab_gate") private boolean arrived;
        @GuardedBy("lab_gate") private boolean open;

        void passThrough() {
            lock.lock();
            try {
                arrived = true;
                changed.broadcast();
                while (!open) {
                    changed.await(lock);
                }
            } finally {
                lock.unlock();
            }
        }

        /** Waits until a transmit is inside the gate. */
        void awaitArrival() {
            lock.lock();
            try {
                while (!arrived) {
                    changed.await(lock);
                }
            } finally {
                lock.unlock();
            }
        }

        void open() {
            lock.lock();
            try {
                open = true;
                changed.broadcast();
            } finally {
                lock.unlock();
            }
        }
    }
}
