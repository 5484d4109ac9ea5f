package smpnet.stack.net;

import java.util.ArrayList;
import java.util.List;
import smpnet.locking.GuardedBy;
import smpnet.locking.SharedExclusiveLock;
import smpnet.stack.locks.LockInventory;
import smpnet.stack.locks.StackLocks;
import smpnet.stack.mbuf.Mbuf;
import smpnet.witness.HandlerKind;
import smpnet.witness.Witness;
import smpnet.stack.internal.net.IfInputHandler;
import smpnet.stack.internal.net.PcapWriter;
import smpnet.stack.internal.net.QueueCounters;

/**
 * A network interface of one host (FreeBSD's {@code struct ifnet}): name, index, MTU, MAC address, the
 * IPv4 addresses configured on it, per-queue counters, the input handler the Ethernet layer installs, and
 * {@link #transmit} for complete Ethernet frames.
 *
 * <p>Locking key: {@code addrLock} (class "if_addr", rw; Giant in giant mode) guards {@code addresses}.
 * {@code input} and {@code capture} are volatile: set at configuration time, read on every packet.
 * Counters are adders owned by each queue.
 */
public abstract class Ifnet {
    /** Bytes of an Ethernet II header (destination, source, type). */
    public static final int ETHER_HDR_LEN = 14;

    private final String name;
    private final int index;
    private final MacAddress mac;
    private final StackLocks locks;
    private final SharedExclusiveLock addrLock;
    private final Witness witness = Witness.active();
    private volatile int mtu;
    @GuardedBy("if_addr") private final List<IfAddress> addresses = new ArrayList<>();
    private volatile IfInputHandler input;
    private volatile PcapWriter capture;

    /**
     * @param index a small number unique within the host (1, 2, ...); the netisr source id of RX queue q is
     *              {@code index << 8 | q}
     */
    protected Ifnet(String name, int index, MacAddress mac, int mtu, StackLocks locks) {
        if (index < 0 || index > 0x7fffff) throw new IllegalArgumentException("interface index " + index);
        if (mtu < 68) throw new IllegalArgumentException("MTU below IPv4's minimum of 68: " + mtu);
        this.name = name;
        this.index = index;
        this.mac = mac;
        this.mtu = mtu;
        this.locks = locks;
        this.addrLock = locks.rwlock(LockInventory.IF_ADDR);
    }

    public final String name() { return name; }
    public final int index() { return index; }
    public final MacAddress mac() { return mac; }
    public final int mtu() { return mtu; }
    public final void setMtu(int mtu) { this.mtu = mtu; }
    /** The lock factory of the host this interface belongs to. */
    public final StackLocks locks() { return locks; }

    /** The netisr source id of RX queue {@code queue}: interface and queue, so each ring keeps its order. */
    public final int sourceId(int queue) { return index << 8 | queue; }

    // ---- addresses -------------------------------------------------------------------------------------

    /** The if_addr lock: take it shared to walk {@link #addressesLocked()}, exclusive to change the list. */
    public final SharedExclusiveLock addrLock() { return addrLock; }

    /** Adds an address (a no-op if present). */
    public final void addAddress(IfAddress a) {
        addrLock.lock();
        try {
            if (!addresses.contains(a)) addresses.add(a);
        } finally {
            addrLock.unlock();
        }
    }

    /** Removes an address; false if it was not configured. */
    public final boolean removeAddress(IfAddress a) {
        addrLock.lock();
        try {
            return addresses.remove(a);
        } finally {
            addrLock.unlock();
        }
    }

    /** A copy of the address list. */
    public final List<IfAddress> addresses() {
        addrLock.lockShared();
        try {
            return List.copyOf(addresses);
        } finally {
            addrLock.unlockShared();
        }
    }

    /** The address list itself; the caller holds {@link #addrLock()} (shared or exclusive). */
    public final List<IfAddress> addressesLocked() {
        addrLock.assertLocked();
        return java.util.Collections.unmodifiableList(addresses);
    }

