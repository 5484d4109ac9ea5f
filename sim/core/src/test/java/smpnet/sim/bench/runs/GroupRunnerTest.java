package smpnet.sim.bench.runs;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import smpnet.sim.bench.results.Warmup;

/** The progress's words for a warm-up. */
class GroupRunnerTest {
    @Test
    void aWarmUpSaysHowLongItTookAndWhetherItSettled() {
        assertEquals("7.5 s, settled", GroupRunner.warmup(new Warmup(7_500_000_000L, true), 2.5, 20));
        assertEquals("20.0 s, not settled (ended by its maximum, 20 s)",
                GroupRunner.warmup(new Warmup(20_000_000_000L, false), 2.5, 20));
        assertEquals("0.0 s", GroupRunner.warmup(new Warmup(1_000L, false), 0, 0));
    }
}
