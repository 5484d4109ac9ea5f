package smpnet.sim.bench.workloads;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * Counters with one lane per writing thread, each lane on its own cache lines, so that threads counting
 * their packets do not share a line (which would add the very contention the benchmark measures). Each lane
 * has exactly one writer; any thread may read the sum.
 */
final class LaneCounters {
    /** Longs between two lanes: 128 bytes, two cache lines, against adjacent-line prefetch. */
    private static final int STRIDE = 16;
    private static final VarHandle SLOT = MethodHandles.arrayElementVarHandle(long[].class);

    private final long[] slots;
    private final int lanes;

    LaneCounters(int lanes) {
        this.lanes = lanes;
        this.slots = new long[(lanes + 1) * STRIDE];
    }

    /** Adds {@code n} to {@code lane}; only that lane's one writer may call this. */
    void add(int lane, long n) {
        int i = (lane + 1) * STRIDE;
        SLOT.setOpaque(slots, i, (long) SLOT.getOpaque(slots, i) + n);
    }

    /** The current value of one lane. */
    long get(int lane) {
        return (long) SLOT.getOpaque(slots, (lane + 1) * STRIDE);
    }

    /** The sum over all lanes (each read atomically; the sum is not a snapshot while writers run). */
    long sum() {
        long s = 0;
        for (int l = 0; l < lanes; l++) s += get(l);
        return s;
    }
}
