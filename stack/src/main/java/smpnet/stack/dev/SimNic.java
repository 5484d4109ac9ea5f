package smpnet.stack.dev;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import smpnet.locking.Scheduler;
import smpnet.stack.locks.StackLocks;
import smpnet.stack.internal.trace.PacketProbe;
import smpnet.stack.mbuf.Mbuf;
import smpnet.stack.mbuf.MbufAllocator;
import smpnet.stack.mbuf.PacketHeader;
import smpnet.stack.internal.net.QueueCounters;
import smpnet.stack.internal.stats.CpuCounters;
import smpnet.stack.net.IfCounters;
import smpnet.stack.internal.net.Ifnet;
import smpnet.stack.internal.net.TcpLro;
import smpnet.stack.net.MacAddress;

/**
 * A simulated multi-queue Ethernet NIC. Receive: a frame arriving from the link ({@link #receive}) is
 * hashed by RSS (Toeplitz over the IPv4 addresses and TCP/UDP ports), put on the RX ring the indirection
 * table picks, and handed up by that ring's interrupt thread. Transmit: {@link #transmit} picks a TX queue
 * (by the frame's flow hash, else the sender's CPU). When that queue is idle (empty ring, nothing being
 * sent), direct transmit is on ({@link #setTransmitDirect}, the host's {@code net.link.tx_direct}) and the
 * link may be called from the sender ({@link Link#callableFromSender()}: a {@link Wire}), the sending
 * thread puts the frame on the link itself, as FreeBSD's {@code if_transmit} does when it finds its ring
 * free; otherwise the frame goes onto the TX ring, whose transmit thread puts it on the {@link Link}. A full
 * RX ring drops and counts, as hardware does. In front of each TX ring is a software queue of packets
 * ({@link NicConfig#txSoftQueue()}, 2,048 by default, as iflib's {@code mp_ring}): a packet that finds too
 * few descriptors free waits there, in order, and only one that finds it full is dropped and counted (TCP
 * sees ENOBUFS); {@link #txRingCounters} counts both.
 *
 * <p>TCP segmentation offload ({@link NicConfig#tso()}): a packet marked {@code CSUM_TSO} goes on the TX
 * ring whole, taking one descriptor per DMA segment plus a context descriptor ({@link #descriptorsOf}), all
 * of them or none (without them free it waits whole in the software queue, or with that full is dropped as
 * one, and TCP sees ENOBUFS, as for a frame); the transmit thread cuts it into MTU-sized frames
 * ({@link TsoSegmenter}) as it puts them on the link, one by one, so a flow-controlled link holds the frames,
 * not the packet. A sender that finds the queue idle cuts it and sends the frames itself; those the link
 * refuses wait at the ring's head, in the packet's descriptors. Captures and counters see the frames as they
 * leave, never the TSO packet. A packet over the NIC's limits ({@link NicConfig#tsoMax()},
 * {@link NicConfig#tsoMaxSegCount()}) is an output error.
 *
 * <p>Locking key: each ring has its own lock ("rxring", "txring": driver leaves); a direct transmit holds
 * neither its txring nor any lock of the peer while it calls the link, only the sender's own locks (the
 * link then takes only leaves of the peer: its allocator and an RX ring lock). {@code link},
 * {@code transmitDirect} and {@code receiveDirect} are volatile (attached once by a {@link Wire}; set by the
 * host's sysctls).
 */
public final class SimNic extends Ifnet {
    private final NicConfig config;
    private final MbufAllocator allocator;
    private final RssHash rss;
    private final RxQueue[] rx;
    private final TxQueue[] tx;
    private volatile Link link;
    private volatile boolean transmitDirect = true;
    private volatile boolean receiveDirect;
    /**
     * TSO in use (FreeBSD's IFCAP_TSO4 in {@code if_capenable}): on from the start if the NIC has it
     * ({@link NicConfig#tso()}, {@code if_capabilities}), turned off and on by {@link #setTso}. Volatile:
     * read by every sender.
     */
    private volatile boolean tsoEnabled;
    /**
     * TSO_PACKETS, TSO_FRAMES, TSO_COPIED: per CPU, counted by the thread that segments (the transmit thread,
     * or a direct sender); TSO_DESCRIPTORS, TSO_QUEUED: by the sender, for TSO packets put on a ring whole.
     */
    private final CpuCounters tso = new CpuCounters(5);
    private static final int TSO_PACKETS = 0;
    private static final int TSO_FRAMES = 1;
    private static final int TSO_COPIED = 2;
    private static final int TSO_DESCRIPTORS = 3;
    private static final int TSO_QUEUED = 4;
    private volatile boolean lro;

