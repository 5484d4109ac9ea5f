package smpnet.sim.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class BenchReportTest {
    private static final long SECOND = 1_000_000_000L;

    private static CaseResult result(Subject s, int cpus, long received, long cpuNanos) {
        return ResultFilesTest.result(s, cpus, false, List.of(ResultFilesTest.sample(received, 0, cpuNanos)),
                List.of());
    }

    @Test
    void ratiosOfMediansWithGoalsAndNotes() {
        BenchReport r = new BenchReport(ResultFilesTest.report().env(), List.of(
                result(Subject.KERNEL, 1, 100, SECOND), result(Subject.KERNEL, 2, 150, 2 * SECOND),
                result(Subject.GIANT, 1, 1000, SECOND), result(Subject.GIANT, 2, 1000, 2 * SECOND),
                result(Subject.FINE, 1, 1000, SECOND), result(Subject.FINE, 2, 1200, SECOND)));
        String starved = "only 1.00 of 2 cores were busy: the machine is shared, see per CPU-second";
        assertEquals(List.of(
                new BenchReport.Ratio("fine 1 CPU / kernel 1 CPU", 64, 10.0, 10.0, 10.0, ""),
                new BenchReport.Ratio("fine 2 CPUs / kernel 2 CPUs", 64, 8.0, 16.0, 10.0, ""),
                new BenchReport.Ratio("giant 1 CPU / kernel 1 CPU", 64, 10.0, 10.0, 10.0, ""),
                new BenchReport.Ratio("giant 2 CPUs / kernel 2 CPUs", 64, 1000 / 150.0, 500 / 75.0, 10.0, ""),
                new BenchReport.Ratio("fine 2 CPUs / fine 1 CPU", 64, 1.2, 1.2, 1.8, starved),
                new BenchReport.Ratio("giant 2 CPUs / giant 1 CPU", 64, 1.0, 0.5, null,
                        "Giant serialises the path: expected near 1"),
                new BenchReport.Ratio("kernel 2 CPUs / kernel 1 CPU", 64, 1.5, 0.75, null,
                        "the baseline's own speed-up")), r.ratios(64));
        assertEquals(List.of(), r.ratios(1472));
    }
}
