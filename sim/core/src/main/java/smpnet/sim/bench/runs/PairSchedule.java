package smpnet.sim.bench.runs;

import java.util.ArrayList;
import java.util.List;

/**
 * The order of the measured windows of a group of children, chosen so that drift of the machine's speed
 * cancels out of the ratios. Round r measures each slot once, forwards in even rounds and backwards in odd
 * ones (A B, B A, A B, ...: the ABBA order), so over two rounds each slot of a pair has run once before and
 * once after the other, and a slow trend shifts both alike.
 *
 * <p>With the ceiling, the 1-CPU slot sits in the middle ({@code 2cpu, 1cpu, ceiling}), next to both
 * slots that are divided by it.
 */
final class PairSchedule {
    /** What one window measures. */
    enum Slot {
        /** The 1-CPU child alone. */
        ONE_CPU,
        /** The 2-CPU child alone. */
        TWO_CPUS,
        /** The 1-CPU child and a second 1-CPU child on the other core, at the same time. */
        CEILING
    }

    /** One window: its round (0-based) and slot. */
    record Window(int round, Slot slot) {}

    private PairSchedule() {}

    /** The slots of one round, in the forward order, for the cases present (and the ceiling). */
    static List<Slot> slots(boolean oneCpu, boolean twoCpus, boolean ceiling) {
        if (ceiling && !(oneCpu && twoCpus)) throw new IllegalArgumentException("the ceiling needs both CPU counts");
        List<Slot> out = new ArrayList<>();
        if (ceiling) return List.of(Slot.TWO_CPUS, Slot.ONE_CPU, Slot.CEILING);
        if (oneCpu) out.add(Slot.ONE_CPU);
        if (twoCpus) out.add(Slot.TWO_CPUS);
        return List.copyOf(out);
    }

    /** Every window of {@code rounds} rounds of {@code slots}, in the order they are measured. */
    static List<Window> windows(List<Slot> slots, int rounds) {
        List<Window> out = new ArrayList<>();
        for (int r = 0; r < rounds; r++) {
            for (int i = 0; i < slots.size(); i++) {
                out.add(new Window(r, slots.get(r % 2 == 0 ? i : slots.size() - 1 - i)));
            }
        }
        return List.copyOf(out);
    }
}
