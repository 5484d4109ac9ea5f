package smpnet.locking;

/**
 * How per-CPU data is laid out: how many per-CPU slots a structure keeps, which slot a CPU uses, and how
 * far apart slots must be. Shared by the read-mostly lock's reader counts and the stack's per-CPU counters.
 *
 * <p>Slots are the CPU id ({@link Scheduler#currentCpu()}) masked to a power of two, at least 8 and at least
 * the machine's processors (at most 256). A thread the scheduler did not start has a hashed CPU id and may
 * share a slot with another thread, so whatever a slot holds must be updated atomically; the point of the
 * slots is that such sharing is rare, not that it cannot happen.
 */
public final class CpuSlots {
    /** Slots per structure. */
    public static final int COUNT = slotsFor(Runtime.getRuntime().availableProcessors());

    /**
     * Longs between two slots' data inside one array, and before the first: 128 bytes, two cache lines, so
     * adjacent-line prefetch cannot pair them either. One array, not an object per CPU: the garbage
     * collector moves an array whole, keeping the spacing, while separate objects may end up side by side.
     */
    public static final int GAP_LONGS = 16;

    private CpuSlots() {}

    /** The slot of the calling thread's CPU. */
    public static int current() { return of(Scheduler.current().currentCpu()); }

    /** The slot of CPU {@code cpu}. */
    public static int of(int cpu) { return cpu & (COUNT - 1); }

    /** The slot count for a machine of {@code processors}: a power of two in [8, 256]. */
    static int slotsFor(int processors) {
        int p = Math.max(8, Math.min(256, processors));
        return Integer.highestOneBit(p - 1) << 1;
    }
}
