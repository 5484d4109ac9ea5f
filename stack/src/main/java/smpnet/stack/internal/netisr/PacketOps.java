package smpnet.stack.internal.netisr;

/** What netisr's engine needs to know about a packet type: its ordering keys, and how to drop one. */
interface PacketOps<P> {
    /** The (interface, RX queue) source id the driver stamped on the packet. */
    int sourceId(P packet);

    /** The flow hash (RSS) the driver stamped on the packet. */
    int flowId(P packet);

    /** Frees a packet netisr refused (queue full, no handler, stopped). */
    void drop(P packet);

    /** A protocol's input routine over this packet type. */
    @FunctionalInterface
    interface Handler<P> {
        void handle(P packet);
    }
}
