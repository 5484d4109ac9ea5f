package smpnet.stack.dev;

import smpnet.locking.WakeupBatch;
import smpnet.stack.internal.stats.CpuCounters;
import smpnet.stack.locks.LockInventory;
import smpnet.stack.mbuf.Mbuf;

/**
 * One transmit queue of a NIC: a bounded ring of descriptors, a software queue of packets in front of it
 * ({@link NicConfig#txSoftQueue()}, as iflib's {@code mp_ring}: a packet waits there while its descriptors
 * are not free) and the thread that plays the NIC's DMA engine, taking packets off the ring in batches and
 * putting their frames on the link with no lock held: an ordinary frame as it is, a TSO packet cut into
 * frames as it goes ({@link SimNic#sendEntry}), as TSO hardware segments while it transmits. A sender that
 * finds the queue idle may instead put its frame (or its TSO packet's frames) on a link that allows it
 * itself ({@link SimNic#transmit}, with {@link #claimIdle}); the thread then waits until that send is done,
 * so frames leave in the order they came.
 *
 * <p>Locking key: the ring and flags are guarded by the queue's "txring" lock ({@link DriverQueue}).
 */
final class TxQueue extends DriverQueue {
    private final SimNic nic;
    /** Frames sent directly by their sending thread ({@link SimNic#transmit}), per CPU. */
    private final CpuCounters direct = new CpuCounters(1);

    TxQueue(SimNic nic, int index, int cpu, int ringSize, int softQueue, int batch) {
        super(index, cpu, ringSize, softQueue, batch, nic.locks().mutex(LockInventory.TXRING));
        this.nic = nic;
    }

    void countDirect() { direct.increment(0); }

    long directCount() { return direct.sum(0); }

    @Override String threadName() { return nic.name() + "-tx" + index; }

    /** The transmit thread: the other end of {@link SimNic#transmit}'s enqueue. */
    @Override
    void drain() {
        Mbuf[] entries = new Mbuf[batch];
        int n;
        while ((n = takeBatch(entries, null)) >= 0) {
            // The receivers the batch's frames wake are unparked when the batch is out (or before this thread
            // waits for room on the link), as a NIC coalesces its interrupts: woken by the first frame, the
            // peer's ithread took the frames of a TSO packet a few at a time, and LRO merged as few.
            try (WakeupBatch wakeups = WakeupBatch.open()) {
                for (int i = 0; i < n; i++) {
                    Mbuf m = entries[i];
                    entries[i] = null;
                    nic.sendEntry(m, this);
                }
            }
        }
    }
}
