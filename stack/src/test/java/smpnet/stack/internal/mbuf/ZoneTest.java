package smpnet.stack.internal.mbuf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import smpnet.locking.Scheduler;
import smpnet.locking.SpinMutex;
import smpnet.stack.mbuf.ZoneStats;

/** The zone: per-CPU caches exchanging buckets with the pool, the limit, failures, waiting, statistics. */
class ZoneTest {
    private static Zone<Integer> zone(int ncpu, int limit, int bucket, long timeoutNanos) {
        return new Zone<>("items", ncpu, limit, bucket, timeoutNanos, i -> i);
    }

    private static List<Integer> allocN(Zone<Integer> z, int cpu, int n) {
        List<Integer> got = new ArrayList<>();
        for (int i = 0; i < n; i++) got.add(z.alloc(cpu, Zone.NOWAIT));
        return got;
    }

    @Test
    void cachesSpillAndRefillOneBucketAtATime() {
        Zone<Integer> z = zone(2, 100, 4, 0);
        List<Integer> items = allocN(z, 0, 9);
        assertEquals(List.of(0, 1, 2, 3, 4, 5, 6, 7, 8), items);
        for (int item : items) z.free(0, item);
        ZoneStats s = z.stats();
        assertEquals(9, s.created());
        assertEquals(0, s.inUse());
        assertEquals(5, s.cached(), "the eighth free spilled one bucket of 4, the ninth stayed");
        assertEquals(4, s.free());
        assertEquals(8, z.alloc(0, Zone.NOWAIT), "LIFO: the hottest item first");
        assertEquals(3, z.alloc(1, Zone.NOWAIT), "cpu1 refilled a bucket from the pool");
        assertEquals("""
                items:   2 in use, 7 cached, 0 free, 9 created, limit 100, 0 failures, 0 sleeps
                         per CPU: cpu0 4 cached 10 allocs 9 frees; cpu1 3 cached 1 allocs 0 frees; cache busy: 0 allocs 0 frees
                """, z.stats().toString());
    }

    @Test
    void limitCountsEveryCreatedItemAndExhaustionTakesFromOtherCaches() {
        Zone<Integer> z = zone(2, 3, 2, 0);
        List<Integer> items = allocN(z, 0, 3);
        assertNull(z.alloc(0, Zone.NOWAIT));
        assertEquals(1, z.stats().failures());
        z.free(1, items.get(1));
        assertEquals(1, z.stats().cached());
        assertEquals(1, z.alloc(0, Zone.NOWAIT), "found in cpu1's cache");
        ZoneStats s = z.stats();
        assertEquals(3, s.created());
        assertEquals(3, s.inUse());
        assertEquals(1, s.failures());
        assertEquals(List.of(new ZoneStats.CpuStats(0, 0, 3, 0), new ZoneStats.CpuStats(1, 0, 1, 1)), s.perCpu());
        assertEquals(4, s.allocs());
    }

    @Test
    void withoutCachingEveryItemGoesThroughThePool() {
        Zone<Integer> z = zone(2, 10, 0, 0);
        List<Integer> items = allocN(z, 0, 3);
        z.free(1, items.get(0));
        z.free(0, items.get(2));
        ZoneStats s = z.stats();
        assertEquals(0, s.cached());
        assertEquals(2, s.free());
        assertEquals(3, s.poolAllocs());
        assertEquals(2, s.poolFrees());
        assertEquals(2, z.alloc(1, Zone.NOWAIT));
    }