    /** True if {@code ipv4} is one of this interface's addresses. */
    public final boolean hasAddress(int ipv4) {
        addrLock.lockShared();
        try {
            for (IfAddress a : addresses) if (a.address() == ipv4) return true;
            return false;
        } finally {
            addrLock.unlockShared();
        }
    }

    // ---- data path -------------------------------------------------------------------------------------

    /** Installs the handler received frames go to (the Ethernet demux). */
    public final void setInputHandler(IfInputHandler h) { this.input = h; }

    /** Captures every frame received and sent from now on into {@code w} (null stops capturing). */
    public final void setCapture(PcapWriter w) { this.capture = w; }

    /**
     * Sends a complete Ethernet frame (header included). The interface owns the frame from then on. Returns
     * false if it was dropped and freed (TX ring full, larger than MTU + header, interface down); each drop is
     * counted.
     */
    public abstract boolean transmit(Mbuf frame);

    public abstract int rxQueueCount();
    public abstract int txQueueCount();
    public abstract IfCounters rxCounters(int queue);
    public abstract IfCounters txCounters(int queue);

    /** Starts the interface's threads (ithreads, transmit threads). */
    public abstract void start();

    /**
     * Stops its threads, waits for them to leave, frees every frame still on a ring. Call it holding no
     * stack lock: an interrupt thread may be waiting for Giant to finish its batch.
     */
    public abstract void stop();

    /**
     * Waits until every ring of this interface is empty and the last batch its threads took is done (tests,
     * orderly shutdown; a frame that then crosses a wire may still be on the peer's ring). Call it holding
     * no stack lock.
     */
    public abstract void awaitDrained();

    /** Counters summed over every queue. */
    public IfCounters counters() {
        IfCounters sum = IfCounters.ZERO;
        for (int q = 0; q < rxQueueCount(); q++) sum = sum.plus(rxCounters(q));
        for (int q = 0; q < txQueueCount(); q++) sum = sum.plus(txCounters(q));
        return sum;
    }

    /** True if a frame of {@code len} bytes fits this interface (MTU plus the Ethernet header). */
    protected final boolean fits(int len) { return len >= ETHER_HDR_LEN && len <= mtu + ETHER_HDR_LEN; }

    /** Records {@code frame} in the capture, if one is attached. */
    protected final void tap(Mbuf frame) {
        PcapWriter w = capture;
        if (w == null) return;
        int len = frame.pktLen();
        byte[] bytes = new byte[len];
        frame.copyData(0, len, bytes, 0);
        w.record(bytes, len);
    }

    /**
     * Hands a batch of received frames up, called by an ithread with no lock held: inside the host's entry
     * point (Giant unless in fine mode) and, within it, witness's ithread context. Frames without a handler,
     * or too short for an Ethernet header, are counted as errors of {@code counters} and freed.
     */
    public final void inputBatch(Mbuf[] frames, int off, int n, QueueCounters counters, String threadName) {
        locks.enterEntryPoint();
        if (witness != null) witness.enterHandler(HandlerKind.ITHREAD, threadName);
        try {
            for (int i = off; i < off + n; i++) {
                Mbuf m = frames[i];
                frames[i] = null;
                inputOne(m, counters);
            }
        } finally {
            if (witness != null) witness.leaveHandler(HandlerKind.ITHREAD, threadName);
            locks.leaveEntryPoint();
            freeRest(frames, off + n); // only non-empty if a handler threw: the rest of the batch must not leak
        }
    }

    private static void freeRest(Mbuf[] frames, int n) {
        for (int i = 0; i < n; i++) {
            if (frames[i] != null) {
                frames[i].freeChain();
                frames[i] = null;
            }
        }
    }

    private void inputOne(Mbuf m, QueueCounters counters) {
        IfInputHandler h = input;
        int len = m.pktLen();
        if (h == null || len < ETHER_HDR_LEN) {
            counters.error();
            m.freeChain();
            return;
        }
        counters.count(len);
        tap(m);
        h.input(this, m);
    }

    @Override public String toString() { return name; }
}
