package smpnet.sim.servers;

import java.util.Locale;

/** How the server serves its connections. */
public enum ServerModel {
    /** An accept loop and a platform thread per connection, blocking reads and writes. */
    THREAD_PER_CONNECTION("thread-per-connection"),
    /**
     * A fixed pool of platform threads fed by a poller thread: the poller waits on an event queue and hands
     * each readable connection to the pool, whose thread reads the request and writes the reply with
     * blocking calls, then hands the connection back (a reactor with a worker pool).
     */
    FIXED_POOL("fixed-pool"),
    /** One thread, non-blocking sockets, waiting on an event queue for readable and writable ones. */
    EVENT_LOOP("event-loop"),
    /** An accept loop and a virtual thread per connection, blocking reads and writes. */
    VIRTUAL_THREADS("virtual-threads");

    private final String label;

    ServerModel(String label) { this.label = label; }

    /** The model's name on the command line and in reports, e.g. {@code event-loop}. */
    public String label() { return label; }

    /** The model named {@code label}; an {@link IllegalArgumentException} listing the names otherwise. */
    public static ServerModel of(String label) {
        for (ServerModel m : values()) if (m.label.equals(label.toLowerCase(Locale.ROOT))) return m;
        throw new IllegalArgumentException("no server model '" + label + "' (models: "
                + String.join(", ", java.util.Arrays.stream(values()).map(ServerModel::label).toList()) + ")");
    }
}