    /**
     * @param allocator the host's mbuf allocator: frames arriving over a wire are moved or copied into it
     */
    public SimNic(String name, int index, MacAddress mac, int mtu, NicConfig config, StackLocks locks,
                  MbufAllocator allocator) {
        super(name, index, mac, mtu, false, locks);
        this.config = config;
        this.allocator = allocator;
        this.tsoEnabled = config.tso();
        this.rss = new RssHash(config.rssKey(), config.rxQueues());
        this.rx = new RxQueue[config.rxQueues()];
        this.tx = new TxQueue[config.txQueues()];
        for (int q = 0; q < rx.length; q++) {
            rx[q] = new RxQueue(this, q, q % config.cpus(), config.ringSize(), config.batch());
            rx[q].setLro(config.lro());
        }
        this.lro = config.lro();
        for (int q = 0; q < tx.length; q++) {
            tx[q] = new TxQueue(this, q, q % config.cpus(), config.ringSize(), config.txSoftQueue(), config.batch());
        }
    }

    public NicConfig config() { return config; }
    public MbufAllocator allocator() { return allocator; }
    public RssHash rss() { return rss; }

    /** Connects the transmit side to {@code l} (a wire does this); frames sent with no link are errors. */
    public void attachLink(Link l) { this.link = l; }

    /**
     * What {@link Wire} and {@link ImpairedLink} check before they plug two NICs together: two distinct NICs,
     * neither already on a link (a second cable would silently take the first one's frames).
     */
    static void checkPluggable(SimNic a, SimNic b) {
        if (a == b) throw new IllegalArgumentException("cannot connect " + a.name() + " to itself");
        checkPluggable(a);
        checkPluggable(b);
    }

    /** Refuses a NIC already on a link (a {@link TapLink} plugs one NIC, its other end is Linux). */
    static void checkPluggable(SimNic n) {
        if (n.link != null) throw new IllegalStateException(n.name() + " is already connected; disconnect it first");
    }

    /**
     * Makes RX queue {@code queue}'s ithread synthesise its frames with {@code g} instead of draining its
     * ring (benchmarks; set before {@link #start()}).
     */
    public void setGenerator(int queue, RxGenerator g) { rx[queue].setGenerator(g); }

    /** Waits until a generator queue's ithread has finished (its generator returned 0). */
    public void awaitGenerator(int queue) { rx[queue].awaitExit(); }

    // ---- receive ----------------------------------------------------------------------------------------

    /**
     * A frame arrives from the link (the NIC's DMA into an RX ring): RSS picks the queue. The NIC owns the
     * frame; false if the ring was full (dropped, counted, freed).
     */
    public boolean receive(Mbuf frame) {
        unvouched(frame);
        int hash = rssHashOf(frame);
        PacketProbe.hop(PacketProbe.Hop.NIC_RING, frame, this);
        // Thread hand-off: the other end is RxQueue.ringLoop, run by that queue's ithread.
        return rx[rss.queueOf(hash)].enqueue(frame, hash);
    }

    /** As {@link #receive}, onto a given RX queue (tests; the flow hash is still computed). */
    public boolean receiveOnQueue(int queue, Mbuf frame) {
        unvouched(frame);
        return rx[queue].enqueue(frame, rssHashOf(frame));
    }

    /**
     * Clears {@link TcpLro#CSUM_SENDER_NIC} from a frame of unknown history (from a link that may alter
     * frames, another host's TAP device, a test): only a frame this kind of NIC cut and checksummed itself,
     * carried by a {@link Wire} ({@link #receiveReserved}), keeps it.
     */
    private static void unvouched(Mbuf frame) {
        PacketHeader h = frame.pkthdr();
        if ((h.csumFlags() & TcpLro.CSUM_SENDER_NIC) != 0) h.setCsumFlags(h.csumFlags() & ~TcpLro.CSUM_SENDER_NIC);
    }