    @Test
    void aBusyCacheIsPassedByAndCountedNotWaitedFor() throws InterruptedException {
        Zone<Integer> z = zone(2, 100, 4, 0);
        List<Integer> two = allocN(z, 0, 2);
        for (int item : two) z.free(0, item);
        SpinMutex cpu0 = z.cacheLock(0);
        CountDownLatch release = new CountDownLatch(1);
        Thread holder = holdUntil(cpu0, release);
        List<Integer> got = new ArrayList<>();
        try {
            // Were the cache waited for, this would never return while the holder waits: the guard ends it.
            assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
                got.add(z.alloc(0, Zone.NOWAIT));
                z.free(0, got.get(0));
                got.add(z.alloc(0, Zone.NOWAIT));
                z.free(0, got.get(1));
            });
            assertFalse(cpu0.hasWaiters(), "nobody queued behind the holder");
        } finally {
            release.countDown();
            holder.join();
        }
        assertEquals(List.of(2, 2), got, "a new item past the busy cache, freed to the pool and taken back from it");
        ZoneStats s = z.stats();
        assertEquals(2, s.busyAllocs());
        assertEquals(2, s.busyFrees());
        assertEquals(2, s.poolAllocs());
        assertEquals(2, s.poolFrees());
        assertEquals(4, s.allocs());
        assertEquals(4, s.frees());
        assertEquals(0, s.inUse());
        assertEquals("""
                items:   0 in use, 2 cached, 1 free, 3 created, limit 100, 0 failures, 0 sleeps
                         per CPU: cpu0 2 cached 2 allocs 2 frees; cpu1 0 cached 0 allocs 0 frees; cache busy: 2 allocs 2 frees
                """, s.toString());
        assertEquals(1, z.alloc(0, Zone.NOWAIT), "free again, the cache serves its hottest item");
        assertEquals(2, z.stats().busyAllocs());
    }

    @Test
    void aFreePastABusyCacheIntoAFullPoolIsReleased() throws InterruptedException {
        Zone<Integer> z = zone(1, 100, 1, 0); // a cache holds 2, the pool's reserve is 4
        List<Integer> items = allocN(z, 0, 7);
        for (int item : items.subList(0, 6)) z.free(0, item);
        assertEquals(6, z.stats().created(), "pool full at 4, the sixth free's spill released one of 7");
        CountDownLatch release = new CountDownLatch(1);
        Thread holder = holdUntil(z.cacheLock(0), release);
        try {
            assertTimeoutPreemptively(Duration.ofSeconds(30), () -> z.free(0, items.get(6)));
        } finally {
            release.countDown();
            holder.join();
        }
        ZoneStats s = z.stats();
        assertEquals(List.of(5L, 0L, 1L, 4L, 1L, 7L), List.of(s.created(), s.inUse(), s.cached(), s.free(), s.busyFrees(), s.frees()));
    }

    /**
     * Allocations and frees without a CPU go through the cache of the scheduler's {@link Scheduler#processor()
     * processor} (folded onto the zone's CPUs), not of the thread's simulated CPU: a thread on simulated CPU 0
     * that the scheduler places on processor 3 uses cache 1 of a 2-CPU zone.
     */
    @Test
    void callsWithoutACpuUseTheCacheOfTheProcessor() throws InterruptedException {
        Zone<Integer> z = zone(2, 100, 4, 0);
        Scheduler onProcessor3 = smpnet.stack.testing.SimulatedCpus.onProcessor(3);
        int[] cache = {-1};
        try (smpnet.locking.Schedulers.Installation ignored = smpnet.locking.Schedulers.use(onProcessor3)) {
            onProcessor3.startWorker("cpu0", 0, () -> { // simulated CPU 0, processor 3
                cache[0] = z.currentCpu();
                Integer a = z.alloc(Zone.NOWAIT);
                Integer b = z.alloc(Zone.NOWAIT);
                z.free(a);
                z.free(b);
            }).join();
        }
        assertEquals(1, cache[0]);
        ZoneStats s = z.stats();
        assertEquals(0L, s.perCpu().get(0).allocs() + s.perCpu().get(0).frees(), "cache 0 untouched: " + s);
        assertEquals(List.of(2L, 2L, 0L), List.of(s.perCpu().get(1).allocs(), s.perCpu().get(1).frees(), s.inUse()), s.toString());
    }

    /** Starts a thread that takes {@code lock} (as a thread descheduled inside it would hold it) until released. */
    private static Thread holdUntil(SpinMutex lock, CountDownLatch release) throws InterruptedException {
        CountDownLatch held = new CountDownLatch(1);
        Thread holder = Scheduler.current().startWorker("holder", 0, () -> {
            lock.lock();
            try {
                held.countDown();
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                lock.unlock();
            }
        });
        held.await();
        return holder;
    }

    @Test
    void waitingAllocationGetsTheItemAnotherThreadFrees() throws InterruptedException {
        Zone<Integer> z = zone(2, 1, 2, Long.MAX_VALUE / 4);
        Integer only = z.alloc(0, Zone.NOWAIT);
        AtomicReference<Integer> got = new AtomicReference<>();
        Thread waiter = Scheduler.current().startWorker("waiter", 1, () -> got.set(z.alloc(Zone.WAIT)));
        // The waiter announces its sleep in the statistics; only then is the item freed.
        for (int spin = 0; z.stats().sleeps() == 0; spin++) Scheduler.current().spinWait(spin);
        z.free(0, only);
        waiter.join();
        assertSame(only, got.get());
        ZoneStats s = z.stats();
        assertEquals(1, s.sleeps());
        assertEquals(0, s.failures(), "a wait that succeeded is not a failure");
        assertEquals(1, s.inUse());
    }

    @Test
    void waitingAllocationGivesUpAfterItsTimeout() {
        Zone<Integer> z = zone(1, 1, 2, 1_000_000L);
        assertNotNull(z.alloc(Zone.NOWAIT));
        assertNull(z.alloc(Zone.WAIT));
        // Whether it slept before the deadline depends on the clock; that it failed once does not.
        assertEquals(1, z.stats().failures());
        assertEquals(1, z.stats().inUse());
    }

    @Test
    void badCpuOrFlagIsRejected() {
        Zone<Integer> z = zone(2, 4, 2, 0);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> z.alloc(2, Zone.NOWAIT));
        assertEquals("cpu 2 of zone items with 2", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> z.free(-1, 0));
        assertThrows(IllegalArgumentException.class, () -> z.alloc(0, 3));
        assertEquals(0, z.stats().created());
    }

    /**
     * After a burst the pool keeps its reserve (4 buckets per CPU: 16 items here) and the rest is released:
     * the coldest buckets fill the reserve, later spills go; new items never reuse a released item's number.
     */
    @Test
    void aBurstLeavesOnlyThePoolsReserve() {
        Zone<Integer> z = zone(1, 1000, 4, 0);
        for (int item : allocN(z, 0, 100)) z.free(0, item);
        assertEquals(new ZoneCounts(20, 0, 4, 16), ZoneCounts.of(z), "4 cached, 16 in the reserve, 80 released");
        assertEquals(List.of(99, 98, 97, 96, 15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0, 100, 101),
                allocN(z, 0, 22), "the cache, the reserve a bucket at a time, then new numbers");
        assertEquals(new ZoneCounts(22, 22, 0, 0), ZoneCounts.of(z));
    }

    /** created, in use, cached, free. */
    private record ZoneCounts(long created, long inUse, long cached, long free) {
        static ZoneCounts of(Zone<?> z) {
            ZoneStats s = z.stats();
            return new ZoneCounts(s.created(), s.inUse(), s.cached(), s.free());
        }
    }
}
