package smpnet.stack.internal.net;

import smpnet.locking.WakeupBatch;
import smpnet.stack.internal.arp.ArpTable;
import smpnet.stack.internal.wire.EthernetHeader;
import smpnet.stack.locks.StackLocks;
import smpnet.stack.mbuf.Mbuf;
import smpnet.stack.net.IfCounters;
import smpnet.stack.net.MacAddress;
import smpnet.witness.HandlerKind;

/**
 * A network interface of one host (FreeBSD's {@code struct ifnet}): name, index, MTU, MAC address,
 * per-queue counters, capture, and what the host attached to it: the Ethernet layer its frames go up to and
 * the ARP table that resolves its next hops (none on loopback). A driver ({@code dev} package) extends it:
 * its interrupt thread calls {@link #inputBatch}, and {@link #transmit} puts a frame on its TX side.
 *
 * <p>Receive, read downward: {@link #inputBatch} (the driver's ithread) counts and captures each frame →
 * ({@link TcpLro} when the queue does large receive offload) → {@link #input} stamps the receiving
 * interface → {@link Ether#input} → {@code Netisr.dispatch}.
 * Transmit: {@code IpInterface.output} → {@link #output} → {@link ArpTable#output} or, on loopback,
 * {@link Ether#output} → {@link #transmit}.
 *
 * <p>Locking key: {@code ether} and {@code arp} are written by {@link #attach} while the host is configured,
 * before {@code start()} starts the threads that read them (the thread start publishes them). {@code capture}
 * is volatile: set at any time, read on every packet. Counters belong to each queue.
 */
public abstract class Ifnet {
    /** Bytes of an Ethernet II header (destination, source, type). */
    public static final int ETHER_HDR_LEN = EthernetHeader.LENGTH;

    private final String name;
    private final int index;
    private final MacAddress mac;
    private final boolean loopback;
    private final StackLocks locks;
    private final int mtu;
    private volatile PcapWriter capture;
    private Ether ether;
    private ArpTable arp;

    /**
     * @param index    a small number unique within the host (1 is lo0), its {@code if_index}: the packet
     *                 header names the receiving interface by it; the netisr source id of RX queue q is
     *                 {@code index << 8 | q}
     * @param loopback true for a loopback device (FreeBSD's IFF_LOOPBACK): 127/8 may arrive only on those
     */
    protected Ifnet(String name, int index, MacAddress mac, int mtu, boolean loopback, StackLocks locks) {
        if (index < 1 || index > IfIndex.MAX_INDEX) throw new IllegalArgumentException("interface index " + index);
        if (mtu < 68) throw new IllegalArgumentException("MTU below IPv4's minimum of 68: " + mtu);
        this.name = name;
        this.index = index;
        this.mac = mac;
        this.mtu = mtu;
        this.loopback = loopback;
        this.locks = locks;
    }

    public final String name() { return name; }
    public final int index() { return index; }
    public final MacAddress mac() { return mac; }
    public final int mtu() { return mtu; }
    /** True for a loopback device (IFF_LOOPBACK). */
    public final boolean isLoopback() { return loopback; }
    /** The lock factory of the host this interface belongs to. */
    public final StackLocks locks() { return locks; }

    /** The netisr source id of RX queue {@code queue}: interface and queue, so each ring keeps its order. */
    public final int sourceId(int queue) { return index << 8 | queue; }

    /**
     * Attaches the host's Ethernet layer and this interface's ARP table (null on loopback), as FreeBSD's
     * {@code ether_ifattach} and {@code in_domifattach} do; only while the host is configured.
     */
    public final void attach(Ether ether, ArpTable arp) {
        this.ether = ether;
        this.arp = arp;
    }

    /** This interface's ARP table; null on loopback (or before {@link #attach}). */
    public final ArpTable arp() { return arp; }

    /** Captures every frame received and sent from now on into {@code w} (null stops capturing). */
    public final void setCapture(PcapWriter w) { this.capture = w; }

    // ---- transmit ----------------------------------------------------------------------------------------

    /**
     * Sends IPv4 packet {@code packet} to {@code nextHop} on this link ({@code if_output}, FreeBSD's
     * {@code ether_output}): through the ARP table, which frames it once the next hop's MAC is known, or
     * framed at once to MAC 0 on loopback. Takes ownership; false on a counted drop.
     */
    public final boolean output(int nextHop, Mbuf packet) {
        ArpTable a = arp;
        return a != null ? a.output(nextHop, packet) : ether.output(this, packet, 0, EthernetHeader.TYPE_IPV4);
    }

