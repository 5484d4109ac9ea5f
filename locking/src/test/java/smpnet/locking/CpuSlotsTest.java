package smpnet.locking;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The per-CPU slot layout: a power of two in [8, 256], and CPU ids folded into it. */
class CpuSlotsTest {
    @Test
    void slotCountsArePowersOfTwoCoveringTheMachine() {
        assertEquals(8, CpuSlots.slotsFor(1));
        assertEquals(8, CpuSlots.slotsFor(2));
        assertEquals(8, CpuSlots.slotsFor(8));
        assertEquals(16, CpuSlots.slotsFor(9));
        assertEquals(64, CpuSlots.slotsFor(48));
        assertEquals(256, CpuSlots.slotsFor(256));
        assertEquals(256, CpuSlots.slotsFor(4096));
        assertTrue(CpuSlots.COUNT >= Runtime.getRuntime().availableProcessors() || CpuSlots.COUNT == 256);
    }

    @Test
    void cpuIdsFoldIntoTheSlots() {
        int n = CpuSlots.COUNT;
        assertEquals(0, CpuSlots.of(0));
        assertEquals(1, CpuSlots.of(1));
        assertEquals(0, CpuSlots.of(n));
        assertEquals(n - 1, CpuSlots.of(-1));
    }
}
