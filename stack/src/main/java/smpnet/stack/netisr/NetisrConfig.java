package smpnet.stack.netisr;

/**
 * The settings of one host's netisr: its workers (one per simulated CPU, worker i bound to CPU i), the
 * bound of each worker's queue, and the two policies.
 *
 * @param workers    number of workers (CPUs), at least 1
 * @param queueLimit packets a worker's queue holds before it drops (default {@link #DEFAULT_QUEUE_LIMIT})
 * @param dispatch   where handlers run
 * @param placement  which worker a packet goes to
 * @param batch      packets a worker takes from its queue per lock acquisition
 */
public record NetisrConfig(int workers, int queueLimit, DispatchPolicy dispatch, PlacementPolicy placement,
                           int batch) {
    /** FreeBSD's default {@code net.isr.defaultqlimit} is 256 too. */
    public static final int DEFAULT_QUEUE_LIMIT = 256;
    public static final int DEFAULT_BATCH = 32;

    public NetisrConfig {
        if (workers < 1) throw new IllegalArgumentException("workers must be >= 1: " + workers);
        if (queueLimit < 1) throw new IllegalArgumentException("queueLimit must be >= 1: " + queueLimit);
        if (batch < 1) throw new IllegalArgumentException("batch must be >= 1: " + batch);
        if (dispatch == null || placement == null) throw new IllegalArgumentException("policies must be set");
    }

    /** {@code workers} workers, default queue limit and batch. */
    public static NetisrConfig of(int workers, DispatchPolicy dispatch, PlacementPolicy placement) {
        return new NetisrConfig(workers, DEFAULT_QUEUE_LIMIT, dispatch, placement, DEFAULT_BATCH);
    }

    public NetisrConfig withQueueLimit(int limit) {
        return new NetisrConfig(workers, limit, dispatch, placement, batch);
    }

    public NetisrConfig withBatch(int n) {
        return new NetisrConfig(workers, queueLimit, dispatch, placement, n);
    }
}
