package smpnet.stack.internal.net;

import smpnet.locking.WakeupBatch;
import smpnet.stack.mbuf.Mbuf;

/**
 * Direct receive: a thread that sends frames over a wire to an idle host hands them up the receiver's stack
 * itself once its own output is done, instead of waking the receiving NIC's interrupt thread (the host's
 * {@code net.link.rx_direct}). Linux's veth runs the receiver's input in the sender's context (its softirq,
 * raised by the transmit and run when the sender re-enables bottom halves); FreeBSD's epair hands the frames
 * to a taskqueue. On one CPU each hand-off to an interrupt thread is a context switch there and back; on two,
 * the frames and the connection cross to the other core's caches and back for every batch.
 *
 * <p>The sender opens a region ({@link #open}) around a socket call's protocol output (where it sleeps
 * nowhere: a direct transmit never waits for room). While it is open, an RX ring with direct receive on that
 * the thread fills holds back the wake-up of its interrupt thread and is remembered here ({@link #holdBack},
 * under the ring's lock). The region's close drains each remembered ring the way its interrupt thread would:
 * it claims the ring if its thread is idle (no batch out, nobody else draining), takes batches and hands them
 * up ({@link Ring#drainDirect}), then gives the ring back, waking its thread if frames are left. What the
 * drained input sends (ACKs to the sender's own host, data an ACK let out) lands in other remembered rings,
 * drained in turn, until nothing is left or the region's budget of frames is spent: the exchange runs to
 * completion on the sender's CPU, as a softirq's does. Whatever is not drained is handed to the ring's thread
 * ({@link Ring#release}), so no frame waits for a region that has closed.
 *
 * <p>Order: a ring is drained by one thread at a time (its own, or one direct receiver), batch after batch in
 * ring order, so frames from one source stay in order, as with the interrupt thread alone.
 *
 * <p>Locks: the close runs where the caller holds no stack mutex and no Giant, only a socket call's sblock (a
 * sleepable lock the input path never takes): the socket layer drops Giant around a close that will drain
 * ({@link #willDrain}, {@code Socket.closeDirect}), since the drained host's input takes that host's Giant,
 * and a writer and a reader each holding their own host's would wait for each other. Thread use: one region
 * per thread (a thread-local), kept from its first use.
 */
public final class DirectReceive implements AutoCloseable {
    /** An RX ring that can be drained by a direct receiver. */
    public interface Ring {
        /**
         * Claims the ring if its thread is idle and hands up its frames, at most about {@code budget}; returns
         * how many were handed up (0 if the ring was busy or empty). Called with no ring lock held.
         */
        int drainDirect(DirectReceive region, int budget);

        /** After the region: wakes the ring's thread if frames are left on it that nobody drains. */
        void release();
    }

    /** Frames one region hands up at most before it leaves the rest to the rings' threads (NAPI's budget is 64 a poll). */
    public static final int BUDGET = 1024;

    private static final ThreadLocal<DirectReceive> CURRENT = ThreadLocal.withInitial(DirectReceive::new);

    private Ring[] pending = new Ring[4];
    private int count;
    private int depth;
    /** Scratch for the batches a ring's drain takes (sized by the ring). */
    private Mbuf[] frames = new Mbuf[0];
    private int[] tags = new int[0];
    private long drained;

    private DirectReceive() {}

    /** Opens the calling thread's region (or joins the one it has open). */
    public static DirectReceive open() {
        DirectReceive r = CURRENT.get();
        r.depth++;
        return r;
    }

    /**
     * Called by an RX ring with direct receive on, under its lock, where it would wake its thread: true if the
     * calling thread has a region open, which remembers the ring and drains it at its close (the wake-up is
     * then held back); false if the ring must wake its thread now.
     */
    public static boolean holdBack(Ring ring) {
        DirectReceive r = CURRENT.get();
        if (r.depth == 0) return false;
        for (int i = 0; i < r.count; i++) if (r.pending[i] == ring) return true;
        if (r.count == r.pending.length) r.pending = java.util.Arrays.copyOf(r.pending, 2 * r.count);
        r.pending[r.count++] = ring;
        return true;
    }

    /** Whether the next {@link #close} is the outermost and has rings to drain (the caller may prepare for it). */
    public boolean willDrain() {
        return depth == 1 && count > 0;
    }

    /** The region's scratch arrays for a batch of {@code n} frames. */
    public Mbuf[] frames(int n) {
        if (frames.length < n) {
            frames = new Mbuf[n];
            tags = new int[n];
        }
        return frames;
    }

    /** The tags beside {@link #frames}. */
    public int[] tags() { return tags; }

    /** Frames this thread's regions handed up, over its life (tests). */
    public static long drainedByCurrentThread() { return CURRENT.get().drained; }

    /**
     * Ends an open: the outermost drains the remembered rings, the region still open so that what their input
     * sends is remembered too, then releases what is left.
     */
    public void close() {
        if (depth <= 0) throw new IllegalStateException("a direct-receive region closed more often than opened");
        if (depth > 1 || count == 0) {
            depth--;
            return;
        }
        try (WakeupBatch wakeups = WakeupBatch.open()) {
            // each pass drains every ring remembered so far, those their input filled too, until a pass finds
            // nothing to hand up (the rings are empty, or their threads have them) or the budget is spent
            int budget = BUDGET;
            boolean progress = true;
            while (progress && budget > 0) {
                progress = false;
                for (int i = 0; i < count && budget > 0; i++) {
                    int n = pending[i].drainDirect(this, budget);
                    if (n > 0) progress = true;
                    budget -= n;
                    drained += n;
                }
            }
        } finally {
            depth = 0;
            for (int i = 0; i < count; i++) {
                Ring g = pending[i];
                pending[i] = null;
                g.release();
            }
            count = 0;
        }
    }
}
