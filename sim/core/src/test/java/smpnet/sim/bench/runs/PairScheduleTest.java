package smpnet.sim.bench.runs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;
import smpnet.sim.bench.runs.PairSchedule.Slot;
import smpnet.sim.bench.runs.PairSchedule.Window;

class PairScheduleTest {
    private static List<String> order(List<Window> windows) {
        return windows.stream().map(w -> w.round() + ":" + w.slot()).toList();
    }

    @Test
    void aPairAlternatesAbba() {
        assertEquals(List.of("0:ONE_CPU", "0:TWO_CPUS", "1:TWO_CPUS", "1:ONE_CPU", "2:ONE_CPU", "2:TWO_CPUS",
                        "3:TWO_CPUS", "3:ONE_CPU"),
                order(PairSchedule.windows(PairSchedule.slots(true, true, false), 4)));
    }

    @Test
    void theCeilingRunsBesideTheOneCpuWindowInEveryRound() {
        List<Slot> slots = PairSchedule.slots(true, true, true);
        assertEquals(List.of(Slot.TWO_CPUS, Slot.ONE_CPU, Slot.CEILING), slots);
        assertEquals(List.of("0:TWO_CPUS", "0:ONE_CPU", "0:CEILING", "1:CEILING", "1:ONE_CPU", "1:TWO_CPUS",
                "2:TWO_CPUS", "2:ONE_CPU", "2:CEILING"), order(PairSchedule.windows(slots, 3)));
    }

    @Test
    void aCaseAloneRunsItsRoundsInTurn() {
        assertEquals(List.of("0:TWO_CPUS", "1:TWO_CPUS"),
                order(PairSchedule.windows(PairSchedule.slots(false, true, false), 2)));
        assertEquals(List.of("0:ONE_CPU"), order(PairSchedule.windows(PairSchedule.slots(true, false, false), 1)));
    }

    @Test
    void theCeilingNeedsThePair() {
        assertEquals("the ceiling needs both CPU counts", assertThrows(IllegalArgumentException.class,
                () -> PairSchedule.slots(true, false, true)).getMessage());
    }
}
