package smpnet.stack.internal.mbuf;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.IntFunction;
import java.util.function.Supplier;
import smpnet.locking.CacheLinePadded;
import smpnet.locking.CondVar;
import smpnet.locking.GuardedBy;
import smpnet.locking.Mutex;
import smpnet.locking.Scheduler;
import smpnet.locking.SpinMutex;
import smpnet.witness.LockFlags;
import smpnet.stack.mbuf.ZoneStats;

/**
 * A UMA-like zone of equal items (mbuf storage, clusters): a global pool under the {@code mbuf_zone} lock
 * and one cache per CPU that exchanges items with the pool a bucket at a time, so the common allocate and
 * free touch only the caller's own cache.
 *
 * <pre>
 *   cpu0 cache [##########..........]   cpu1 cache [####................]   up to 2 buckets each
 *                  |  refill / spill one bucket (bucketSize items) under mbuf_zone
 *                  v
 *   pool       [##############....]  items created but not in use and not cached
 *   created  = in use + cached (all CPUs) + pool   &lt;=  limit
 * </pre>
 *
 * <p>With caches on, the pool keeps a bounded reserve, as UMA's {@code uma_zone_set_maxcache}: at most
 * {@link #POOL_BUCKETS_PER_CPU} buckets per CPU. A bucket spilled into a full pool is released to the garbage
 * collector ({@code created} drops by as many), so the memory a zone keeps follows what is in use plus that
 * reserve, not the highest burst it ever met: a host that once had thousands of packets queued (a receive
 * ring filling behind Giant) would otherwise hold their storage for good.
 *
 * <p>Locking key:
 * <ul>
 *   <li>{@code mbuf_cache} (spin, DUPOK, one per CPU): that cache's items and counters. A thread the scheduler
 *       did not start maps to a CPU by hash and may share it, so the guard is needed even though it is
 *       normally uncontended. The allocate and free paths only <em>try</em> it: FreeBSD uses a per-CPU cache
 *       inside a critical section (no preemption, no lock), but a Java thread holding this lock can be
 *       descheduled, and a thread spinning behind it would wait for a whole time slice. So an allocation or
 *       a free that finds its cache busy goes straight to the pool under {@code mbuf_zone} (a free is released
 *       if the reserve is full) and is counted
 *       there ({@code busyAllocs}, {@code busyFrees}); nobody ever waits for a cache on the common path. That
 *       busy path only <em>tries</em> {@code mbuf_zone} too, and the cache again, yielding between rounds,
 *       so it never queues for the pool behind a preempted thread.</li>
 *   <li>{@code mbuf_zone} (spin): the pool, {@code created} and {@code failures}.</li>
 *   <li>{@code mbuf_wait} (mutex) with cv {@code mbuf_free}: the waiters of an allocation that may wait.</li>
 * </ul>
 * Order: {@code mbuf_wait -> mbuf_cache (cpu 0, 1, ...) -> mbuf_zone}. A path that needs several caches (the
 * exhaustion path and {@link #stats()}) drops its own cache first and takes them all in CPU order, blocking,
 * so the decision "nothing is free anywhere" and a statistics snapshot are atomic: those rare paths may still
 * wait for a descheduled cache holder.
 *
 * @param <T> the item type
 */
public final class Zone<T> {
    /** Allocation may not wait: returns null on exhaustion and counts a failure. */
    public static final int NOWAIT = 1;
    /** Allocation may wait (up to the zone's timeout) for an item to be freed. */
    public static final int WAIT = 2;

    private final String name;
    private final int limit;
    private final int bucketSize;
    private final long waitTimeoutNanos;
    /** The pool's reserve, in buckets per CPU (with caches on; without them the pool is the free list). */
    public static final int POOL_BUCKETS_PER_CPU = 4;

    private final IntFunction<T> constructor;
    /** Most items the pool keeps when caches are on. */
    private final int poolMax;
    private final Cache[] caches;
    private final SpinMutex poolLock;
    private final Mutex waitLock;
    private final CondVar freed;

