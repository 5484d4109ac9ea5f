package smpnet.labs.deadlock;

import java.util.List;
import smpnet.locking.Mutex;

/**
 * A learning bridge's two paths that touch two ports, under one bridge-wide lock taken before any port:
 * with a single outer lock no two threads ever hold ports at the same time, so no cycle of waits can form.
 *
 * <p>Locking key: {@code bridge} is taken before any port's lock; each {@link Port}'s fields are guarded by
 * its {@code lock} (class "bridge_port", DUPOK).
 */
final class Bridge {
    private final List<Port> ports;
    private final Mutex bridge = new Mutex("bridge");

    Bridge(List<Port> ports) { this.ports = List.copyOf(ports); }

    /** A frame of {@code bytes} came in on port {@code from} and goes out of port {@code to}. */
    void forward(int from, int to, int bytes) {
        Port in = ports.get(from);
        Port out = ports.get(to);
        bridge.lock();
        try {
            in.lock.lock();
            if (out != in) {
                out.lock.lock();
            }
            try {
                in.inputLocked(bytes);
                out.outputLocked(bytes);
            } finally {
                in.lock.unlock();
                if (out != in) {
                    out.lock.unlock();
                }
            }
        } finally {
            bridge.unlock();
        }
    }

    /** Station {@code mac}, known behind port {@code from}, was seen behind port {@code to}. */
    void move(long mac, int from, int to) {
        Port old = ports.get(from);
        Port now = ports.get(to);
        bridge.lock();
        try {
            old.lock.lock();
            if (now != old) {
                now.lock.lock();
            }
            try {
                if (old.forgetLocked(mac)) {
                    now.learnLocked(mac);
                }
            } finally {
                old.lock.unlock();
                if (now != old) {
                    now.lock.unlock();
                }
            }
        } finally {
            bridge.unlock();
        }
    }
}
