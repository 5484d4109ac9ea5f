package smpnet.stack.dev;

/**
 * The shape of a simulated NIC.
 *
 * @param rxQueues RX queues, each with its own ring and interrupt thread (RSS spreads flows over them)
 * @param txQueues TX queues, each with its own ring and transmit thread
 * @param ringSize frames each ring holds; a full ring drops and counts
 * @param batch    frames an interrupt or transmit thread takes per lock acquisition
 * @param cpus     the host's CPU count: RX queue q's ithread and TX queue q's thread run on CPU q mod cpus
 * @param rssKey   the Toeplitz key ({@link RssHash#MICROSOFT_KEY} by default)
 * @param lro      large receive offload on at start (FreeBSD's IFCAP_LRO; off by default): each RX queue's
 *                 ithread merges in-order TCP segments of a flow into one packet ({@link SimNic#setLro})
 * @param tso      TCP segmentation offload (FreeBSD's IFCAP_TSO4), off by default: the NIC takes TCP segments
 *                 of up to 65,535 bytes and cuts them into MTU-sized frames on transmit ({@link SimNic#setTso})
 */
public record NicConfig(int rxQueues, int txQueues, int ringSize, int batch, int cpus, byte[] rssKey, boolean lro,
                        boolean tso) {
    public static final int DEFAULT_RING_SIZE = 1024;
    public static final int DEFAULT_BATCH = 32;

    public NicConfig {
        if (rxQueues < 1 || txQueues < 1) throw new IllegalArgumentException("a NIC needs 1+ RX and TX queues");
        if (ringSize < 1 || batch < 1 || cpus < 1) throw new IllegalArgumentException("ringSize, batch, cpus >= 1");
        rssKey = rssKey.clone();
    }

    /** A NIC without offloads. */
    public NicConfig(int rxQueues, int txQueues, int ringSize, int batch, int cpus, byte[] rssKey) {
        this(rxQueues, txQueues, ringSize, batch, cpus, rssKey, false, false);
    }

    /** {@code queues} RX and TX queues on {@code queues} CPUs, default ring and batch, Microsoft's key. */
    public static NicConfig of(int queues) {
        return new NicConfig(queues, queues, DEFAULT_RING_SIZE, DEFAULT_BATCH, queues, RssHash.MICROSOFT_KEY, false, false);
    }

    public NicConfig withRingSize(int n) { return new NicConfig(rxQueues, txQueues, n, batch, cpus, rssKey, lro, tso); }
    public NicConfig withBatch(int n) { return new NicConfig(rxQueues, txQueues, ringSize, n, cpus, rssKey, lro, tso); }
    public NicConfig withCpus(int n) { return new NicConfig(rxQueues, txQueues, ringSize, batch, n, rssKey, lro, tso); }
    /** Large receive offload on or off at start (off by default). */
    public NicConfig withLro(boolean on) { return new NicConfig(rxQueues, txQueues, ringSize, batch, cpus, rssKey, on, tso); }
    /** The same NIC with TCP segmentation offload on or off (the host uses it while net.inet.tcp.tso is 1). */
    public NicConfig withTso(boolean on) { return new NicConfig(rxQueues, txQueues, ringSize, batch, cpus, rssKey, lro, on); }

    @Override public byte[] rssKey() { return rssKey.clone(); }
}
