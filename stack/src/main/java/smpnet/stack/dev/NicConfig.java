package smpnet.stack.dev;

/**
 * The shape of a simulated NIC.
 *
 * @param rxQueues       RX queues, each with its own ring and interrupt thread (RSS spreads flows over them)
 * @param txQueues       TX queues, each with its own ring and transmit thread
 * @param ringSize       descriptors each ring holds: a received frame or an ordinary frame to send takes one, a
 *                       TSO packet one per DMA segment plus a context descriptor ({@link SimNic#descriptorsOf});
 *                       a full ring drops and counts
 * @param batch          descriptors an interrupt or transmit thread takes per lock acquisition (a TSO packet
 *                       that takes more is taken alone)
 * @param cpus           the host's CPU count: RX queue q's ithread and TX queue q's thread run on CPU q mod cpus
 * @param rssKey         the Toeplitz key ({@link RssHash#MICROSOFT_KEY} by default)
 * @param lro            large receive offload on at start (FreeBSD's IFCAP_LRO; off by default): each RX queue's
 *                       ithread merges in-order TCP segments of a flow into one packet ({@link SimNic#setLro})
 * @param tso            TCP segmentation offload (FreeBSD's IFCAP_TSO4), off by default: the NIC takes TCP segments
 *                       of up to {@code tsoMax} bytes and cuts them into MTU-sized frames as it sends them
 *                       ({@link SimNic#setTso})
 * @param tsoMax         FreeBSD's {@code if_hw_tsomax}: the largest TSO packet, link header included, the NIC takes
 *                       ({@link #DEFAULT_TSO_MAX} by default, at most 65,535)
 * @param tsoMaxSegCount FreeBSD's {@code if_hw_tsomaxsegcount}: the most DMA segments (mbufs, each cut into pieces of
 *                       at most {@code tsoMaxSegSize} bytes) a TSO packet may have, its header's included
 *                       ({@link #DEFAULT_TSO_MAX_SEG_COUNT} by default; the NIC offers at most {@code ringSize - 1})
 * @param tsoMaxSegSize  FreeBSD's {@code if_hw_tsomaxsegsize}: the most bytes one DMA segment carries
 *                       ({@link #DEFAULT_TSO_MAX_SEG_SIZE} by default)
 * @param txSoftQueue    packets each TX queue's software queue holds in front of its descriptor ring, whatever
 *                       descriptors they take ({@link #DEFAULT_TX_SOFT_QUEUE} by default, as iflib's
 *                       {@code mp_ring}): a packet that finds too few descriptors free waits there, in order, for
 *                       the transmit thread to free them; only a packet that finds it full is dropped (0: no
 *                       software queue, a packet that does not fit the ring is dropped at once)
 */
