package smpnet.stack.internal.ether;

import smpnet.stack.mbuf.Mbuf;

/**
 * What the protocols need of a network interface's driver: its name, MAC, MTU, and a transmit routine
 * (if_transmit). The stack adapts each interface it is given to this, so the protocol code does not
 * depend on how NICs are simulated.
 */
public interface EtherLink {
    String name();

    /** The interface's MAC address in the low 48 bits (0 for a link without one, like loopback). */
    long mac();

    /** Largest IP packet the link carries (1500 on Ethernet). */
    int mtu();

    /**
     * Queues a complete frame for transmission and takes ownership of it. The caller may hold protocol
     * locks: the driver's ring lock is a leaf below all of them. Returns false if the frame was dropped
     * (ring full: counted by the driver).
     */
    boolean transmit(Mbuf frame);
}
