package smpnet.labs.percpu;

/**
 * A statistics counter every packet bumps (packets received, say) and a monitoring thread reads now and
 * then, kept per CPU as counter(9) keeps it: each CPU adds to its own cell, on its own cache lines, and a
 * reader sums the cells.
 *
 * <p>An add is one atomic step on the adding CPU's cell: two threads can share a cell (one preempted on its
 * CPU while another runs there, or two threads with one hashed CPU id), so a read-then-write could lose one
 * of their adds. On a cell only its CPU writes, the atomic add finds the line already there and costs little.
 * A sum is not a snapshot of the cells at one instant: it is exact once the adds have stopped, and since
 * every cell only grows, it never runs backwards while they run.
 *
 * <p>Locking key: no lock; the cells are updated atomically and read without one.
 */
final class HotCounter implements Counter {
    private final CpuCells cells = new CpuCells();

    @Override
    public void add(long delta) {
        cells.add(CpuCells.currentCpu(), delta);
    }

    /** What earlier sums folded out of the cells (so later sums add fewer non-zero cells). */
    private final CpuCells folded = new CpuCells();

    @Override
    public long sum() {
        long s = 0;
        for (int cpu = 0; cpu < cells.cpus(); cpu++) {
            long v = cells.get(cpu);
            if (v != 0) {
                cells.set(cpu, 0);              // fold the cell into the total: it starts again from zero
                folded.add(0, v);
            }
        }
        return s + folded.get(0);
    }
}
