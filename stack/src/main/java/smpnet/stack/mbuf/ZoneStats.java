package smpnet.stack.mbuf;

import java.util.List;
import smpnet.stack.internal.mbuf.Zone;

/**
 * A consistent snapshot of one {@link Zone}'s counters, printable like a line of {@code netstat -m}.
 *
 * @param created   items the zone made and still keeps (made, less those released beyond the pool's reserve);
 *                  never exceeds {@code limit}
 * @param inUse     allocated and not yet freed ({@code created - cached - free})
 * @param cached    free items sitting in per-CPU caches
 * @param free      free items in the global pool
 * @param failures  allocations that returned nothing (a caller counts the drop)
 * @param sleeps    times an allocation that may wait went to sleep
 * @param poolAllocs allocations served straight from the pool (caching off, the exhaustion path, or a busy cache)
 * @param poolFrees frees that went straight to the pool (caching off, or a busy cache)
 * @param busyAllocs the part of {@code poolAllocs} whose CPU cache was held by another thread at that moment
 *                   (the allocation does not wait for a cache: its holder may have been descheduled)
 * @param busyFrees the part of {@code poolFrees} whose CPU cache was held by another thread
 */
public record ZoneStats(String name, int limit, long created, long inUse, long cached, long free, long failures,
                        long sleeps, long poolAllocs, long poolFrees, long busyAllocs, long busyFrees,
                        List<CpuStats> perCpu) {

    /** One CPU's cache: free items held, allocations and frees done through it. */
    public record CpuStats(int cpu, long cached, long allocs, long frees) {}

    public ZoneStats {
        perCpu = List.copyOf(perCpu);
    }

    /** Every allocation that succeeded. */
    public long allocs() {
        return poolAllocs + perCpu.stream().mapToLong(CpuStats::allocs).sum();
    }

    /** Every free. */
    public long frees() {
        return poolFrees + perCpu.stream().mapToLong(CpuStats::frees).sum();
    }

    /** Two lines: the totals, then the per-CPU caches and the operations that found their cache busy. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format("%-8s %d in use, %d cached, %d free, %d created, limit %d, %d failures, %d sleeps%n",
                name + ":", inUse, cached, free, created, limit, failures, sleeps));
        sb.append("         per CPU:");
        for (CpuStats c : perCpu) {
            sb.append(String.format(" cpu%d %d cached %d allocs %d frees;", c.cpu, c.cached, c.allocs, c.frees));
        }
        sb.append(String.format(" cache busy: %d allocs %d frees", busyAllocs, busyFrees));
        return sb.append('\n').toString();
    }
}
