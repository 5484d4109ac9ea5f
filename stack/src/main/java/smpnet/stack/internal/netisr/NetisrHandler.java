package smpnet.stack.internal.netisr;

import smpnet.stack.mbuf.Mbuf;

/**
 * A protocol's input routine. It is called with no lock held and must return with none; it owns the
 * packet (frees it, queues it to a socket, or passes it on).
 */
@FunctionalInterface
public interface NetisrHandler {
    void handle(Mbuf packet);
}