    /** The RSS hash of a frame's first bytes (see {@link RssHash#hashFrame}). */
    public int rssHashOf(Mbuf frame) {
        int n = Math.min(frame.pktLen(), 14 + 60 + 4);
        if (frame.len() >= n) return rss.hashFrame(frame, n); // in place: a frame's headers share its first mbuf
        byte[] head = new byte[n];
        frame.copyData(0, n, head, 0);
        return rss.hashFrame(head, n);
    }

    // ---- large receive offload -------------------------------------------------------------------------

    /**
     * Turns large receive offload on or off, as {@code ifconfig em0 lro} / {@code -lro} sets FreeBSD's
     * IFCAP_LRO: from their next batch on, the RX queues' ithreads merge (or stop merging) in-order TCP
     * segments of a flow into one packet of up to 64 KB (see DESIGN.md, "Large receive offload"). Off
     * unless the NIC's {@link NicConfig#lro()} turned it on.
     */
    public void setLro(boolean on) {
        lro = on;
        for (RxQueue q : rx) q.setLro(on);
    }

    /** Whether large receive offload is on (IFCAP_LRO in the interface's enabled capabilities). */
    public boolean lro() { return lro; }

    /**
     * Turns direct receive on or off (off by default): on, a thread that fills one of this NIC's RX rings
     * from inside a socket call's output hands the frames up this host's stack itself at the output's end,
     * when the ring's interrupt thread is idle, instead of waking that thread (see DESIGN.md, "Direct
     * receive"). The host's {@code net.link.rx_direct} sets it on every NIC of the host.
     */
    public void setReceiveDirect(boolean on) {
        receiveDirect = on;
        for (RxQueue q : rx) q.setReceiveDirect(on);
    }

    /** Whether direct receive is on. */
    public boolean receiveDirect() { return receiveDirect; }

    /**
     * Binds each queue's thread to one processor of {@code processors} (bit i for processor i): the queue of
     * simulated CPU c ({@link NicConfig#cpus()}: queue q is on CPU q mod cpus, RX and TX alike) to the
     * (c mod n)-th of its n processors, counted from the lowest; 0 gives each thread back the mask it started
     * with. As FreeBSD's iflib binds each queue's interrupt and task to a core, so a flow's receive work stays
     * in one core's cache. A thread binds itself at its next batch (at once if it waits for one; a NIC not
     * started yet, when it starts). The host's {@code net.link.bind_queues} calls this with the processors the
     * process may run on. {@link #queueBindings} says where each thread runs.
     */
    public void bindQueues(long processors) {
        for (RxQueue q : rx) q.bindTo(QueueBinding.processorOf(q.cpu(), processors));
        for (TxQueue q : tx) q.bindTo(QueueBinding.processorOf(q.cpu(), processors));
    }

    /**
     * Where one NIC queue's thread runs, as the host's {@code net.link.bind_queues} set it
     * ({@link #bindQueues}, {@link #queueBindings}).
     *
     * @param queue   the queue's thread name ({@code em0-rx0}, {@code em0-tx1})
     * @param cpu     the simulated CPU the queue belongs to ({@link NicConfig#cpus()}: queue q on CPU q mod cpus)
     * @param wanted  the processors asked for (bit i for processor i); 0: the thread's mask when it started
     * @param applied whether the queue's thread has applied {@code wanted} (it does at its next batch, woken at once
     *                if it waits for one; not before the host starts)
     * @param bound   once applied: the thread's mask as the kernel reports it after binding itself; 0 while not
     *                applied, or if it was never bound
     * @param failure once applied: why binding failed (the thread runs where it ran before), or null
     */
    public record QueueBinding(String queue, int cpu, long wanted, boolean applied, long bound, String failure) {
        /**
         * The one processor (as a mask of one bit) of {@code processors} that simulated CPU {@code cpu}'s queues
         * are bound to: the (cpu mod n)-th of its n processors, counted from the lowest; 0 for none.
         */
        public static long processorOf(int cpu, long processors) {
            int n = Long.bitCount(processors);
            if (n == 0) return 0;
            long rest = processors;
            for (int skip = cpu % n; skip > 0; skip--) rest &= rest - 1; // drop the lowest set bit
            return Long.lowestOneBit(rest);
        }

