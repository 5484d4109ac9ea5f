package smpnet.stack.dev;

import smpnet.stack.mbuf.Mbuf;

/**
 * A frame source that replaces an RX ring (as netmap's pkt-gen fills rings itself): the queue's ithread
 * asks it for frames instead of waiting for a wire, so a benchmark measures the stack, not a sender thread.
 */
public interface RxGenerator {
    /**
     * Fills {@code out[off..off+max)} with new frames for RX queue {@code queue} and returns how many; 0
     * means the generator is finished (the ithread then exits). Frames carry their flow hash in the packet
     * header. The batch starts at {@code off} because the ithread's batch array is padded in front: it is
     * written on every packet, and must not share a cache line with whatever lies before it.
     */
    int fill(int queue, Mbuf[] out, int off, int max);
}
