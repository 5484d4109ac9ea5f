package smpnet.labs.percpu;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import smpnet.locking.CpuSlots;
import smpnet.locking.GuardedBy;
import smpnet.locking.Scheduler;

/**
 * Per-CPU memory, as the kernel's per-CPU zone hands it to counter(9): one 64-bit cell per CPU slot, each
 * on cache lines of its own ({@link CpuSlots#GAP_LONGS} apart in one array). Part of the lab's bench: do not
 * change it.
 *
 * <p>{@link #get}, {@link #set} and {@link #add} are the only ways to the cells. {@code add} is one atomic
 * step; {@code get} then {@code set} is two, and another thread may run in between (a thread preempted on
 * its CPU, or a thread whose CPU id is shared with another's).
 *
 * <p>While the grader probes ({@link Probe}), every access is a scheduling point of the deterministic
 * scheduler and is recorded: which CPU wrote which cell. Otherwise an access is a plain VarHandle access.
 */
final class CpuCells {
    private static final VarHandle CELL = MethodHandles.arrayElementVarHandle(long[].class);
    private static final int GAP = CpuSlots.GAP_LONGS;

    private final long[] cells = new long[GAP + CpuSlots.COUNT * GAP];

    /** The calling thread's CPU (a worker's own; a hashed id for other threads), as a cell number. */
    static int currentCpu() { return CpuSlots.current(); }

    /** How many cells there are: cells are numbered 0 to cpus() - 1. */
    int cpus() { return CpuSlots.COUNT; }

    /** The value of {@code cpu}'s cell. */
    long get(int cpu) {
        Probe.access(this, cpu, false);
        return (long) CELL.getOpaque(cells, index(cpu));
    }

    /** Sets {@code cpu}'s cell to {@code value}. */
    void set(int cpu, long value) {
        Probe.access(this, cpu, true);
        CELL.setOpaque(cells, index(cpu), value);
    }

    /** Adds {@code delta} to {@code cpu}'s cell, in one atomic step. */
    void add(int cpu, long delta) {
        Probe.access(this, cpu, true);
        CELL.getAndAdd(cells, index(cpu), delta);
    }

    private static int index(int cpu) {
        if (cpu < 0 || cpu >= CpuSlots.COUNT) {
            throw new IndexOutOfBoundsException("cell " + cpu + " of " + CpuSlots.COUNT);
        }
        return GAP + cpu * GAP;
    }

    /**
     * The grader's record of cell accesses while it probes: writes, writes into another CPU's cell, and line
     * transfers (a write to a cell whose line another CPU wrote last: on a real machine the line moves).
     *
     * <p>Locking key: every field is guarded by the class's monitor ("Probe.class").
     */
    static final class Probe {
        private static volatile boolean on;
        @GuardedBy("Probe.class") private static long writes;
        @GuardedBy("Probe.class") private static long crossCpuWrites;
        @GuardedBy("Probe.class") private static long transfers;
        @GuardedBy("Probe.class") private static final Map<Object, Integer> LAST_WRITER = new HashMap<>();

        private Probe() {}

        /** Starts recording from zero; accesses become scheduling points. */
        static synchronized void start() {
            writes = 0;
            crossCpuWrites = 0;
            transfers = 0;
            LAST_WRITER.clear();
            on = true;
        }

        static void stop() { on = false; }

        static synchronized long writes() { return writes; }

        static synchronized long crossCpuWrites() { return crossCpuWrites; }

        static synchronized long transfers() { return transfers; }

        /** Records a write to a word that is not a per-CPU cell (a shared baseline) by the calling CPU. */
        static void sharedWrite(Object word) { record(word, -1, true); }

        static void access(CpuCells cells, int cpu, boolean write) {
            if (on) {
                record(List.of(cells, cpu), cpu, write);
            }
        }

        private static void record(Object line, int cell, boolean write) {
            if (!on) {
                return;
            }
            Scheduler.current().schedulingPoint();
            int me = currentCpu();
            synchronized (Probe.class) {
                if (!write) {
                    return;
                }
                writes++;
                if (cell != me) {
                    crossCpuWrites++;
                }
                Integer last = LAST_WRITER.put(line, me);
                if (last != null && last != me) {
                    transfers++;
                }
            }
        }
    }
}
