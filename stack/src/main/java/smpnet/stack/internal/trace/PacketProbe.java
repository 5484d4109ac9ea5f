package smpnet.stack.internal.trace;

/**
 * Where a received packet is on its way up, for a tracer that follows packets across threads: the NIC's
 * ring (filled by the link's thread), the driver's input (the ithread), the netisr queue, protocol input (a
 * netisr worker, or the ithread on direct dispatch), the socket buffer, and the application's receive. The
 * packet is named by its head mbuf, which stays the same object from the ring to the socket buffer.
 *
 * <p>Off unless a {@link Sink} is installed: each hop then costs one volatile read. The sink is called on
 * the thread where the hop happens, possibly with locks held: it must be quick and take no stack lock.
 */
public final class PacketProbe {
    /** A place on the receive path. */
    public enum Hop {
        NIC_RING("nic ring"),
        DRIVER_INPUT("driver input"),
        NETISR_QUEUE("netisr queue"),
        PROTOCOL_INPUT("protocol input"),
        SOCKET_BUFFER("socket buffer"),
        RECEIVE("receive");

        private final String label;

        Hop(String label) { this.label = label; }

        /** The hop's name in a trace. */
        public String label() { return label; }
    }

    /** Hears of every hop while installed. */
    @FunctionalInterface
    public interface Sink {
        /**
         * {@code packet} reached {@code hop}; {@code where} says where: the receiving interface (NIC ring,
         * driver input), the netisr protocol (netisr queue, protocol input), or a name.
         */
        void hop(Hop hop, Object packet, Object where);
    }

    private static volatile Sink sink;

    private PacketProbe() {}

    /** Installs {@code s} (null: off). One sink at a time: a trace is one per JVM. */
    public static void install(Sink s) { sink = s; }

    /** Reports a hop to the installed sink, if any. */
    public static void hop(Hop hop, Object packet, Object where) {
        Sink s = sink;
        if (s != null) s.hop(hop, packet, where);
    }
}
