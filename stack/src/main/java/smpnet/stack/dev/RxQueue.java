package smpnet.stack.dev;

import smpnet.locking.CacheLinePadded;
import smpnet.stack.locks.LockInventory;
import smpnet.stack.internal.trace.PacketProbe;
import smpnet.stack.mbuf.Mbuf;
import smpnet.stack.mbuf.PacketHeader;
import smpnet.stack.internal.net.DirectReceive;
import smpnet.stack.internal.net.Ifnet;
import smpnet.stack.internal.net.TcpLro;

/**
 * One receive queue of a NIC: a bounded ring the wire fills (tagged with each frame's RSS hash), and the
 * interrupt thread that drains it in batches, stamps each frame's packet header with its source id
 * (interface, queue) and flow hash, and hands the batch up with the ring lock released, as drivers drop
 * their lock before {@code if_input}: {@link Ifnet#inputBatch}. With a {@link RxGenerator} the ithread
 * synthesises its frames instead.
 *
 * <p>With large receive offload on ({@link SimNic#setLro}), the batch goes up through the queue's own
 * {@link TcpLro}, which merges in-order TCP segments of a flow before IP sees them.
 *
 * <p>Locking key: the ring and flags are guarded by the queue's "rxring" lock ({@link DriverQueue}).
 * {@code stopRequested}, {@code lroOn} and {@code receiveDirect} are volatile: read once per batch (or put)
 * without taking the ring lock. {@code lro} is used by whichever thread holds the ring's batches: the ithread,
 * or a direct receiver under its claim, while the ithread waits (the claim's hand-off through the ring lock
 * orders their uses). It holds no frame between batches, so turning LRO off or on between two batches is
 * safe; its counters may be read by any thread.
 */
final class RxQueue extends DriverQueue implements DirectReceive.Ring {
    private final Ifnet ifp;
    private final String threadName;
    private volatile boolean stopRequested;
    private volatile RxGenerator generator;
    private volatile boolean lroOn;
    /** Direct receive (the host's {@code net.link.rx_direct}): a sender with a region open drains the ring. */
    private volatile boolean receiveDirect;
    final TcpLro lro;

    RxQueue(Ifnet ifp, int index, int cpu, int ringSize, int batch) {
        super(index, cpu, ringSize, batch, ifp.locks().mutex(LockInventory.RXRING));
        this.ifp = ifp;
        this.threadName = ifp.name() + "-rx" + index;
        this.lro = new TcpLro(ifp);
    }

    void setLro(boolean on) { lroOn = on; }

    void setReceiveDirect(boolean on) { receiveDirect = on; }

    @Override
    boolean holdWakeupLocked() {
        return receiveDirect && generator == null && DirectReceive.holdBack(this);
    }

    /**
     * A direct receiver's drain (see {@link DirectReceive}): batches taken under a claim and handed up as
     * {@link #ringLoop} hands up its own, until the ring is empty or {@code budget} frames went up.
     */
    @Override
    public int drainDirect(DirectReceive region, int budget) {
        Mbuf[] frames = region.frames(batch);
        int[] flows = region.tags();
        int n = claimBatch(frames, flows, batch);
        if (n < 0) return 0;
        int total = 0;
        try {
            while (n > 0) {
                handUp(frames, flows, n);
                total += n;
                if (total >= budget) break;
                n = takeClaimed(frames, flows, batch);
            }
        } finally {
            directDone(); // wakes the ring's thread if frames are left
        }
        return total;
    }

    @Override
    public void release() {
        kick();
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
        while ((n = takeBatch(frames, flows)) >= 0) handUp(frames, flows, n);
    }

    /** Stamps a batch taken off the ring and hands it up (through LRO if on): the ithread's or a direct receiver's. */
    private void handUp(Mbuf[] frames, int[] flows, int n) {
        boolean withLro = lroOn;
        for (int i = 0; i < n; i++) stamp(frames[i], flows[i], withLro);
        ifp.inputBatch(frames, 0, n, counters, withLro ? lro : null, threadName);
    }

    private void generatorLoop(RxGenerator g) {
        int pad = CacheLinePadded.PADDING_REFS; // written per packet: cold slots before and after the batch
        Mbuf[] frames = new Mbuf[pad + batch + pad];
        while (!stopRequested) {
            bindIfAsked();
            int n = g.fill(index, frames, pad, batch);
            if (n <= 0) return;
            boolean withLro = lroOn;
            for (int i = pad; i < pad + n; i++) stamp(frames[i], frames[i].pkthdr().flowId(), false);
            ifp.inputBatch(frames, pad, n, counters, withLro ? lro : null, threadName);
        }
    }

    /**
     * {@code vouchedToLro}: the batch goes through LRO, which reads and clears {@link TcpLro#CSUM_SENDER_NIC};
     * otherwise it is cleared here, and never goes up the stack.
     */
    private void stamp(Mbuf m, int flow, boolean vouchedToLro) {
        PacketProbe.hop(PacketProbe.Hop.DRIVER_INPUT, m, ifp);
        PacketHeader h = m.pkthdr();
        h.setSourceId(ifp.sourceId(index)).setFlow(flow, PacketHeader.HASH_OPAQUE);
        // A receiving device starts the packet header afresh (m_gethdr): nothing a sender's header carried
        // over a wire (a hand-off moves it, a copy duplicates it) counts as checked here, and what the sender
        // asked of its own NIC (checksum offload, TSO and its segment size) is not asked of this host's.
        // Only this queue's LRO sets the receive-side flags. The one exception is TcpLro.CSUM_SENDER_NIC, kept
        // for LRO alone (which clears it): the frame's checksums were the sending NIC's own TSO work and a
        // Wire carried its bytes unchanged.
        int kept = vouchedToLro ? h.csumFlags() & TcpLro.CSUM_SENDER_NIC : 0;
        h.setCsumFlags(kept).setCsumData(0).setTsoSegsz(0).setLroNsegs(0);
    }
}
