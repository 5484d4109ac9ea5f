package smpnet.sim.bench.reports;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.data.category.DefaultCategoryDataset;
import smpnet.sim.bench.plan.BenchCase;
import smpnet.sim.bench.results.CaseResult;
import smpnet.sim.bench.results.Ceiling;

/**
 * Draws the packets-per-second comparison as a bar chart (PNG): one group per payload and CPU count, one
 * bar per subject, at the median of the runs, and the machine ceiling's summed rate beside the 2-CPU bars.
 * Drawing needs no display (headless AWT).
 */
public final class Charts {
    static final String FILE = "packets-per-second.png";
    static final String CEILING = "two 1-CPU stacks (ceiling)";

    private Charts() {}

    /** Writes the chart into {@code dir}; returns its path. */
    public static List<Path> write(BenchReport r, Path dir) throws IOException {
        System.setProperty("java.awt.headless", "true");
        JFreeChart chart = ChartFactory.createBarChart("UDP receive path: packets/s (median)", "payload, CPUs",
                "packets per second", dataset(r), PlotOrientation.VERTICAL, true, false, false);
        Path file = dir.resolve(FILE);
        ChartUtils.saveChartAsPNG(file.toFile(), chart, 900, 500);
        return List.of(file);
    }

    static DefaultCategoryDataset dataset(BenchReport r) {
        DefaultCategoryDataset d = new DefaultCategoryDataset();
        for (CaseResult c : r.measured()) {
            BenchCase k = c.benchCase();
            d.addValue(c.packetsPerSecond().median(), k.subject().label(), k.payload() + " B, " + BenchReport.cpus(k.cpus()));
        }
        for (Ceiling c : r.ceilings()) {
            d.addValue(c.packetsPerSecond().median(), CEILING, c.payload() + " B, " + BenchReport.cpus(2));
        }
        return d;
    }
}
