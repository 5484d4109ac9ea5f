package smpnet.stack.dev;

import smpnet.stack.internal.stats.CpuCounters;
import smpnet.stack.mbuf.Mbuf;
import smpnet.stack.mbuf.MbufTransfer;

/**
 * A cable between two NICs, back to back: what one transmits the other receives, instantly and without
 * loss. A frame crossing moves into the peer host's memory ({@link MbufTransfer#COPY}, the default: each
 * host's allocator keeps its own mbufs) or is handed over ({@link MbufTransfer#HANDOFF}). The sending NIC's
 * transmit thread calls it with no lock held, or the sending thread itself holding its host's locks (direct
 * transmit): either way it takes only leaf locks of the peer (its allocator, an RX ring lock) and never
 * waits, so no thread holding a lock of one host ever waits for a thread of another. Latency, loss and the rest belong to the simulator's
 * links.
 */
public final class Wire {
    private final SimNic a;
    private final SimNic b;
    private final MbufTransfer transfer;
    private static final int A_TO_B = 0;
    private static final int B_TO_A = 1;
    private static final int COPY_FAILURES = 2;
    /** Per CPU: each direction is counted by its sender's transmit thread, on the sender's CPU. */
    private final CpuCounters counts = new CpuCounters(3);

    private Wire(SimNic a, SimNic b, MbufTransfer transfer) {
        this.a = a;
        this.b = b;
        this.transfer = transfer;
    }

    /** Connects {@code a} and {@code b}, copying frames into the receiving host's allocator. */
    public static Wire connect(SimNic a, SimNic b) { return connect(a, b, MbufTransfer.COPY); }

    public static Wire connect(SimNic a, SimNic b, MbufTransfer transfer) {
        SimNic.checkPluggable(a, b);
        Wire w = new Wire(a, b, transfer);
        a.attachLink(w.end(b, A_TO_B));
        b.attachLink(w.end(a, B_TO_A));
        return w;
    }

    /**
     * The end of the wire that carries frames to {@code to}. Its delivery copies (or moves) the frame with
     * M_NOWAIT into the peer's allocator and puts it on a peer RX ring, taking only those leaf locks and
     * never waiting: a sender may call it directly ({@link Link#callableFromSender()}).
     */
    private Link end(SimNic to, int counter) {
        return new Link() {
            @Override
            public void deliver(Mbuf frame) {
                carry(frame, to, counter);
            }

            @Override
            public boolean callableFromSender() {
                return true;
            }
        };
    }

    private void carry(Mbuf frame, SimNic to, int counter) {
        Mbuf moved = transfer.transfer(frame, to.allocator(), Mbuf.M_NOWAIT);
        if (moved == null) {
            counts.increment(COPY_FAILURES); // the peer's memory is exhausted: the frame is lost on the wire
            return;
        }
        counts.increment(counter);
        to.receive(moved);
    }

    /** Frames carried from a to b (handed to b's RX side, which may still drop them on a full ring). */
    public long carriedAtoB() { return counts.sum(A_TO_B); }

    public long carriedBtoA() { return counts.sum(B_TO_A); }

    /** Frames lost because the receiving host had no memory for the copy. */
    public long copyFailures() { return counts.sum(COPY_FAILURES); }

    /** Disconnects both ends: later transmissions are errors of the sending NIC. */
    public void disconnect() {
        a.attachLink(null);
        b.attachLink(null);
    }
}