        /** The processors of {@code mask} as a list, e.g. "0,2-3". */
        public static String cpuList(long mask) {
            StringBuilder b = new StringBuilder();
            for (int c = 0; c < 64; ) {
                if ((mask & 1L << c) == 0) { c++; continue; }
                int end = c;
                while (end + 1 < 64 && (mask & 1L << end + 1) != 0) end++;
                if (!b.isEmpty()) b.append(',');
                b.append(c);
                if (end > c) b.append('-').append(end);
                c = end + 1;
            }
            return b.toString();
        }

        /** One line, e.g. "em0-rx1 (CPU 1): bound to processor 1". */
        @Override
        public String toString() {
            String where = !applied ? "binding not applied yet"
                    : failure != null ? "not bound: " + failure
                    : wanted == 0 ? (bound == 0 ? "unbound" : "unbound, on processors " + cpuList(bound))
                    : "bound to processor" + (Long.bitCount(bound) == 1 ? " " : "s ") + cpuList(bound);
            return String.format(Locale.ROOT, "%s (CPU %d): %s", queue, cpu, where);
        }
    }

    /** Each queue's binding as it stands, RX queues first ({@link #bindQueues}). */
    public List<QueueBinding> queueBindings() {
        List<QueueBinding> out = new ArrayList<>();
        for (RxQueue q : rx) out.add(q.binding());
        for (TxQueue q : tx) out.add(q.binding());
        return List.copyOf(out);
    }

    /**
     * Large receive offload counters of one RX queue or their sum, as FreeBSD's {@code lro_ctrl} keeps them.
     *
     * @param queued      segments taken into an entry (the first of a merged packet, and each one merged)
     * @param flushed     packets LRO handed up (a merged one, or a lone segment that waited in an entry)
     * @param merged      segments appended to an earlier one's packet: IP and TCP input ran that many fewer times
     * @param badChecksum segments not merged because their IP header or TCP checksum was wrong (they went up
     *                    alone, and the stack counted them)
     */
    public record LroCounters(long queued, long flushed, long merged, long badChecksum) {
        public LroCounters plus(LroCounters o) {
            return new LroCounters(queued + o.queued, flushed + o.flushed, merged + o.merged,
                    badChecksum + o.badChecksum);
        }
    }

    /** RX queue {@code q}'s LRO counters; a queue the NIC does not have is an IllegalArgumentException. */
    public LroCounters lroCounters(int q) {
        if (q < 0 || q >= rx.length) {
            throw new IllegalArgumentException("no RX queue " + q + " on " + name() + " (it has " + rx.length + ")");
        }
        TcpLro l = rx[q].lro;
        return new LroCounters(l.queued(), l.flushed(), l.merged(), l.badChecksums());
    }

    /**
     * Segments LRO took as checked without checking them, summed over every RX queue: their sending NIC
     * computed their checksums and a {@link Wire} carried them ({@link TcpLro#CSUM_SENDER_NIC}).
     */
    long lroVouched() {
        long n = 0;
        for (RxQueue q : rx) n += q.lro.vouched();
        return n;
    }

    /** LRO counters summed over every RX queue. */
    public LroCounters lroCounters() {
        LroCounters sum = new LroCounters(0, 0, 0, 0);
        for (int q = 0; q < rx.length; q++) sum = sum.plus(lroCounters(q));
        return sum;
    }

    // ---- transmit ---------------------------------------------------------------------------------------

    /**
     * Turns direct transmit on (the default) or off: off, every frame goes through the TX ring and its
     * transmit thread. The host's {@code net.link.tx_direct} sets it on every NIC of the host.
     */
    public void setTransmitDirect(boolean on) { transmitDirect = on; }

    /** Whether direct transmit is on (see the class comment). */
    public boolean transmitDirect() { return transmitDirect; }

    /** {@code if_hw_tsomax} while TSO is on ({@link NicConfig#tsoMax()}), else 0. */
    @Override
    public int tsoMax() { return tsoEnabled ? config.tsoMax() : 0; }

    /**
     * {@code if_hw_tsomaxsegcount} while TSO is on: {@link NicConfig#tsoMaxSegCount()}, at most the ring's
     * descriptors less the context descriptor (iflib caps it by its ring too), so a packet TCP sizes always
     * fits an empty ring; else 0.
     */
    @Override
    public int tsoMaxSegCount() { return tsoEnabled ? Math.min(config.tsoMaxSegCount(), config.ringSize() - 1) : 0; }

