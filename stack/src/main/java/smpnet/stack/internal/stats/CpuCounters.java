package smpnet.stack.internal.stats;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import smpnet.locking.CpuSlots;
import smpnet.locking.Scheduler;

/**
 * A row of 64-bit counters kept per CPU, as FreeBSD's counter(9): each CPU adds to its own copy, and a
 * reader sums the copies. A CPU's copies sit together in one block, and blocks are kept apart inside one
 * array as {@link CpuSlots} says, so counting on one CPU never moves a cache line another CPU is writing.
 *
 * <p>Why not {@link java.util.concurrent.atomic.LongAdder}: a LongAdder only stripes after two threads
 * collide on the <em>same</em> word. Two CPUs that each bump a different LongAdder whose base words share
 * a cache line never collide, never stripe, and pass that line back and forth on every packet.
 *
 * <p>The CPU is {@link Scheduler#currentCpu()}: a worker's own, or a hashed id for a foreign thread, which
 * may share a block with another thread; an add is therefore atomic (an uncontended one on a line this CPU
 * already owns). Sums are not a snapshot across counters: each counter's sum is exact once its writers
 * have stopped, and never runs backwards while they run.
 */
public final class CpuCounters {
    private static final int GAP = CpuSlots.GAP_LONGS;
    private static final VarHandle CELL = MethodHandles.arrayElementVarHandle(long[].class);
    private static final int BLOCKS = CpuSlots.COUNT;

    private final int width;
    private final int stride;
    private final long[] cells;

    /** {@code width} counters, numbered from 0, all zero. */
    public CpuCounters(int width) {
        if (width < 1) throw new IllegalArgumentException("a counter row needs at least one counter: " + width);
        this.width = width;
        this.stride = ((width + 7) & ~7) + GAP;
        this.cells = new long[GAP + BLOCKS * stride];
    }

    /** How many counters the row has. */
    public int width() { return width; }

    /** Adds {@code delta} to counter {@code i} on the calling thread's CPU. */
    public void add(int i, long delta) {
        CELL.getAndAdd(cells, index(Scheduler.current().currentCpu(), i), delta);
    }

    /** Adds one to counter {@code i} on the calling thread's CPU. */
    public void increment(int i) { add(i, 1); }

    /** Adds to two counters at once (packets and bytes, say), finding the CPU once. */
    public void add2(int i, long di, int j, long dj) {
        int cpu = Scheduler.current().currentCpu();
        CELL.getAndAdd(cells, index(cpu, i), di);
        CELL.getAndAdd(cells, index(cpu, j), dj);
    }

    /** The sum of counter {@code i} over every CPU. */
    public long sum(int i) {
        checkCounter(i);
        long s = 0;
        for (int b = 0; b < BLOCKS; b++) s += (long) CELL.getOpaque(cells, GAP + b * stride + i);
        return s;
    }

    /** Sets counter {@code i} to zero on every CPU (for tests and "netstat -z"; racing adds may survive). */
    public void reset(int i) {
        checkCounter(i);
        for (int b = 0; b < BLOCKS; b++) CELL.setOpaque(cells, GAP + b * stride + i, 0L);
    }

    private int index(int cpu, int i) {
        checkCounter(i);
        return GAP + CpuSlots.of(cpu) * stride + i;
    }

    private void checkCounter(int i) {
        if (i < 0 || i >= width) throw new IndexOutOfBoundsException("counter " + i + " of " + width);
    }
}
