package smpnet.stack.dev;

import smpnet.stack.locks.LockInventory;
import smpnet.stack.mbuf.Mbuf;

/**
 * One transmit queue of a NIC: a bounded ring ({@code ifq}) and the thread that plays the NIC's DMA engine,
 * taking frames off the ring in batches and putting them on the link with no lock held. That thread is why
 * a sender holding its host's protocol locks never takes a lock of the peer host: it only takes this
 * host's txring, a leaf.
 *
 * <p>Locking key: the ring and flags are guarded by the queue's "txring" lock ({@link DriverQueue}).
 */
final class TxQueue extends DriverQueue {
    private final SimNic nic;

    TxQueue(SimNic nic, int index, int cpu, int ringSize, int batch) {
        super(index, cpu, ringSize, batch, nic.locks().mutex(LockInventory.TXRING));
        this.nic = nic;
    }

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
                nic.putOnLink(m, counters);
            }
        }
    }
}