    /** {@code if_hw_tsomaxsegsize} while TSO is on ({@link NicConfig#tsoMaxSegSize()}), else 0. */
    @Override
    public int tsoMaxSegSize() { return tsoEnabled ? config.tsoMaxSegSize() : 0; }

    /**
     * The TX descriptors TSO packet {@code packet} takes: a context descriptor (the Intel NICs' TSO context:
     * header lengths and MSS) and one per DMA segment, each mbuf of the chain being cut into segments of at
     * most {@link NicConfig#tsoMaxSegSize()} bytes (an empty mbuf takes none). {@code -1} if the chain has
     * more DMA segments than {@link #tsoMaxSegCount()} (a driver's bus_dma load fails with EFBIG).
     */
    public int descriptorsOf(Mbuf packet) {
        int segSize = config.tsoMaxSegSize();
        int segs = 0;
        for (Mbuf m = packet; m != null; m = m.next()) segs += (m.len() + segSize - 1) / segSize;
        return segs > Math.min(config.tsoMaxSegCount(), config.ringSize() - 1) ? -1 : 1 + segs;
    }

    /**
     * Turns TSO off or back on while the NIC runs ({@code ifconfig em0 -tso} / {@code tso}); only a NIC made
     * with it ({@link NicConfig#tso()}) can turn it on. A connection that still sends TSO segments then gets
     * EMSGSIZE from IP and goes on in ordinary segments, as FreeBSD's TCP does.
     */
    public void setTso(boolean on) {
        if (on && !config.tso()) throw new IllegalStateException(name() + " has no TCP segmentation offload");
        tsoEnabled = on;
    }

    /** Whether TSO is on (IFCAP_TSO4 in the interface's enabled capabilities), as {@link #lro()} says for LRO. */
    public boolean tso() { return tsoEnabled; }

    @Override
    public boolean transmit(Mbuf frame) {
        if (TsoSegmenter.wanted(frame)) return transmitTso(frame);
        unvouched(frame); // only frames TSO cuts here leave marked
        int len = frame.pktLen();
        TxQueue q = tx[txQueueOf(frame)];
        if (!fits(len)) {
            q.counters.error();
            frame.freeChain();
            return false;
        }
        Link l = link;
        if (transmitDirect && l != null && l.callableFromSender() && q.claimIdle(1)) {
            // The ring is idle and ours until directDone(): nothing queued can be overtaken, and a frame
            // queued meanwhile waits for the transmit thread, which directDone() wakes. A frame the link
            // refuses (the peer's ring is full: flow control) goes back to the ring's head in the descriptor
            // it claimed, for the transmit thread, which may wait for room.
            try {
                if (putOnLink(frame, q, false)) {
                    q.countDirect();
                    return true;
                }
                return q.requeueClaimed(frame);
            } finally {
                q.directDone();
            }
        }
        return q.enqueue(frame, 0); // thread hand-off: the other end is TxQueue.drain, the queue's transmit thread
    }

    /**
     * A TSO packet. On an idle queue the sender cuts it into frames ({@link TsoSegmenter}) and puts them on
     * the link itself, holding the packet's descriptors; the frames the link refuses (flow control) go to the
     * ring's head in them, for the transmit thread. Otherwise the packet goes on the ring whole, in its
     * descriptors ({@link #descriptorsOf}), all of them or none (without them free it waits whole in the
     * software queue), and the transmit thread cuts it as it sends ({@link #sendEntry}). False: the packet was
     * dropped and counted (the software queue was full, the NIC lacks TSO, the packet is over its limits, or
     * memory ran out).
     */
    private boolean transmitTso(Mbuf packet) {
        TxQueue q = tx[txQueueOf(packet)];
        int descriptors = tsoEnabled && packet.pktLen() <= config.tsoMax() ? descriptorsOf(packet) : -1;
        if (descriptors < 0) {
            q.counters.error();
            packet.freeChain();
            return false;
        }
        Link l = link;
        if (transmitDirect && l != null && l.callableFromSender() && q.claimIdle(descriptors)) {
            try {
                Mbuf[] frames = segment(packet);
                if (frames == null) {
                    q.counters.drop();
                    return false;
                }
                for (int i = 0; i < frames.length; i++) {
                    Mbuf f = frames[i];
                    frames[i] = null;
                    if (!putOnLink(f, q, false)) {
                        frames[i] = f;
                        for (int j = i; j < frames.length - 1; j++) frames[j].setNextPacket(frames[j + 1]);
                        return q.requeueClaimed(f); // the rest keeps the packet's descriptors
                    }
                    q.countDirect();
                }
                return true;
            } finally {
                q.directDone();
            }
        }
        // thread hand-off: the other end is TxQueue.drain
        if (!q.enqueue(packet, 0, descriptors)) return false;
        tso.add2(TSO_QUEUED, 1, TSO_DESCRIPTORS, descriptors);
        return true;
    }