public record NicConfig(int rxQueues, int txQueues, int ringSize, int batch, int cpus, byte[] rssKey, boolean lro,
                        boolean tso, int tsoMax, int tsoMaxSegCount, int tsoMaxSegSize, int txSoftQueue) {
    public static final int DEFAULT_RING_SIZE = 1024;
    public static final int DEFAULT_BATCH = 32;
    /**
     * FreeBSD's default {@code if_hw_tsomax} (if_attach): min(IP_MAXPACKET, 32 * MCLBYTES - (ETHER_HDR_LEN +
     * ETHER_VLAN_ENCAP_LEN)) = 65,518 bytes.
     */
    public static final int DEFAULT_TSO_MAX = 65518;
    /** FreeBSD's default {@code if_hw_tsomaxsegcount} (if_attach): 35 DMA segments. */
    public static final int DEFAULT_TSO_MAX_SEG_COUNT = 35;
    /** FreeBSD's default {@code if_hw_tsomaxsegsize} (if_attach): 2,048 bytes, a cluster. */
    public static final int DEFAULT_TSO_MAX_SEG_SIZE = 2048;
    /**
     * Packets a TX queue's software queue holds by default: 2,048, the size iflib gives the {@code mp_ring} it
     * puts in front of each TX descriptor ring.
     */
    public static final int DEFAULT_TX_SOFT_QUEUE = 2048;

    public NicConfig {
        if (rxQueues < 1 || txQueues < 1) throw new IllegalArgumentException("a NIC needs 1+ RX and TX queues");
        if (ringSize < 1 || batch < 1 || cpus < 1) throw new IllegalArgumentException("ringSize, batch, cpus >= 1");
        if (tsoMax < 1 || tsoMax > 65535 || tsoMaxSegCount < 1 || tsoMaxSegSize < 1) {
            throw new IllegalArgumentException("TSO limits: tsoMax 1..65535, tsoMaxSegCount and tsoMaxSegSize >= 1 (got "
                    + tsoMax + ", " + tsoMaxSegCount + ", " + tsoMaxSegSize + ")");
        }
        if (txSoftQueue < 0) throw new IllegalArgumentException("txSoftQueue >= 0 (got " + txSoftQueue + ")");
        if (tso && ringSize < 2) {
            throw new IllegalArgumentException("a TSO packet takes 2+ descriptors: ringSize >= 2 with tso");
        }
        rssKey = java.util.Objects.requireNonNull(rssKey, "rssKey").clone();
    }

    /** A NIC with these TSO limits and the default TX software queue ({@link #DEFAULT_TX_SOFT_QUEUE}). */
    public NicConfig(int rxQueues, int txQueues, int ringSize, int batch, int cpus, byte[] rssKey, boolean lro,
                     boolean tso, int tsoMax, int tsoMaxSegCount, int tsoMaxSegSize) {
        this(rxQueues, txQueues, ringSize, batch, cpus, rssKey, lro, tso, tsoMax, tsoMaxSegCount, tsoMaxSegSize,
                DEFAULT_TX_SOFT_QUEUE);
    }

    /** A NIC with the offloads {@code lro} and {@code tso} say, and FreeBSD's default TSO limits. */
    public NicConfig(int rxQueues, int txQueues, int ringSize, int batch, int cpus, byte[] rssKey, boolean lro,
                     boolean tso) {
        this(rxQueues, txQueues, ringSize, batch, cpus, rssKey, lro, tso, DEFAULT_TSO_MAX, DEFAULT_TSO_MAX_SEG_COUNT,
                DEFAULT_TSO_MAX_SEG_SIZE);
    }

    /** A NIC without offloads. */
    public NicConfig(int rxQueues, int txQueues, int ringSize, int batch, int cpus, byte[] rssKey) {
        this(rxQueues, txQueues, ringSize, batch, cpus, rssKey, false, false);
    }

    /** A NIC with large receive offload as {@code lro} says, without TSO (the shape before TSO was added). */
    public NicConfig(int rxQueues, int txQueues, int ringSize, int batch, int cpus, byte[] rssKey, boolean lro) {
        this(rxQueues, txQueues, ringSize, batch, cpus, rssKey, lro, false);
    }

    /** {@code queues} RX and TX queues on {@code queues} CPUs, default ring and batch, Microsoft's key. */
    public static NicConfig of(int queues) {
        return new NicConfig(queues, queues, DEFAULT_RING_SIZE, DEFAULT_BATCH, queues, RssHash.MICROSOFT_KEY, false, false);
    }

    public NicConfig withRingSize(int n) {
        return new NicConfig(rxQueues, txQueues, n, batch, cpus, rssKey, lro, tso, tsoMax, tsoMaxSegCount, tsoMaxSegSize, txSoftQueue);
    }

    public NicConfig withBatch(int n) {
        return new NicConfig(rxQueues, txQueues, ringSize, n, cpus, rssKey, lro, tso, tsoMax, tsoMaxSegCount, tsoMaxSegSize, txSoftQueue);
    }

    public NicConfig withCpus(int n) {
        return new NicConfig(rxQueues, txQueues, ringSize, batch, n, rssKey, lro, tso, tsoMax, tsoMaxSegCount, tsoMaxSegSize, txSoftQueue);
    }

    /** Large receive offload on or off at start (off by default). */
    public NicConfig withLro(boolean on) {
        return new NicConfig(rxQueues, txQueues, ringSize, batch, cpus, rssKey, on, tso, tsoMax, tsoMaxSegCount, tsoMaxSegSize, txSoftQueue);
    }

    /** The same NIC with TCP segmentation offload on or off (the host uses it while net.inet.tcp.tso is 1). */
    public NicConfig withTso(boolean on) {
        return new NicConfig(rxQueues, txQueues, ringSize, batch, cpus, rssKey, lro, on, tsoMax, tsoMaxSegCount, tsoMaxSegSize, txSoftQueue);
    }

    /**
     * The same NIC with other TSO limits (a driver's {@code if_hw_tsomax}, {@code if_hw_tsomaxsegcount},
     * {@code if_hw_tsomaxsegsize}); TCP sizes its TSO packets to fit them.
     */
    public NicConfig withTsoLimits(int max, int maxSegCount, int maxSegSize) {
        return new NicConfig(rxQueues, txQueues, ringSize, batch, cpus, rssKey, lro, tso, max, maxSegCount, maxSegSize, txSoftQueue);
    }

    /**
     * The same NIC with a software queue of {@code packets} packets in front of each TX descriptor ring (0: none,
     * a packet the ring cannot take is dropped at once, as before the queue was modelled).
     */
    public NicConfig withTxSoftQueue(int packets) {
        return new NicConfig(rxQueues, txQueues, ringSize, batch, cpus, rssKey, lro, tso, tsoMax, tsoMaxSegCount,
                tsoMaxSegSize, packets);
    }

    @Override public byte[] rssKey() { return rssKey.clone(); }
}
