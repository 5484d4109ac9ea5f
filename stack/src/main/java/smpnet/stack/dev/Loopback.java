package smpnet.stack.dev;

import smpnet.stack.locks.StackLocks;
import smpnet.stack.mbuf.Mbuf;
import smpnet.stack.internal.net.QueueCounters;
import smpnet.stack.net.IfCounters;
import smpnet.stack.internal.net.Ifnet;
import smpnet.stack.net.MacAddress;

/**
 * The loopback interface ({@code lo0}): a frame sent is put on its own single RX ring and handed up by its
 * interrupt thread, so a sender holding protocol locks never re-enters input in its own thread. It carries
 * Ethernet frames like any interface (captures use LINKTYPE_ETHERNET), so the same demux serves it. Each
 * frame is captured once, when it is received.
 *
 * <p>Locking key: the ring has its own "rxring" lock (a leaf of this host).
 */
public final class Loopback extends Ifnet {
    /** FreeBSD's loopback MTU. */
    public static final int DEFAULT_MTU = 16384;

    private final RxQueue rx;
    private final QueueCounters txCounters = new QueueCounters();

    public Loopback(String name, int index, StackLocks locks) { this(name, index, DEFAULT_MTU, 1024, locks); }

    public Loopback(String name, int index, int mtu, int ringSize, StackLocks locks) {
        super(name, index, MacAddress.ZERO, mtu, true, locks);
        this.rx = new RxQueue(this, 0, 0, ringSize, NicConfig.DEFAULT_BATCH);
    }

    @Override
    public boolean transmit(Mbuf frame) {
        int len = frame.pktLen();
        if (!fits(len)) {
            txCounters.error();
            frame.freeChain();
            return false;
        }
        txCounters.count(len);
        return rx.enqueue(frame, frame.pkthdr().flowId()); // thread hand-off: the other end is RxQueue.ringLoop
    }

    @Override public int rxQueueCount() { return 1; }
    @Override public int txQueueCount() { return 1; }
    @Override public IfCounters rxCounters(int q) { return rx.counters.asReceive(); }
    @Override public IfCounters txCounters(int q) { return txCounters.asTransmit(); }
    @Override public void start() { rx.start(); }
    @Override public void stop() { rx.stop(); }

    /** Waits until the ring is empty and its last batch has been handed up (tests). */
    public void awaitReceived() { rx.awaitDrained(); }

    @Override public void awaitDrained() { awaitReceived(); }
}