    /** Cuts a TSO packet into frames and counts them; null (the packet freed) if it could not be cut. */
    private Mbuf[] segment(Mbuf packet) {
        return TsoSegmenter.segment(packet, mtu() + ETHER_HDR_LEN, (n, copied) -> {
            tso.increment(TSO_PACKETS);
            tso.add2(TSO_FRAMES, n, TSO_COPIED, copied);
        });
    }

    /**
     * Called by a transmit thread, holding no lock, with an entry it took off its ring: puts its frames on
     * the link in order, waiting while the link holds them back (flow control). The entry is an ordinary frame,
     * a TSO packet (cut into frames here, as the hardware does while it transmits; if it cannot be cut it is
     * dropped and counted), or frames a direct sender left, linked by {@code nextPacket}.
     */
    void sendEntry(Mbuf entry, TxQueue q) {
        if (TsoSegmenter.wanted(entry)) {
            Mbuf[] frames = segment(entry);
            if (frames == null) {
                q.counters.drop();
                return;
            }
            for (int i = 0; i < frames.length; i++) {
                Mbuf f = frames[i];
                frames[i] = null;
                putOnLink(f, q, true);
            }
            return;
        }
        while (entry != null) {
            Mbuf next = entry.nextPacket();
            entry.setNextPacket(null);
            putOnLink(entry, q, true);
            entry = next;
        }
    }

    /** The flow hash keeps one flow on one TX queue (its order holds); without one, the sender's CPU. */
    private int txQueueOf(Mbuf frame) {
        PacketHeader h = frame.pkthdr();
        int key = h.hashType() != PacketHeader.HASH_NONE ? h.flowId() : Scheduler.current().currentCpu();
        return Math.floorMod(key, tx.length);
    }

    /**
     * Called by a transmit thread with no lock held ({@code mayWait}), or by a direct sender holding its
     * host's locks and the queue's claim: hands the frame to the link, which counts and captures it as it
     * leaves ({@link #sending}). False only without {@code mayWait}, when a {@link Wire}'s peer has no room
     * for it (flow control): the frame is untouched and still the caller's.
     */
    boolean putOnLink(Mbuf frame, TxQueue q, boolean mayWait) {
        Link l = link;
        if (l == null) {
            q.counters.error();
            frame.freeChain();
            return true;
        }
        if (l instanceof Wire.End w) return w.carry(frame, this, q, mayWait);
        sending(frame, q.counters);
        l.deliver(frame);
        return true;
    }

    /** A frame leaves on the link: count it on its queue, capture it. */
    void sending(Mbuf frame, QueueCounters counters) {
        counters.count(frame.pktLen());
        tap(frame);
    }

    /** The RX queue RSS picks for a frame of hash {@code hash} (a flow-controlled link reserves a slot on it). */
    RxQueue rxQueueFor(int hash) { return rx[rss.queueOf(hash)]; }

    /**
     * As {@link #receive}, into the slot a flow-controlled link reserved on {@code q}: only a {@link Wire}
     * calls this, and it delivers the bytes sent, so a frame keeps {@link TcpLro#CSUM_SENDER_NIC}.
     */
    void receiveReserved(RxQueue q, Mbuf frame, int hash) {
        PacketProbe.hop(PacketProbe.Hop.NIC_RING, frame, this);
        q.enqueueReserved(frame, hash); // thread hand-off: the other end is RxQueue.ringLoop
    }

