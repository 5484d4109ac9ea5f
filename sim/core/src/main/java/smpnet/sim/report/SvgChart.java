package smpnet.sim.report;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A line chart drawn as an SVG element: named series of (x, y) points, linear or logarithmic axes, a legend.
 * Each series is a polyline with a marker per point; a point with a NaN coordinate is left out.
 */
public final class SvgChart {
    static final int WIDTH = 720, HEIGHT = 380, LEFT = 80, RIGHT = 180, TOP = 40, BOTTOM = 50;
    private static final String[] COLOURS = {"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf"};

    private final String title, xLabel, yLabel;
    private boolean logX, logY;
    private final Map<String, List<double[]>> series = new LinkedHashMap<>();

    public SvgChart(String title, String xLabel, String yLabel) {
        this.title = title;
        this.xLabel = xLabel;
        this.yLabel = yLabel;
    }

    public SvgChart logX() {
        logX = true;
        return this;
    }

    public SvgChart logY() {
        logY = true;
        return this;
    }

    /** Adds point (x, y) to the series {@code name} (created on first use, drawn in the order added). */
    public SvgChart point(String name, double x, double y) {
        if (Double.isFinite(x) && Double.isFinite(y) && (!logX || x > 0) && (!logY || y > 0)) {
            series.computeIfAbsent(name, k -> new ArrayList<>()).add(new double[] {x, y});
        }
        return this;
    }

    /** Whether any point was added. */
    public boolean isEmpty() { return series.isEmpty(); }

    private double tx(double v) { return logX ? Math.log10(v) : v; }

    private double ty(double v) { return logY ? Math.log10(v) : v; }

    /** The chart as an {@code <svg>} element. */
    public String svg() {
        double x0 = Double.MAX_VALUE, x1 = -Double.MAX_VALUE, y0 = logY ? Double.MAX_VALUE : 0, y1 = -Double.MAX_VALUE;
        for (List<double[]> s : series.values()) {
            for (double[] p : s) {
                x0 = Math.min(x0, tx(p[0]));
                x1 = Math.max(x1, tx(p[0]));
                y0 = Math.min(y0, ty(p[1]));
                y1 = Math.max(y1, ty(p[1]));
            }
        }
        if (series.isEmpty()) {
            x0 = 0;
            x1 = 1;
            y0 = 0;
            y1 = 1;
        }
        if (x1 == x0) x1 = x0 + 1;
        if (y1 == y0) y1 = y0 + 1;
        y1 += (y1 - y0) * 0.05;
        int pw = WIDTH - LEFT - RIGHT, ph = HEIGHT - TOP - BOTTOM;
        final double fx0 = x0, fx1 = x1, fy0 = y0, fy1 = y1;
        java.util.function.DoubleUnaryOperator px = v -> LEFT + (tx(v) - fx0) / (fx1 - fx0) * pw;
        java.util.function.DoubleUnaryOperator py = v -> TOP + ph - (ty(v) - fy0) / (fy1 - fy0) * ph;
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "<svg class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
                + "viewBox=\"0 0 %d %d\" role=\"img\" aria-label=\"%s\">%n", WIDTH, HEIGHT, WIDTH, HEIGHT, Html.escape(title)));
        b.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"22\" font-size=\"15\" font-weight=\"bold\">%s</text>%n", LEFT, Html.escape(title)));
        b.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" stroke=\"#999\"/>%n", LEFT, TOP, pw, ph));
        for (int i = 0; i <= 4; i++) { // grid and tick labels
            double fy = y0 + (y1 - y0) * i / 4, fx = x0 + (x1 - x0) * i / 4;
            double yv = logY ? Math.pow(10, fy) : fy, xv = logX ? Math.pow(10, fx) : fx;
            double gy = TOP + ph - (double) ph * i / 4, gx = LEFT + (double) pw * i / 4;
            b.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#eee\"/>"
                    + "<text x=\"%d\" y=\"%.1f\" font-size=\"11\" text-anchor=\"end\">%s</text>%n", LEFT, gy, LEFT + pw, gy, LEFT - 6, gy + 4, tick(yv)));
            b.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" font-size=\"11\" text-anchor=\"middle\">%s</text>%n", gx,
                    TOP + ph + 16, tick(xv)));
        }
        b.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" font-size=\"12\" text-anchor=\"middle\">%s%s</text>%n", LEFT + pw / 2,
                HEIGHT - 10, Html.escape(xLabel), logX ? " (log scale)" : ""));
        b.append(String.format(Locale.ROOT, "<text x=\"16\" y=\"%d\" font-size=\"12\" text-anchor=\"middle\" transform=\"rotate(-90 16 %d)\">%s%s</text>%n",
                TOP + ph / 2, TOP + ph / 2, Html.escape(yLabel), logY ? " (log scale)" : ""));
        b.append("<g class=\"marks\">\n");
        int c = 0;
        for (Map.Entry<String, List<double[]>> s : series.entrySet()) {
            String colour = COLOURS[c % COLOURS.length];
            StringBuilder pts = new StringBuilder();
            for (double[] p : s.getValue()) {
                pts.append(String.format(Locale.ROOT, "%.1f,%.1f ", px.applyAsDouble(p[0]), py.applyAsDouble(p[1])));
            }
            b.append(String.format(Locale.ROOT, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"2\" points=\"%s\"/>%n", colour, pts.toString().strip()));
            for (double[] p : s.getValue()) {
                b.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3.5\" fill=\"%s\"><title>%s: %s, %s</title></circle>%n",
                        px.applyAsDouble(p[0]), py.applyAsDouble(p[1]), colour, Html.escape(s.getKey()), tick(p[0]), tick(p[1])));
            }
            int ly = TOP + 14 + c * 18;
            b.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"12\" height=\"12\" fill=\"%s\"/><text x=\"%d\" y=\"%d\" font-size=\"12\">%s</text>%n",
                    LEFT + pw + 12, ly - 10, colour, LEFT + pw + 30, ly, Html.escape(s.getKey())));
            c++;
        }
        b.append("</g>\n</svg>\n");
        return b.toString();
    }

    /** A tick label: three significant digits, thousands as k and millions as M. */
    static String tick(double v) {
        double a = Math.abs(v);
        if (a >= 1e6) return String.format(Locale.ROOT, "%.3gM", v / 1e6);
        if (a >= 1e3) return String.format(Locale.ROOT, "%.3gk", v / 1e3);
        if (a == 0) return "0";
        return String.format(Locale.ROOT, "%.3g", v);
    }
}
