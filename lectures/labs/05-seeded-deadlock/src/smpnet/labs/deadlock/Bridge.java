package smpnet.labs.deadlock;

import java.util.List;

/**
 * A learning bridge's two paths that touch two ports: forwarding a frame from the port it came in on to the
 * port its destination is behind, and moving a station that showed up behind another port.
 *
 * <p>Each path holds both ports' locks at once, so the counters and station tables of the two ports change
 * together (a reader of both never sees a frame that came in but did not go out, or a station behind no
 * port).
 *
 * <p>Locking key: this class keeps no state of its own; each {@link Port}'s fields are guarded by its
 * {@code lock} (class "bridge_port", DUPOK).
 */
final class Bridge {
    private final List<Port> ports;

    Bridge(List<Port> ports) { this.ports = List.copyOf(ports); }

    /** A frame of {@code bytes} came in on port {@code from} and goes out of port {@code to}. */
    void forward(int from, int to, int bytes) {
        Port in = ports.get(from);
        Port out = ports.get(to);
        in.lock.lock();
        try {
            out.lock.lock();
            try {
                in.inputLocked(bytes);
                out.outputLocked(bytes);
            } finally {
                out.lock.unlock();
            }
        } finally {
            in.lock.unlock();
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
}