    @GuardedBy("mbuf_zone") private Object[] pool = new Object[16];
    @GuardedBy("mbuf_zone") private int poolCount;
    @GuardedBy("mbuf_zone") private int created;
    /** The number the next new item gets: {@code created} counts items kept, and numbers are not reused. */
    @GuardedBy("mbuf_zone") private int nextIndex;
    @GuardedBy("mbuf_zone") private long failures;
    /** Allocations and frees that bypassed the caches (caching off, the exhaustion path, or a busy cache). */
    @GuardedBy("mbuf_zone") private long poolAllocs;
    @GuardedBy("mbuf_zone") private long poolFrees;
    /** The part of poolAllocs and poolFrees that found the caller's cache locked by another thread. */
    @GuardedBy("mbuf_zone") private long busyAllocs;
    @GuardedBy("mbuf_zone") private long busyFrees;
    /** Written under mbuf_wait, read by {@link #stats()} without it (mbuf_wait ranks above the caches). */
    @GuardedBy("mbuf_wait") private volatile long sleeps;
    /** Written under mbuf_wait; read without it by frees, which then signal under it (see {@link #free}). */
    @GuardedBy("mbuf_wait") private volatile int waiters;

    /**
     * Creates a zone. {@code bucketSize} 0 disables the per-CPU caches: every operation then takes the
     * global lock (the baseline the benchmarks compare against).
     *
     * @param constructor makes item number {@code i} (0, 1, ...) the first time the zone needs it
     */
    public Zone(String name, int ncpu, int limit, int bucketSize, long waitTimeoutNanos, IntFunction<T> constructor) {
        this(name, ncpu, limit, bucketSize, waitTimeoutNanos, constructor, 0);
    }

    /** As the public constructor, with extra {@link LockFlags} for the zone's locks (tests: NOWITNESS). */
    Zone(String name, int ncpu, int limit, int bucketSize, long waitTimeoutNanos, IntFunction<T> constructor, int lockFlags) {
        if (ncpu < 1 || limit < 0 || bucketSize < 0) {
            throw new IllegalArgumentException("zone " + name + ": ncpu " + ncpu + ", limit " + limit + ", bucket " + bucketSize);
        }
        this.name = name;
        this.limit = limit;
        this.bucketSize = bucketSize;
        this.waitTimeoutNanos = waitTimeoutNanos;
        this.constructor = constructor;
        this.poolMax = POOL_BUCKETS_PER_CPU * bucketSize * ncpu;
        this.poolLock = new SpinMutex("mbuf_zone", lockFlags);
        this.waitLock = new Mutex("mbuf_wait", lockFlags);
        this.freed = new CondVar("mbuf_free");
        this.caches = newCaches(ncpu);
        for (int i = 0; i < ncpu; i++) caches[i] = new Cache(i, 2 * bucketSize, lockFlags);
    }

    @SuppressWarnings("unchecked")
    private Cache[] newCaches(int n) { return (Cache[]) new Zone<?>.Cache[n]; }

    public String name() { return name; }

    public int limit() { return limit; }

    public int ncpu() { return caches.length; }

    /** The lock of {@code cpu}'s cache (tests hold it to show that nobody waits for it). */
    SpinMutex cacheLock(int cpu) { return caches[cpu].lock; }

    /**
     * The CPU whose cache the calling thread uses: the scheduler's {@link Scheduler#processor() processor},
     * folded onto this zone's CPUs. With free threads that is the processor the thread runs on now, as UMA
     * uses {@code curcpu}: a thread's simulated CPU would let two processors share one cache (an application
     * thread hashes onto a simulated CPU, and an ithread runs wherever the OS puts it), and their allocations
     * and frees would pass that cache's lock and array between them on every packet (measured: 13% of a
     * 2-CPU bulk transfer's samples). The answer may be stale by the time the cache is used; its lock keeps
     * that correct, and a thread that moved meanwhile only touches another processor's cache once.
     */
    public int currentCpu() {
        // One cache (one CPU): no lookup of the caller's CPU (2% of a bulk segment's CPU).
        return caches.length == 1 ? 0 : Math.floorMod(Scheduler.current().processor(), caches.length);
    }