    /**
     * Sends a complete Ethernet frame (header included). The interface owns the frame from then on. Returns
     * false if it was dropped and freed (TX ring full, larger than MTU + header, interface down); each drop is
     * counted. The caller may hold protocol locks: the driver's ring lock is a leaf below all of them.
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

    /**
     * TCP segmentation offload (FreeBSD's IFCAP_TSO4 with {@code if_hw_tsomax}): the largest packet, IPv4
     * and link headers included, this interface cuts into MTU-sized frames itself ({@code CSUM_TSO}); 0 when
     * it does not offer TSO (the default: every frame handed to {@link #transmit} must fit the MTU).
     */
    public int tsoMax() { return 0; }

    /**
     * With TSO ({@code if_hw_tsomaxsegcount}): the most DMA segments a TSO packet's mbuf chain may make, the
     * header mbuf's included (each mbuf makes one per {@link #tsoMaxSegSize()} bytes); TCP trims its TSO
     * packets to fit. 0: no limit (as without TSO).
     */
    public int tsoMaxSegCount() { return 0; }

    /** With TSO ({@code if_hw_tsomaxsegsize}): the most bytes of one DMA segment; 0 with no count limit. */
    public int tsoMaxSegSize() { return 0; }

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

    // ---- receive -----------------------------------------------------------------------------------------

    /**
     * Hands a batch of received frames up, called by a driver's ithread ({@code RxQueue}) with no lock held,
     * inside the host's ithread handler context (Giant unless in fine mode, and witness's rules) and a
     * {@link WakeupBatch}: threads the batch wakes are unparked when it ends. Frames too
     * short for an Ethernet header, or arriving before the host attached the interface, are counted as
     * errors of {@code counters} and freed.
     */
    public final void inputBatch(Mbuf[] frames, int off, int n, QueueCounters counters, String threadName) {
        inputBatch(frames, off, n, counters, null, threadName);
    }

    /**
     * As {@link #inputBatch(Mbuf[], int, int, QueueCounters, String)}, with large receive offload when
     * {@code lro} is not null: the queue's own {@link TcpLro}, used by this thread alone. Each frame is
     * counted and captured as it arrives; LRO merges what it can, flushes all it holds before any frame it
     * does not take goes up, and flushes the rest when the batch ends (FreeBSD drivers call
     * {@code tcp_lro_rx} per frame and {@code tcp_lro_flush_all} at the end of their receive interrupt).
     */
    public final void inputBatch(Mbuf[] frames, int off, int n, QueueCounters counters, TcpLro lro,
                                 String threadName) {
        // The batch's wake-ups (readers, writers, peer rings, netisr workers) are held back until it is done
        // and Giant is dropped: one wake-up per waiter and batch, and no woken thread runs into our locks.
        try (WakeupBatch wakeups = WakeupBatch.open()) {
            locks.enterHandler(HandlerKind.ITHREAD, threadName);
            try {
                if (lro == null) {
                    for (int i = off; i < off + n; i++) {
                        Mbuf m = frames[i];
                        frames[i] = null;
                        if (arrived(m, counters)) input(m);
                    }
                } else {
                    for (int i = off; i < off + n; i++) {
                        Mbuf m = frames[i];
                        frames[i] = null;
                        if (!arrived(m, counters) || lro.rx(m)) continue;
                        lro.flushAll(); // what LRO holds arrived before m: it goes up first
                        input(m);
                    }
                    lro.flushAll();
                }
            } finally {
                if (lro != null) lro.discard(); // only holds frames if input threw
                locks.leaveHandler(HandlerKind.ITHREAD, threadName);
                freeRest(frames, off + n); // only non-empty if input threw: the rest of the batch must not leak
            }
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

    /**
     * A frame arrives from the driver: counted and captured as it came off the wire; false if it is refused
     * (too short for an Ethernet header, or the host has not attached the interface yet), counted and freed.
     */
    private boolean arrived(Mbuf m, QueueCounters counters) {
        int len = m.pktLen();
        if (ether == null || len < ETHER_HDR_LEN) {
            counters.error();
            m.freeChain();
            return false;
        }
        counters.count(len);
        tap(m);
        return true;
    }

    /**
     * {@code if_input}: names this interface as the receiving one and calls Ethernet input; for a frame that
     * {@link #arrived}, or a packet {@link TcpLro} merged out of such frames.
     */
    void input(Mbuf m) {
        m.pkthdr().setRcvIf(index);
        ether.input(this, m);
    }

    @Override public String toString() { return name; }
}
