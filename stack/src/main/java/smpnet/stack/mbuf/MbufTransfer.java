package smpnet.stack.mbuf;

/**
 * How a packet moves from one worker to another (Snabb's two kinds of inter-process link). The sending
 * worker calls {@link #transfer} and passes the result through a locked queue; the receiver owns it from
 * then on and frees it on its own CPU.
 */
public enum MbufTransfer {
    /**
     * Ownership moves: the same mbufs are passed on. The receiver's free returns them to the receiver's
     * CPU cache of the allocator they came from, so memory drifts between CPUs and comes back through the pool.
     */
    HANDOFF {
        @Override
        public Mbuf transfer(Mbuf m, MbufAllocator target, int how) {
            m.checkLive();
            return m;
        }
    },
    /**
     * The packet is copied into memory of {@code target} (the receiver's allocator) and the original freed at
     * once into the sender's own cache: each worker's memory stays its own, at the price of a copy.
     */
    COPY {
        @Override
        public Mbuf transfer(Mbuf m, MbufAllocator target, int how) {
            Mbuf copy = MbufOps.copyPacket(m, target, how);
            m.freeChain();
            return copy;
        }
    };

    /**
     * Prepares packet {@code m} (a whole chain, with header if it has one) for a receiver whose memory is
     * {@code target}. Returns the packet the receiver now owns, or null if a copy ran out of memory (the
     * original is freed either way for {@link #COPY}; the caller counts a drop).
     */
    public abstract Mbuf transfer(Mbuf m, MbufAllocator target, int how);
}
