package smpnet.labs.percpu;

/**
 * A statistics counter every packet bumps (packets received, say) and a monitoring thread reads now and
 * then, kept per CPU as counter(9) keeps it: each CPU adds to its own cell, on its own cache lines, and a
 * reader sums the cells.
 *
 * <p>Only its CPU writes a cell, so an add needs no atomic instruction: read the cell, write it back.
 * A sum is not a snapshot of the cells at one instant: it is exact once the adds have stopped, and since
 * every cell only grows, it never runs backwards while they run.
 *
 * <p>Locking key: no lock; each cell is written by its CPU only.
 */
final class HotCounter implements Counter {
    private final CpuCells cells = new CpuCells();

    @Override
    public void add(long delta) {
        int cpu = CpuCells.currentCpu();
        cells.set(cpu, cells.get(cpu) + delta);   // only this CPU writes its cell
    }

    @Override
    public long sum() {
        long s = 0;
        for (int cpu = 0; cpu < cells.cpus(); cpu++) {
            s += cells.get(cpu);
        }
        return s;
    }
}
