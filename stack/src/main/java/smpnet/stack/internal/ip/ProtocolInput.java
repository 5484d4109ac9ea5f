package smpnet.stack.internal.ip;

import smpnet.stack.mbuf.Mbuf;

/** A transport protocol's input routine, called by IP with no lock held (pr_input). */
@FunctionalInterface
public interface ProtocolInput {
    /**
     * Handles a packet for this host: {@code m} still starts with the IP header of {@code hlen} bytes and
     * holds exactly the datagram (total length). Takes ownership.
     */
    void input(Mbuf m, int hlen, int src, int dst);
}
