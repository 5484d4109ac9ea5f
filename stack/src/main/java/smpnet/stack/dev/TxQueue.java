package smpnet.stack.dev;

import smpnet.stack.internal.stats.CpuCounters;
import smpnet.stack.locks.LockInventory;
import smpnet.stack.mbuf.Mbuf;

/**
 * One transmit queue of a NIC: a bounded ring ({@code ifq}) and the thread that plays the NIC's DMA engine,
 * taking frames off the ring in batches and putting them on the link with no lock held. A sender that finds
 * the queue idle may instead put its frame on a link that allows it itself ({@link SimNic#transmit}, with
 * {@link #claimIdle}); the thread then waits until that send is done, so frames leave in the order they came.
 *
 * <p>Locking key: the ring and flags are guarded by the queue's "txring" lock ({@link DriverQueue}).
 */
final class TxQueue extends DriverQueue {
    private final SimNic nic;
    /** Frames sent directly by their sending thread ({@link SimNic#transmit}), per CPU. */
    private final CpuCounters direct = new CpuCounters(1);

    TxQueue(SimNic nic, int index, int cpu, int ringSize, int batch) {
        super(index, cpu, ringSize, batch, nic.locks().mutex(LockInventory.TXRING));
        this.nic = nic;
    }

    void countDirect() { direct.increment(0); }

    long directCount() { return direct.sum(0); }

    @Override String threadName() { return nic.name() + "-tx" + index; }

    /** The transmit thread: the other end of {@link SimNic#transmit}'s enqueue. */
    @Override
    void drain() {
        Mbuf[] frames = new Mbuf[batch];
        int n;
        while ((n = takeBatch(frames, null)) >= 0) {
            for (int i = 0; i < n; i++) {
                Mbuf m = frames[i];
                frames[i] = null;
                nic.putOnLink(m, this, true);
            }
        }
    }
}