    /** Allocates an item, on the calling thread's CPU; null when exhausted ({@code how} decides whether to wait). */
    public T alloc(int how) { return alloc(currentCpu(), how); }

    /** Allocates an item through the cache of {@code cpu}. */
    public T alloc(int cpu, int how) {
        if (how != NOWAIT && how != WAIT) throw new IllegalArgumentException("allocation flag " + how);
        checkCpu(cpu);
        T item = bucketSize == 0 ? allocFromPool() : allocFast(caches[cpu]);
        if (item == null) item = allocAnywhere(how != WAIT);
        if (item == null && how == WAIT) item = allocWaiting();
        return item;
    }

    /** Returns an item to the calling thread's CPU cache. */
    public void free(T item) { free(currentCpu(), item); }

    /** Returns an item through the cache of {@code cpu}. */
    public void free(int cpu, T item) {
        if (item == null) throw new NullPointerException("free of null item in zone " + name);
        checkCpu(cpu);
        if (bucketSize == 0) {
            freeToPool(item);
        } else {
            freeToCache(caches[cpu], item);
        }
        // A waiter counts itself before its last look at every cache, so if it missed this item it is
        // already counted here; it holds mbuf_wait until it sleeps, so the broadcast cannot come too early.
        if (waiters > 0) wakeWaiters();
    }

    private void checkCpu(int cpu) {
        if (cpu < 0 || cpu >= caches.length) throw new IllegalArgumentException("cpu " + cpu + " of " + this + " with " + caches.length);
    }

    /** Into the cache, or into the pool if another thread holds the cache (it may have been descheduled). */
    private void freeToCache(Cache c, T item) {
        if (c.lock.tryLock()) {
            freeAndUnlock(c, item);
        } else {
            freeBusy(c, item);
        }
    }

    /** Frees into the cache whose lock the caller just took, and drops it. */
    private void freeAndUnlock(Cache c, T item) {
        try {
            c.freeLocked(item);
        } finally {
            c.lock.unlock();
        }
    }

    /**
     * Past a busy cache into the pool, or released like a spilled bucket if the pool's reserve is full. The
     * pool lock is only tried, the cache again each round, and the waiter yields between rounds: a thread
     * that queued for the pool behind a preempted holder (the spin mutex serves in ticket order) made every
     * later one queue behind it in turn, and on one CPU each of them spun out its time slice (11% of a
     * bulk TCP segment's CPU). Trying takes whichever lock frees first, and takes no ticket.
     */
    private void freeBusy(Cache c, T item) {
        for (int i = 0; ; i++) {
            if (poolLock.tryLock()) {
                try {
                    if (poolCount < poolMax) {
                        pushPoolLocked(item);
                    } else {
                        created--;
                    }
                    poolFrees++;
                    busyFrees++;
                } finally {
                    poolLock.unlock();
                }
                return;
            }
            if (c.lock.tryLock()) {
                freeAndUnlock(c, item);
                return;
            }
            Scheduler.current().spinWait(i);
        }
    }

    /** Caching off: the single global free list, one lock round trip per operation. */
    private T allocFromPool() {
        poolLock.lock();
        try {
            return takePoolLocked();
        } finally {
            poolLock.unlock();
        }
    }

    private void freeToPool(T item) {
        poolLock.lock();
        try {
            pushPoolLocked(item);
            poolFrees++;
        } finally {
            poolLock.unlock();
        }
    }

    @GuardedBy("mbuf_zone")
    private void pushPoolLocked(Object item) {
        poolLock.assertOwned();
        if (poolCount == pool.length) pool = Arrays.copyOf(pool, pool.length * 2);
        pool[poolCount++] = item;
    }

    @GuardedBy("mbuf_zone")
    private T newItemLocked() {
        poolLock.assertOwned();
        created++;
        return constructor.apply(nextIndex++);
    }

