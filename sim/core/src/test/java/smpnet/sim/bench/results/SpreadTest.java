package smpnet.sim.bench.results;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class SpreadTest {
    @Test
    void oddCountTakesTheMiddle() {
        assertEquals(new Spread(1, 3, 9), Spread.of(9, 1, 3));
    }

    @Test
    void evenCountAveragesTheTwoMiddleValues() {
        assertEquals(new Spread(1, 4.5, 10), Spread.of(10, 4, 1, 5));
    }

    @Test
    void oneValueIsAllThree() {
        assertEquals(new Spread(7, 7, 7), Spread.of(7));
    }

    @Test
    void noValuesIsAnError() {
        assertThrows(IllegalArgumentException.class, Spread::of);
    }

    @Test
    void runSampleRates() {
        RunSample s = new RunSample(new Tally(600, 500, 100), 2_000_000_000L, 3_000_000_000L);
        assertEquals(250.0, s.packetsPerSecond());
        assertEquals(1.5, s.cpuUse());
        assertEquals(500 / 3.0, s.packetsPerCpuSecond());
        assertEquals(0.0, new RunSample(new Tally(1, 1, 0), 1, 0).packetsPerCpuSecond());
        assertEquals(new Tally(10, 7, 2), new Tally(30, 20, 5).minus(new Tally(20, 13, 3)));
        assertEquals(1, new Tally(10, 7, 2).inFlight());
    }
}
