package smpnet.sim.bench.reports;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static smpnet.sim.bench.results.Samples.SECOND;
import static smpnet.sim.bench.results.Samples.runs;

import java.util.List;
import org.junit.jupiter.api.Test;
import smpnet.sim.bench.plan.Subject;
import smpnet.sim.bench.results.CaseResult;
import smpnet.sim.bench.results.Ceiling;
import smpnet.sim.bench.results.PairedRatio;
import smpnet.sim.bench.results.RunSample;
import smpnet.sim.bench.results.Samples;
import smpnet.sim.bench.results.Spread;

class BenchReportTest {
    private static CaseResult result(Subject s, int cpus, long received, long cpuNanos) {
        return Samples.result(s, cpus, false, List.of(Samples.sample(received, 0, cpuNanos)),
                List.of());
    }

    @Test
    void ratiosWithGoalsAndNotes() {
        BenchReport r = new BenchReport(ResultFilesTest.report().env(), List.of(
                result(Subject.KERNEL, 1, 100, SECOND), result(Subject.KERNEL, 2, 150, 2 * SECOND),
                result(Subject.GIANT, 1, 1000, SECOND), result(Subject.GIANT, 2, 1000, 2 * SECOND),
                result(Subject.FINE, 1, 1000, SECOND), result(Subject.FINE, 2, 1200, SECOND)));
        String starved = "only 1.00 of 2 cores were busy: the machine is shared, see per CPU-second";
        assertEquals(List.of(
                new BenchReport.Ratio("fine 1 CPU / kernel 1 CPU", 64, 10.0, 10.0, null, null, 10.0, ""),
                new BenchReport.Ratio("fine 2 CPUs / kernel 2 CPUs", 64, 8.0, 16.0, null, null, 10.0, ""),
                new BenchReport.Ratio("giant 1 CPU / kernel 1 CPU", 64, 10.0, 10.0, null, null, 10.0, ""),
                new BenchReport.Ratio("giant 2 CPUs / kernel 2 CPUs", 64, 1000 / 150.0, 500 / 75.0, null, null, 10.0, ""),
                new BenchReport.Ratio("fine 2 CPUs / fine 1 CPU", 64, 1.2, 1.2, new Spread(1.2, 1.2, 1.2), null, 1.8,
                        starved),
                new BenchReport.Ratio("giant 2 CPUs / giant 1 CPU", 64, 1.0, 0.5, new Spread(1.0, 1.0, 1.0), null,
                        null, "Giant serialises the path: expected near 1"),
                new BenchReport.Ratio("kernel 2 CPUs / kernel 1 CPU", 64, 1.5, 0.75, new Spread(1.5, 1.5, 1.5), null,
                        null, "the baseline's own speed-up")), r.ratios(64));
        assertEquals(List.of(), r.ratios(1472));
    }

    /** Fine 1 CPU received 100, 200, 400 a second; 2 CPUs 180, 300, 800; the ceiling's two 60+90, 100+100, 200+240. */
    static BenchReport paired() {
        CaseResult one = Samples.result(Subject.FINE, 1, false, runs(SECOND, 100, 200, 400), List.of());
        CaseResult two = Samples.result(Subject.FINE, 2, false, runs(2 * SECOND, 180, 300, 800), List.of());
        Ceiling ceiling = new Ceiling(64, "taskset -c 0 | taskset -c 1", 1_000_000_000L, runs(SECOND, 60, 100, 200),
                runs(SECOND, 90, 100, 240), Samples.latency(), true);
        return new BenchReport(ResultFilesTest.report().env(), List.of(one, two), List.of(ceiling),
                List.of("something was not measured"));
    }

    @Test
    void aSpeedUpIsTheMedianOfItsPairsNotTheRatioOfMedians() {
        BenchReport.Ratio q = paired().ratios(64).getFirst();
        // pairs 1.8, 1.5, 2.0 (the medians' ratio would be 300 / 200 = 1.5); per CPU-second 0.9, 0.75, 1.0
        assertEquals(new BenchReport.Ratio("fine 2 CPUs / fine 1 CPU", 64, 1.8, 0.9, new Spread(1.5, 1.8, 2.0),
                new Spread(1.0, 1.1, 1.5), 1.8, ""), q);
        assertEquals(1.8 / 1.1, q.shareOfCeiling());
    }

    @Test
    void pairedRatiosLeaveOutZeroDivisorsAndNeedEqualCounts() {
        assertEquals(new Spread(2.0, 2.5, 3.0), PairedRatio.of(runs(SECOND, 6, 5, 6), runs(SECOND, 3, 0, 2),
                RunSample::packetsPerSecond));
        assertNull(PairedRatio.of(runs(SECOND, 6), runs(SECOND, 0), RunSample::packetsPerSecond));
        assertNull(PairedRatio.of(runs(SECOND, 6, 5), runs(SECOND, 3), RunSample::packetsPerSecond));
    }

    @Test
    void ceilingArithmetic() {
        Ceiling c = paired().ceiling(64).orElseThrow();
        assertEquals(List.of(150.0, 200.0, 440.0), c.summedRates());
        assertEquals(new Spread(150, 200, 440), c.packetsPerSecond());
        assertEquals(new Spread(1.0, 1.1, 1.5), c.ratios(runs(SECOND, 100, 200, 400)));
        assertNull(c.ratios(runs(SECOND, 100)));
        assertEquals(2.0, c.cpuUse());
        assertEquals(100.0, c.packetsPerCpuSecond()); // (100 + 100) / 2 CPU-seconds, the median window
        assertEquals(790, c.received());
        assertEquals(0, c.drops());
    }

    @Test
    void theTableShowsThePairsTheCeilingAndTheNotes() {
        List<String> lines = ReportTable.render(paired()).lines().toList();
        assertEquals("A path's 1- and 2-CPU runs alternate (ABBA), each after a settle of 0.3 s; its speed-up is the "
                + "median of the per-pair ratios", lines.get(1));
        assertEquals("ceiling    2           200  (150 .. 440)                 2.00          100       1.0       1.5"
                + "          0  taskset -c 0 | taskset -c 1", lines.get(7));
        assertEquals("  fine 2 CPUs / fine 1 CPU          1.80x  (pairs 1.50 .. 2.00; per CPU-second 0.90x)  "
                + "goal >= 1.8x: met", lines.get(8));
        assertEquals("  machine ceiling                   1.10x  (rounds 1.00 .. 1.50)" + " ".repeat(23) + "the speed-up "
                + "above is 164% of it (two independent 1-CPU stacks on cores 0 and 1 at once, over one alone); above 100%: "
                + "the 1-CPU runs were slower than the ceiling's stacks (other work on the machine, or a slower JVM: see "
                + "the pairs and busy)",
                lines.get(9));
        assertEquals("note: something was not measured", lines.get(10));
        assertEquals(11, lines.size());
    }
}
