package smpnet.stack.dev;

import smpnet.stack.mbuf.Mbuf;

/**
 * Where a NIC's transmit side puts frames: a wire to a peer NIC, or a simulated link. Called by the NIC's
 * transmit thread with no lock held, or, for a link that allows it, by the sending thread itself (direct
 * transmit, {@link SimNic#transmit}); the link owns the frame from then on.
 */
@FunctionalInterface
public interface Link {
    void deliver(Mbuf frame);

    /**
     * Whether a sending thread may call {@link #deliver} itself while it holds its host's locks (any of
     * them, Giant included, in an interrupt or netisr context too): only a link whose delivery never waits
     * and takes no lock but leaves of the receiving host (its allocator, an RX ring lock) may say yes, as
     * {@link Wire} does. False by default: the transmit thread delivers, with no lock held.
     */
    default boolean callableFromSender() { return false; }
}