    /** A consistent snapshot of the zone's counters (all caches, then the pool, locked at once). */
    public ZoneStats stats() { return underAllLocks(this::statsLocked); }

    /** Items in use right now (allocated and not freed). */
    public long inUse() { return stats().inUse(); }

    @GuardedBy("mbuf_zone")
    private ZoneStats statsLocked() {
        poolLock.assertOwned();
        long cached = 0;
        List<ZoneStats.CpuStats> perCpu = new ArrayList<>(caches.length);
        for (Cache c : caches) {
            cached += c.count;
            perCpu.add(new ZoneStats.CpuStats(c.cpu, c.count, c.allocs, c.frees));
        }
        long inUse = created - poolCount - cached;
        return new ZoneStats(name, limit, created, inUse, cached, poolCount, failures, sleeps,
                poolAllocs, poolFrees, busyAllocs, busyFrees, perCpu);
    }

    /**
     * Common path: the cache alone, or the cache refilled with one bucket from the pool. If another thread
     * holds the cache, one item from the pool instead (null when the pool is empty and the zone at its
     * limit: the caller then takes the exhaustion path).
     */
    private T allocFast(Cache c) {
        return c.lock.tryLock() ? allocAndUnlock(c) : allocBusy(c);
    }

    /** Takes an item from the cache whose lock the caller just took, refilled if empty, and drops the lock. */
    private T allocAndUnlock(Cache c) {
        try {
            if (c.count == 0 && !refillLocked(c)) return null;
            return c.popLocked();
        } finally {
            c.lock.unlock();
        }
    }

    /** Past a busy cache: one item from the pool, or the cache if it is free first (see {@link #freeBusy}). */
    private T allocBusy(Cache c) {
        for (int i = 0; ; i++) {
            if (poolLock.tryLock()) {
                try {
                    T item = takePoolLocked();
                    if (item != null) busyAllocs++;
                    return item;
                } finally {
                    poolLock.unlock();
                }
            }
            if (c.lock.tryLock()) return allocAndUnlock(c);
            Scheduler.current().spinWait(i);
        }
    }

    /** Moves up to one bucket from the pool (creating an item if the pool is empty) into the cache. */
    @GuardedBy("mbuf_cache")
    private boolean refillLocked(Cache c) {
        c.lock.assertOwned();
        poolLock.lock();
        try {
            int n = Math.min(bucketSize, poolCount);
            if (n > 0) {
                System.arraycopy(pool, poolCount - n, c.items, Cache.BASE, n);
                Arrays.fill(pool, poolCount - n, poolCount, null);
                poolCount -= n;
                c.count = n;
                return true;
            }
            if (created < limit) {
                c.items[Cache.BASE] = newItemLocked();
                c.count = 1;
                return true;
            }
            return false;
        } finally {
            poolLock.unlock();
        }
    }

    /** Exhaustion path: with every cache and the pool locked, takes an item from anywhere, or fails. */
    private T allocAnywhere(boolean countFailure) {
        return underAllLocks(() -> {
            T item = takeAnywhereLocked();
            if (item == null && countFailure) failures++;
            return item;
        });
    }

    /** A pooled item, or a new one while under the limit. */
    @GuardedBy("mbuf_zone")
    @SuppressWarnings("unchecked")
    private T takePoolLocked() {
        poolLock.assertOwned();
        if (poolCount > 0) {
            T item = (T) pool[--poolCount];
            pool[poolCount] = null;
            poolAllocs++;
            return item;
        }
        if (created < limit) {
            poolAllocs++;
            return newItemLocked();
        }
        return null;
    }

    @GuardedBy("mbuf_zone")
    private T takeAnywhereLocked() {
        poolLock.assertOwned();
        T item = takePoolLocked();
        if (item != null) return item;
        for (Cache c : caches) {
            // Taken from another CPU's cache: counted as that cache's allocation.
            if (c.count > 0) return c.popLocked();
        }
        return null;
    }

