package smpnet.labs.deadlock;

import java.util.List;

/**
 * A learning bridge's two paths that touch two ports: forwarding a frame from the port it came in on to the
 * port its destination is behind, and moving a station that showed up behind another port.
 *
 * <p>Each path holds both ports' locks at once, so the counters and station tables of the two ports change
 * together (a reader of both never sees a frame that came in but did not go out, or a station behind no
 * port). Two ports are always locked lower index first, by {@link #lockPair}, whatever the direction of the
 * frame or the move: with one order there is no cycle of waits. A path with one port (a hairpin) locks it
 * once.
 *
 * <p>Locking key: this class keeps no state of its own; each {@link Port}'s fields are guarded by its
 * {@code lock} (class "bridge_port", DUPOK; witness does not order two ports, {@link #lockPair} does).
 */
final class Bridge {
    private final List<Port> ports;

    Bridge(List<Port> ports) { this.ports = List.copyOf(ports); }

    /** A frame of {@code bytes} came in on port {@code from} and goes out of port {@code to}. */
    void forward(int from, int to, int bytes) {
        Port in = ports.get(from);
        Port out = ports.get(to);
        lockPair(in, out);
        try {
            in.inputLocked(bytes);
            out.outputLocked(bytes);
        } finally {
            unlockPair(in, out);
        }
    }

    /** Station {@code mac}, known behind port {@code from}, was seen behind port {@code to}. */
    void move(long mac, int from, int to) {
        Port old = ports.get(from);
        Port now = ports.get(to);
        old.lock.lock();
        try {
            now.lock.lock();
            try {
                if (old.forgetLocked(mac)) {
                    now.learnLocked(mac);
                }
            } finally {
                now.lock.unlock();
            }
        } finally {
            old.lock.unlock();
        }
    }

    /** Locks {@code a} and {@code b}, the lower index first; once if they are the same port. */
    private static void lockPair(Port a, Port b) {
        Port first = a.index <= b.index ? a : b;
        Port second = first == a ? b : a;
        first.lock.lock();
        if (second != first) {
            second.lock.lock();
        }
    }

    private static void unlockPair(Port a, Port b) {
        a.lock.unlock();
        if (b != a) {
            b.lock.unlock();
        }
    }
}
