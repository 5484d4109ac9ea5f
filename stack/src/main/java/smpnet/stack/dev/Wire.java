package smpnet.stack.dev;

import smpnet.stack.internal.stats.CpuCounters;
import smpnet.stack.mbuf.Mbuf;
import smpnet.stack.mbuf.MbufTransfer;

/**
 * A cable between two NICs, back to back: what one transmits the other receives, instantly and without
 * loss. A frame crossing moves into the peer host's memory ({@link MbufTransfer#COPY}, the default: each
 * host's allocator keeps its own mbufs) or is handed over ({@link MbufTransfer#HANDOFF}).
 *
 * <p><b>Flow control.</b> Without loss means a full RX ring of the peer drops nothing: as Ethernet's PAUSE
 * frames (IEEE 802.3x) hold a link partner while the receiver's FIFO is full, the wire reserves the
 * frame's slot on the peer's RX ring before it carries the frame, and a sender that finds the ring full
 * holds the frame back ({@link #pauses()} counts each time). The NIC's transmit thread, which holds no lock,
 * waits for the peer's interrupt thread to take a batch; a sending thread that calls the wire itself
 * holding its host's locks (direct transmit) never waits: the frame goes back to the head of its TX ring,
 * for the transmit thread. So the frames wait in the sender's TX ring, which, once full, drops and counts
 * as hardware does. Either way the wire takes only leaf locks of the peer (its allocator, an RX ring
 * lock), and only a thread holding no lock waits for the peer, so no thread holding a lock of one host
 * ever waits for a thread of another. Latency, loss and the rest belong to the simulator's links.
 */
public final class Wire {
    private final SimNic a;
    private final SimNic b;
    private final MbufTransfer transfer;
    private static final int A_TO_B = 0;
    private static final int B_TO_A = 1;
    private static final int COPY_FAILURES = 2;
    private static final int PAUSES = 3;
    /** How long a paused transmit thread waits for room before it checks whether its own queue stops. */
    private static final long PAUSE_SLICE_NANOS = 1_000_000;
    /** Per CPU: each direction is counted by its sender's thread, on the sender's CPU. */
    private final CpuCounters counts = new CpuCounters(4);

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

    /** The end of the wire that carries frames to {@code to}. */
    private Link end(SimNic to, int counter) {
        return new End(to, counter);
    }

    /**
     * One direction of the wire. Its delivery copies (or moves) the frame with M_NOWAIT into the peer's
     * allocator and puts it on a peer RX ring, taking only those leaf locks; from a direct sender it never
     * waits, so a sender may call it directly ({@link Link#callableFromSender()}).
     */
    final class End implements Link {
        private final SimNic to;
        private final int counter;

        private End(SimNic to, int counter) {
            this.to = to;
            this.counter = counter;
        }

        /** A caller outside a NIC (a test): as a transmit thread, which waits for room. */
        @Override
        public void deliver(Mbuf frame) {
            int hash = to.rssHashOf(frame);
            RxQueue q = to.rxQueueFor(hash);
            boolean reserved;
            do {
                reserved = q.reserve(PAUSE_SLICE_NANOS);
            } while (!reserved && !q.stopping());
            carryReserved(frame, q, reserved, hash);
        }

        @Override
        public boolean callableFromSender() {
            return true;
        }

        /**
         * Carries a frame of {@code from}'s TX queue {@code txq} (see the class comment). With {@code mayWait}
         * (the transmit thread, no lock held) waits while the peer's ring is full, giving up, the frame
         * dropped and counted on {@code txq}, if {@code txq} stops meanwhile; without it (a direct sender),
         * returns false at once, the frame untouched. True: the frame is gone (carried or dropped).
         */
        boolean carry(Mbuf frame, SimNic from, TxQueue txq, boolean mayWait) {
            int hash = to.rssHashOf(frame);
            RxQueue q = to.rxQueueFor(hash);
            boolean reserved = q.reserve(0);
            if (!reserved && !q.stopping()) {
                counts.increment(PAUSES);
                if (!mayWait) return false;
                while (!(reserved = q.reserve(PAUSE_SLICE_NANOS)) && !q.stopping()) {
                    if (txq.stopping()) {
                        txq.counters.drop();
                        frame.freeChain();
                        return true;
                    }
                }
            }
            from.sending(frame, txq.counters);
            carryReserved(frame, q, reserved, hash);
            return true;
        }

        /** Moves the frame to the peer and onto {@code q}: into its reserved slot, or (stopping) to be dropped there. */
        private void carryReserved(Mbuf frame, RxQueue q, boolean reserved, int hash) {
            Mbuf moved = transfer.transfer(frame, to.allocator(), Mbuf.M_NOWAIT);
            if (moved == null) {
                if (reserved) q.cancelReserved();
                counts.increment(COPY_FAILURES); // the peer's memory is exhausted: the frame is lost on the wire
                return;
            }
            counts.increment(counter);
            if (reserved) to.receiveReserved(q, moved, hash);
            else to.receive(moved); // the peer's queue is stopping: dropped and counted there
        }
    }

    /** Frames carried from a to b (handed to b's RX side, which may still drop them on a full ring). */
    public long carriedAtoB() { return counts.sum(A_TO_B); }

    public long carriedBtoA() { return counts.sum(B_TO_A); }

    /**
     * Times a sender found the peer's RX ring full and held its frame back (flow control, both directions);
     * none of those frames was lost.
     */
    public long pauses() { return counts.sum(PAUSES); }

    /** Frames lost because the receiving host had no memory for the copy. */
    public long copyFailures() { return counts.sum(COPY_FAILURES); }

    /** Disconnects both ends: later transmissions are errors of the sending NIC. */
    public void disconnect() {
        a.attachLink(null);
        b.attachLink(null);
    }
}