    /** Waits through the scheduler seam for a free, up to the zone's timeout; a timeout counts one failure. */
    private T allocWaiting() {
        Scheduler sched = Scheduler.current();
        long deadline = sched.nanoTime() + waitTimeoutNanos;
        waitLock.lock();
        try {
            waiters++;
            try {
                while (true) {
                    T item = allocAnywhere(false);
                    if (item != null) return item;
                    long left = deadline - sched.nanoTime();
                    if (left <= 0) {
                        countFailure();
                        return null;
                    }
                    sleeps++;
                    freed.awaitNanos(waitLock, left);
                }
            } finally {
                waiters--;
            }
        } finally {
            waitLock.unlock();
        }
    }

    private void countFailure() {
        poolLock.lock();
        try {
            failures++;
        } finally {
            poolLock.unlock();
        }
    }

    private void wakeWaiters() {
        waitLock.lock();
        try {
            freed.broadcast();
        } finally {
            waitLock.unlock();
        }
    }

    /** Spills one bucket of a full cache into the pool; what the pool's reserve has no room for is released. */
    @GuardedBy("mbuf_cache")
    private void spillLocked(Cache c) {
        c.lock.assertOwned();
        int n = bucketSize;
        poolLock.lock();
        try {
            // The coldest bucket (bottom of the stack) leaves; the recently freed, cache-warm items stay.
            int kept = Math.min(n, poolMax - poolCount);
            if (poolCount + kept > pool.length) pool = Arrays.copyOf(pool, Math.max(pool.length * 2, poolCount + kept));
            System.arraycopy(c.items, Cache.BASE, pool, poolCount, kept);
            poolCount += kept;
            created -= n - kept;
        } finally {
            poolLock.unlock();
        }
        System.arraycopy(c.items, Cache.BASE + n, c.items, Cache.BASE, c.count - n);
        Arrays.fill(c.items, Cache.BASE + c.count - n, Cache.BASE + c.count, null);
        c.count -= n;
    }

    /** Runs {@code body} with every cache (in CPU order) and then the pool locked: an atomic view of the zone. */
    private <R> R underAllLocks(Supplier<R> body) {
        int locked = 0;
        try {
            for (Cache c : caches) {
                c.lock.lock();
                locked++;
            }
            poolLock.lock();
            try {
                return body.get();
            } finally {
                poolLock.unlock();
            }
        } finally {
            for (int i = locked - 1; i >= 0; i--) caches[i].lock.unlock();
        }
    }

    @Override
    public String toString() { return "zone " + name; }

    /**
     * One CPU's cache: up to two buckets of free items, LIFO so the hottest item is reused first. Written on
     * every allocation and free by its CPU, so it is padded ({@link CacheLinePadded}), and its items start
     * {@link #BASE} slots into their array and end as many before its end: another CPU's cache never shares
     * a cache line with it, wherever the collector moves them.
     */
    private final class Cache extends CacheLinePadded {
        static final int BASE = CacheLinePadded.PADDING_REFS;
        final int cpu;
        final int capacity;
        final SpinMutex lock;
        @GuardedBy("mbuf_cache") final Object[] items;
        @GuardedBy("mbuf_cache") int count;
        @GuardedBy("mbuf_cache") long allocs;
        @GuardedBy("mbuf_cache") long frees;

        Cache(int cpu, int capacity, int lockFlags) {
            this.cpu = cpu;
            this.lock = new SpinMutex("mbuf_cache", LockFlags.DUPOK | lockFlags);
            this.capacity = capacity;
            this.items = new Object[BASE + capacity + BASE];
        }

        @SuppressWarnings("unchecked")
        T popLocked() {
            lock.assertOwned();
            T item = (T) items[BASE + --count];
            items[BASE + count] = null;
            allocs++;
            return item;
        }

        void freeLocked(Object item) {
            lock.assertOwned();
            frees++;
            items[BASE + count++] = item;
            // With caching off (bucketSize 0) the item goes straight back to the pool.
            if (count == capacity) spillLocked(this);
        }
    }
}