    /** Waits until every TX ring is empty and its last batch is on the link (tests, orderly shutdown). */
    public void awaitTransmitted() {
        for (TxQueue q : tx) q.awaitDrained();
    }

    /** Waits until every RX ring is empty and its last batch has been handed up (tests). */
    public void awaitReceived() {
        for (RxQueue q : rx) q.awaitDrained();
    }

    @Override
    public void awaitDrained() {
        awaitTransmitted();
        awaitReceived();
    }

    // ---- life cycle and counters ------------------------------------------------------------------------

    @Override
    public void start() {
        for (TxQueue q : tx) q.start();
        for (RxQueue q : rx) q.start();
    }

    /** Stops transmit threads first (their frames may still reach a peer), then the ithreads. */
    @Override
    public void stop() {
        for (TxQueue q : tx) q.stop();
        for (RxQueue q : rx) q.stop();
    }

    @Override public int rxQueueCount() { return rx.length; }
    @Override public int txQueueCount() { return tx.length; }
    @Override public IfCounters rxCounters(int q) { return rx[q].counters.asReceive(); }
    @Override public IfCounters txCounters(int q) { return tx[q].counters.asTransmit(); }

    /** TSO packets this NIC cut into frames (each counted once, whatever became of its frames). */
    public long tsoPackets() { return tso.sum(TSO_PACKETS); }

    /**
     * TSO packets senders put on a TX ring whole (the queue was busy), for the transmit thread to cut; the
     * rest went out from their senders (direct transmit) or were dropped.
     */
    public long tsoQueued() { return tso.sum(TSO_QUEUED); }

    /**
     * TX descriptors those {@link #tsoQueued()} packets took ({@link #descriptorsOf}): over a 64 KB packet of
     * TCP's, 34 (a header mbuf, 32 clusters, a context descriptor) where its 45 frames would take 45.
     */
    public long tsoDescriptors() { return tso.sum(TSO_DESCRIPTORS); }

    /** Frames this NIC made out of TSO packets. */
    public long tsoFrames() { return tso.sum(TSO_FRAMES); }

    /**
     * Payload bytes TSO had to copy into frames because they sat in a plain mbuf; everything in clusters or
     * other external storage is shared by reference. TCP builds its TSO packets in clusters, so this stays 0.
     */
    public long tsoPayloadBytesCopied() { return tso.sum(TSO_COPIED); }

    /** Frames of TX queue {@code q} that their sending thread put on the link itself (direct transmit). */
    public long directTransmits(int q) { return tx[q].directCount(); }

    /**
     * The counters of one TX queue's software queue and descriptor ring, or their sum, as iflib keeps them
     * per TX queue (its {@code mp_ring}'s drops, a driver's {@code no_desc_avail}).
     *
     * @param softQueued    packets that waited in the software queue (they found too few descriptors free, or
     *                      packets waiting ahead of them)
     * @param noDescriptors times a packet found the software queue empty and too few descriptors free, and
     *                      began a wait for the transmit thread to free them (the queue stalled)
     * @param softDrops     packets dropped because the software queue was full (with a software queue of 0,
     *                      because the descriptors were short): each is also a TX drop of the interface, and
     *                      ENOBUFS to its sender
     */
    public record TxRingCounters(long softQueued, long noDescriptors, long softDrops) {
        public TxRingCounters plus(TxRingCounters o) {
            return new TxRingCounters(softQueued + o.softQueued, noDescriptors + o.noDescriptors,
                    softDrops + o.softDrops);
        }
    }

    /** TX queue {@code q}'s ring counters; a queue the NIC does not have is an IllegalArgumentException. */
    public TxRingCounters txRingCounters(int q) {
        if (q < 0 || q >= tx.length) {
            throw new IllegalArgumentException("no TX queue " + q + " on " + name() + " (it has " + tx.length + ")");
        }
        TxQueue t = tx[q];
        return new TxRingCounters(t.softQueued(), t.noDescriptors(), t.fullDrops());
    }

    /** TX ring counters summed over every TX queue. */
    public TxRingCounters txRingCounters() {
        TxRingCounters sum = new TxRingCounters(0, 0, 0);
        for (int q = 0; q < tx.length; q++) sum = sum.plus(txRingCounters(q));
        return sum;
    }
}
