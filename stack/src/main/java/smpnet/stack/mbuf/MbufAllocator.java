package smpnet.stack.mbuf;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import smpnet.stack.internal.StackProperties;
import smpnet.stack.internal.mbuf.Zone;

/**
 * The packet memory of one stack instance: an mbuf zone and a cluster zone (each with per-CPU caches),
 * their statistics, and the accounting of every outstanding mbuf with its allocation site.
 *
 * <p>Thread-safe. The zones carry their own locks ({@link Zone}); the outstanding set is a concurrent set
 * touched only when tracking is on; the allocator itself holds no lock.
 *
 * <p>Tracking (recording each mbuf's allocation site and the set of outstanding mbufs) is on unless the
 * system property {@code smpnet.mbuf.track=off}; benchmarks turn it off. The outstanding count is exact
 * either way, from the zone's counters.
 */
public final class MbufAllocator {
    /** System property: {@code off} disables site tracking (benchmarks). */
    public static final String TRACK_PROPERTY = StackProperties.MBUF_TRACK;

    /**
     * How an allocator is built.
     *
     * @param name            shown in statistics and leak reports (e.g. the host's name)
     * @param ncpu            number of per-CPU caches (the host's netisr workers)
     * @param mbufLimit       most mbufs the mbuf zone may ever create
     * @param clusterLimit    most clusters the cluster zone may ever create
     * @param bucketSize      items moved between a CPU cache and the pool at once; 0 turns caching off
     * @param waitTimeoutNanos how long an {@link Mbuf#M_WAIT} allocation waits for a free before giving up
     * @param tracking        record allocation sites and the outstanding set
     */
    public record Config(String name, int ncpu, int mbufLimit, int clusterLimit, int bucketSize,
                         long waitTimeoutNanos, boolean tracking) {

        /** 1 CPU, 65536 mbufs, 16384 clusters, buckets of 32, 1 s wait, tracking per the system property. */
        public static Config defaults(String name) {
            return new Config(name, 1, 65536, 16384, 32, 1_000_000_000L, trackingDefault());
        }

        public Config withCpus(int n) { return new Config(name, n, mbufLimit, clusterLimit, bucketSize, waitTimeoutNanos, tracking); }

        public Config withLimits(int mbufs, int clusters) {
            return new Config(name, ncpu, mbufs, clusters, bucketSize, waitTimeoutNanos, tracking);
        }

        public Config withBucketSize(int n) { return new Config(name, ncpu, mbufLimit, clusterLimit, n, waitTimeoutNanos, tracking); }

        public Config withWaitTimeoutNanos(long t) { return new Config(name, ncpu, mbufLimit, clusterLimit, bucketSize, t, tracking); }

        public Config withTracking(boolean on) { return new Config(name, ncpu, mbufLimit, clusterLimit, bucketSize, waitTimeoutNanos, on); }
    }

    private static final AtomicLong EXT_IDS = new AtomicLong();

    private final Config config;
    private final Zone<Storage> mbufZone;
    private final Zone<Storage> clusterZone;
    private final Set<Mbuf> outstanding;

    public MbufAllocator(Config config) {
        this.config = config;
        this.mbufZone = new Zone<>("mbufs", config.ncpu(), config.mbufLimit(), config.bucketSize(),
                config.waitTimeoutNanos(), i -> new Storage(i, Mbuf.MLEN));
        this.clusterZone = new Zone<>("clusters", config.ncpu(), config.clusterLimit(), config.bucketSize(),
                config.waitTimeoutNanos(), i -> new Storage(i, Mbuf.MCLBYTES));
        this.outstanding = config.tracking() ? ConcurrentHashMap.newKeySet() : null;
        LeakRegistry.register(this);
    }

    /** An allocator with default settings. */
    public static MbufAllocator create(String name) { return new MbufAllocator(Config.defaults(name)); }

    static boolean trackingDefault() { return StackProperties.mbufTracking(); }

    public Config config() { return config; }

    public String name() { return config.name(); }

    // ---- allocation --------------------------------------------------------------------------------------

    /** An empty mbuf with MLEN bytes of room (m_get), or null on exhaustion. */
    public Mbuf get(int how) { return newMbuf(how, false); }

    /** An empty packet-header mbuf with MHLEN bytes of room (m_gethdr), or null on exhaustion. */
    public Mbuf getHeader(int how) { return newMbuf(how, true); }

