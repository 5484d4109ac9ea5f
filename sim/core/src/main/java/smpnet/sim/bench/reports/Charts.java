package smpnet.sim.bench.reports;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.data.category.DefaultCategoryDataset;
import smpnet.sim.bench.plan.BenchCase;
import smpnet.sim.bench.plan.BenchPath;
import smpnet.sim.bench.results.CaseResult;
import smpnet.sim.bench.results.Ceiling;

/**
 * Draws the comparison as bar charts (PNG), one per path (rates in its unit): one group per payload and CPU count, one
 * bar per subject, at the median of the runs, and the machine ceiling's summed rate beside the 2-CPU bars.
 * Drawing needs no display (headless AWT).
 */
public final class Charts {
    static final String FILE = "packets-per-second.png";
    static final String CEILING = "two 1-CPU stacks (ceiling)";

    private Charts() {}

    /** The chart file of a TCP path, e.g. {@code tcp-connect.png}. */
    static String file(BenchPath p) {
        return p.isTcp() ? p.label() + ".png" : FILE;
    }

    /** Writes one chart per path measured into {@code dir}; returns their paths. */
    public static List<Path> write(BenchReport r, Path dir) throws IOException {
        System.setProperty("java.awt.headless", "true");
        List<Path> out = new ArrayList<>();
        for (BenchPath p : r.sections().stream().map(BenchReport.Section::path).distinct().toList()) {
            JFreeChart chart = ChartFactory.createBarChart(p.title() + ": " + p.unit() + " (median)", "payload, CPUs",
                    p.unit(), dataset(r, p), PlotOrientation.VERTICAL, true, false, false);
            Path file = dir.resolve(file(p));
            ChartUtils.saveChartAsPNG(file.toFile(), chart, 900, 500);
            out.add(file);
        }
        return out;
    }

    static DefaultCategoryDataset dataset(BenchReport r) {
        return dataset(r, BenchPath.UDP);
    }

    /** The bars of {@code path}: its rates in its unit, and for UDP the machine ceiling. */
    static DefaultCategoryDataset dataset(BenchReport r, BenchPath path) {
        DefaultCategoryDataset d = new DefaultCategoryDataset();
        for (CaseResult c : r.measured()) {
            BenchCase k = c.benchCase();
            if (k.path() != path) continue;
            d.addValue(c.packetsPerSecond().median() * path.scale(), k.subject().label(),
                    k.payload() + " B, " + BenchReport.cpus(k.cpus()));
        }
        if (path.isTcp()) return d;
        for (Ceiling c : r.ceilings()) {
            d.addValue(c.packetsPerSecond().median(), CEILING, c.payload() + " B, " + BenchReport.cpus(2));
        }
        return d;
    }
}
