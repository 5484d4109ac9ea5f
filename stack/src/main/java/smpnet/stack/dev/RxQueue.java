package smpnet.stack.dev;

import smpnet.locking.CacheLinePadded;
import smpnet.stack.locks.LockInventory;
import smpnet.stack.internal.trace.PacketProbe;
import smpnet.stack.mbuf.Mbuf;
import smpnet.stack.mbuf.PacketHeader;
import smpnet.stack.internal.net.Ifnet;

/**
 * One receive queue of a NIC: a bounded ring the wire fills (tagged with each frame's RSS hash), and the
 * interrupt thread that drains it in batches, stamps each frame's packet header with its source id
 * (interface, queue) and flow hash, and hands the batch up with the ring lock released, as drivers drop
 * their lock before {@code if_input}: {@link Ifnet#inputBatch}. With a {@link RxGenerator} the ithread
 * synthesises its frames instead.
 *
 * <p>Locking key: the ring and flags are guarded by the queue's "rxring" lock ({@link DriverQueue}).
 * {@code stopRequested} is volatile: a generator loop reads it per batch without taking the ring lock.
 */
final class RxQueue extends DriverQueue {
    private final Ifnet ifp;
    private final String threadName;
    private volatile boolean stopRequested;
    private volatile RxGenerator generator;

    RxQueue(Ifnet ifp, int index, int cpu, int ringSize, int batch) {
        super(index, cpu, ringSize, batch, ifp.locks().mutex(LockInventory.RXRING));
        this.ifp = ifp;
        this.threadName = ifp.name() + "-rx" + index;
    }

    void setGenerator(RxGenerator g) { generator = g; }

    @Override String threadName() { return threadName; }

    @Override void stopRequested() { stopRequested = true; }

    @Override
    void drain() {
        RxGenerator g = generator;
        if (g != null) generatorLoop(g);
        else ringLoop();
    }

    /** The ithread: the other end of {@link SimNic#receive} and {@link Loopback#transmit}'s enqueue. */
    private void ringLoop() {
        Mbuf[] frames = new Mbuf[batch];
        int[] flows = new int[batch];
        int n;
        while ((n = takeBatch(frames, flows)) >= 0) {
            for (int i = 0; i < n; i++) stamp(frames[i], flows[i]);
            ifp.inputBatch(frames, 0, n, counters, threadName);
        }
    }

    private void generatorLoop(RxGenerator g) {
        int pad = CacheLinePadded.PADDING_REFS; // written per packet: cold slots before and after the batch
        Mbuf[] frames = new Mbuf[pad + batch + pad];
        while (!stopRequested) {
            int n = g.fill(index, frames, pad, batch);
            if (n <= 0) return;
            for (int i = pad; i < pad + n; i++) stamp(frames[i], frames[i].pkthdr().flowId());
            ifp.inputBatch(frames, pad, n, counters, threadName);
        }
    }

    private void stamp(Mbuf m, int flow) {
        PacketProbe.hop(PacketProbe.Hop.DRIVER_INPUT, m, ifp);
        PacketHeader h = m.pkthdr();
        h.setSourceId(ifp.sourceId(index)).setFlow(flow, PacketHeader.HASH_OPAQUE);
    }
}
