package smpnet.stack.internal.tcp;

import smpnet.stack.mbuf.Mbuf;

/**
 * The receive side's out-of-order queue (FreeBSD's {@code tcp_reass}): segments that arrive beyond
 * {@code rcv_nxt} wait here, overlaps trimmed so that data already queued is never overwritten, until the hole
 * at {@code rcv_nxt} is filled and the in-order prefix can be appended to the socket buffer.
 *
 * <p>Locking: not thread-safe. Every method runs under the connection's pcb lock ({@code inp} in fine mode,
 * Giant in Giant mode), held by the caller, so it needs no lock of its own (and no Lincheck test).
 */
public final class TcpReassemblyQueue {
    /** Returned by {@link #add} when the queue's limits made it drop the segment. */
    public static final int DROPPED = -1;

    /** In-order data taken off the queue: {@code data} (null if only a FIN), its length, the new rcv_nxt. */
    public record Delivery(Mbuf data, int length, int rcvNxt, boolean fin) {}

    /** A queue holding at most {@code maxSegments} segments and {@code maxBytes} bytes. */
    public TcpReassemblyQueue(int maxSegments, int maxBytes) {
        throw new UnsupportedOperationException("not yet");
    }

    /**
     * Queues a segment of {@code data} (may be null or empty if {@code fin} alone) starting at {@code seq}.
     * The queue owns {@code data} afterwards (stored, trimmed or freed). Returns the number of new bytes stored,
     * or {@link #DROPPED} if the limits dropped it.
     */
    public int add(int seq, Mbuf data, boolean fin, int rcvNxt) {
        throw new UnsupportedOperationException("not yet");
    }

    /** Takes the in-order prefix starting at {@code rcvNxt}, or returns null if there is none. */
    public Delivery pullInOrder(int rcvNxt) {
        throw new UnsupportedOperationException("not yet");
    }

    /** SACK blocks (start, end pairs) per RFC 2018 section 4, at most {@code max} blocks. */
    public int[] sackBlocks(int rcvNxt, int max) {
        throw new UnsupportedOperationException("not yet");
    }

    /** As {@link #sackBlocks(int, int)}, with the block containing {@code lastSeqReceived} first. */
    public int[] sackBlocks(int rcvNxt, int lastSeqReceived, int max) {
        throw new UnsupportedOperationException("not yet");
    }

    public boolean isEmpty() { throw new UnsupportedOperationException("not yet"); }

    public int segments() { throw new UnsupportedOperationException("not yet"); }

    public int bytes() { throw new UnsupportedOperationException("not yet"); }

    /** Segments dropped because of the limits. */
    public long drops() { throw new UnsupportedOperationException("not yet"); }

    /** Frees every queued mbuf. */
    public void drain() { throw new UnsupportedOperationException("not yet"); }
}