    /** An empty mbuf with a fresh 2 KB cluster (m_getcl), or null on exhaustion of either zone. */
    public Mbuf getCluster(int how) { return newClusterMbuf(how, false); }

    /** As {@link #getCluster}, with a packet header. */
    public Mbuf getHeaderCluster(int how) { return newClusterMbuf(how, true); }

    /**
     * An mbuf whose data is all of the caller's {@code region} (m_extadd): zero-copy. {@code completion} runs
     * exactly once, when the last mbuf referencing the region (this one and its copies) is freed.
     *
     * @param readOnly true if the stack may never write into the region (e.g. a file being sent)
     */
    public Mbuf getExternal(MemorySegment region, boolean readOnly, Runnable completion, int how) {
        if (region.byteSize() > Integer.MAX_VALUE) throw new IllegalArgumentException("region over 2 GB");
        Mbuf m = newMbuf(how, false);
        if (m == null) return null;
        ExtStorage e = new ExtStorage(region, readOnly, completion, "ext", EXT_IDS.incrementAndGet(), -1);
        m.attach(e, 0, (int) region.byteSize());
        m.len = (int) region.byteSize();
        return m;
    }

    /**
     * A packet (with header, pktLen set) holding a copy of {@code src[off, off+len)}, in clusters when large
     * (m_devget), with {@code leadingSpace} bytes free in front for headers. Null on exhaustion.
     */
    public Mbuf fromBytes(byte[] src, int off, int len, int leadingSpace, int how) {
        if (leadingSpace < 0 || leadingSpace > Mbuf.MCLBYTES) throw new IllegalArgumentException("leading space " + leadingSpace);
        Mbuf head = leadingSpace + len > Mbuf.MHLEN ? getHeaderCluster(how) : getHeader(how);
        if (head == null) return null;
        head.reserve(Math.min(leadingSpace, head.trailingSpace()));
        if (!head.append(src, off, len, how)) {
            head.freeChain();
            return null;
        }
        return head;
    }

    /** As {@link #fromBytes(byte[], int, int, int, int)} with no leading space. */
    public Mbuf fromBytes(byte[] src, int off, int len, int how) { return fromBytes(src, off, len, 0, how); }

    private Mbuf newMbuf(int how, boolean pkthdr) {
        Storage s = mbufZone.alloc(how);
        if (s == null) return null;
        Mbuf m = new Mbuf(this, s, pkthdr, outstanding == null ? null : AllocSites.capture());
        if (outstanding != null) outstanding.add(m);
        return m;
    }

    private Mbuf newClusterMbuf(int how, boolean pkthdr) {
        Mbuf m = newMbuf(how, pkthdr);
        if (m == null) return null;
        Storage c = clusterZone.alloc(how);
        if (c == null) {
            m.free();
            return null;
        }
        c.uses++;
        m.attach(new ExtStorage(c.seg, false, () -> clusterZone.free(c), "cluster", c.index, c.uses),
                0, Mbuf.MCLBYTES);
        return m;
    }

    /** Called by {@link Mbuf#free} once the mbuf is dead. */
    void release(Mbuf m) {
        if (outstanding != null) outstanding.remove(m);
        mbufZone.free(m.storage());
    }

    // ---- statistics and leaks ----------------------------------------------------------------------------

    /** A snapshot of both zones, printable like {@code netstat -m}. */
    public MbufStats stats() { return new MbufStats(config.name(), mbufZone.stats(), clusterZone.stats()); }

    /** Mbufs allocated and not yet freed (exact, tracking or not). */
    public long outstanding() { return mbufZone.inUse(); }

    /** Clusters still referenced (by outstanding mbufs). */
    public long outstandingClusters() { return clusterZone.inUse(); }

    /**
     * One line per outstanding mbuf (name, kind, length, allocation site), oldest storage first; empty when
     * tracking is off (use {@link #outstanding()} for the count).
     */
    public List<String> outstandingReport() {
        if (outstanding == null) return List.of();
        List<Mbuf> all = new ArrayList<>(outstanding);
        all.sort(Comparator.comparing(Mbuf::name));
        List<String> lines = new ArrayList<>(all.size());
        for (Mbuf m : all) lines.add(m.describe());
        return lines;
    }

    /** True if allocation sites are recorded. */
    public boolean tracking() { return outstanding != null; }

    @Override
    public String toString() { return "mbuf allocator " + config.name(); }
}
