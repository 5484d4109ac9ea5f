package smpnet.stack.internal.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import smpnet.locking.Scheduler;

/** Per-CPU counters: exact sums over every CPU and thread, and loud errors for a counter that is not there. */
class CpuCountersTest {
    @Test
    void workersOnEveryCpuAndForeignThreadsSumExactly() throws Exception {
        CpuCounters c = new CpuCounters(3);
        List<Thread> threads = new ArrayList<>();
        for (int cpu = 0; cpu < 12; cpu++) { // more CPUs than slots on a small machine: some share a slot
            threads.add(Scheduler.current().startWorker("count" + cpu, cpu, () -> {
                for (int i = 0; i < 10_000; i++) c.add2(0, 1, 1, 64);
            }));
        }
        for (int t = 0; t < 3; t++) {
            Thread f = new Thread(() -> {
                for (int i = 0; i < 10_000; i++) c.increment(2);
            });
            f.start();
            threads.add(f);
        }
        for (Thread t : threads) t.join();
        assertEquals(120_000, c.sum(0));
        assertEquals(120_000L * 64, c.sum(1));
        assertEquals(30_000, c.sum(2));
    }

    @Test
    void resetAndNegativeDeltas() {
        CpuCounters c = new CpuCounters(1);
        c.add(0, 5);
        c.add(0, -2);
        assertEquals(3, c.sum(0));
        c.reset(0);
        assertEquals(0, c.sum(0));
    }

    @Test
    void aCounterOutsideTheRowIsAnError() {
        CpuCounters c = new CpuCounters(2);
        assertEquals(2, c.width());
        IndexOutOfBoundsException e = assertThrows(IndexOutOfBoundsException.class, () -> c.increment(2));
        assertEquals("counter 2 of 2", e.getMessage());
        assertThrows(IndexOutOfBoundsException.class, () -> c.sum(-1));
        IllegalArgumentException empty = assertThrows(IllegalArgumentException.class, () -> new CpuCounters(0));
        assertEquals("a counter row needs at least one counter: 0", empty.getMessage());
    }
}
