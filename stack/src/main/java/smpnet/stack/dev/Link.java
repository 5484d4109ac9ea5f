package smpnet.stack.dev;

import smpnet.stack.mbuf.Mbuf;

/**
 * Where a NIC's transmit side puts frames: a wire to a peer NIC, or a simulated link. Called by the NIC's
 * transmit thread with no lock held; the link owns the frame from then on.
 */
@FunctionalInterface
public interface Link {
    void deliver(Mbuf frame);
}
