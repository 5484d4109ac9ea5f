package smpnet.sim.bench;

import smpnet.locking.Scheduler;
import smpnet.stack.mbuf.Mbuf;
import smpnet.stack.mbuf.MbufAllocator;
import smpnet.stack.dev.RxGenerator;

/**
 * The benchmark's frame source on each RX queue, and its application: before synthesising each batch, the
 * queue's ithread first receives everything its previous batch delivered to its flows' sockets. So each
 * socket is drained by the thread that delivered to it, on the same CPU, and the path from ring to
 * {@code receive} runs with no hand-off between threads (the shape of a run-to-completion benchmark: what
 * it measures is the stack's locking, not the scheduler's).
 *
 * <p>Between measured windows the gate is closed: each ithread, once it has received what its last batch
 * delivered, parks at the gate, so a paused workload is quiescent (nothing in flight, no CPU used).
 *
 * <p>Thread use: queue q's state (its counter lane and flow cursor) is touched only by queue q's ithread.
 */
final class BenchGenerator implements RxGenerator {
    /** Receives, on behalf of the application, what is waiting on the sockets of one queue's flows. */
    @FunctionalInterface
    interface QueueDrain {
        /** Receives every datagram waiting on queue {@code q}'s sockets; returns how many. */
        int drain(int q);
    }

    /** Ints between two queues' cursors: 128 bytes, two cache lines, against adjacent-line prefetch. */
    private static final int CURSOR_STRIDE = 32;

    private final FlowFrames frames;
    private final MbufAllocator allocator;
    private final int[][] flowsOfQueue;
    private final int[] cursor;
    private final LaneCounters generated;
    private final QueueDrain drain;
    private final RunGate gate;
    private final Scheduler scheduler = Scheduler.current();
    private volatile boolean stopping;

    /** {@code flowsOfQueue[q]} lists the flows (indexes into {@code frames}) RSS puts on queue q. */
    BenchGenerator(FlowFrames frames, MbufAllocator allocator, int[][] flowsOfQueue, QueueDrain drain, RunGate gate) {
        this.frames = frames;
        this.allocator = allocator;
        this.flowsOfQueue = flowsOfQueue;
        this.cursor = new int[(flowsOfQueue.length + 1) * CURSOR_STRIDE];
        this.generated = new LaneCounters(flowsOfQueue.length);
        this.drain = drain;
        this.gate = gate;
    }

    @Override
    public int fill(int q, Mbuf[] out, int off, int max) {
        drain.drain(q);
        gate.pass();
        if (stopping) return 0;
        int[] flows = flowsOfQueue[q];
        int c = cursor[(q + 1) * CURSOR_STRIDE];
        int n = 0;
        long now = scheduler.nanoTime();
        for (int spins = 0; n < max; ) {
            Mbuf m = frames.frame(allocator, flows[c], now);
            if (m == null) {
                // Every mbuf is in flight (on a socket not yet drained): receive, then try again.
                if (n > 0 || stopping) break;
                drain.drain(q);
                scheduler.spinWait(spins++);
                continue;
            }
            out[off + n++] = m;
            c = c + 1 == flows.length ? 0 : c + 1;
        }
        cursor[(q + 1) * CURSOR_STRIDE] = c;
        generated.add(q, n);
        return n;
    }

    /** Frames generated so far, all queues. */
    long generated() {
        return generated.sum();
    }

    /** Makes every queue's next {@link #fill} return 0, which ends its ithread (a paused one too). */
    void stop() {
        stopping = true;
        gate.open();
    }
}
