package smpnet.sim.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class SvgChartTest {
    /** The points of the chart's polylines, one list per series. */
    private static List<String> polylines(String svg) {
        Matcher m = Pattern.compile("<polyline [^>]*points=\"([^\"]*)\"").matcher(svg);
        List<String> out = new java.util.ArrayList<>();
        while (m.find()) out.add(m.group(1));
        return out;
    }

    @Test
    void pointsMapOntoThePlotAreaAndBadOnesAreLeftOut() {
        SvgChart c = new SvgChart("t", "x", "y").logX();
        c.point("a", 10, 0).point("a", 1000, 100).point("a", Double.NaN, 5).point("a", 0, 5); // NaN, and 0 on a log axis: out
        c.point("b <&>", 100, 50);
        String svg = c.svg();
        // x: log10 from 1 to 3 over [80, 540]; y: 0 to 105 (5% headroom) over [330, 40]
        assertEquals(List.of("80.0,330.0 540.0,53.8", "310.0,191.9"), polylines(svg));
        assertTrue(svg.contains(">b &lt;&amp;&gt;</text>"), svg);
        assertTrue(svg.contains(">x (log scale)</text>"), svg);
        assertEquals(3, svg.split("<circle ").length - 1);
    }

    @Test
    void ticksAreShort() {
        assertEquals("0", SvgChart.tick(0));
        assertEquals("1.50k", SvgChart.tick(1500));
        assertEquals("2.00M", SvgChart.tick(2e6));
        assertEquals("0.250", SvgChart.tick(0.25));
    }

    @Test
    void aPageEscapesTextAndCountsItsCharts() {
        Html h = new Html("a < b").paragraph("x & y").table(List.of(List.of("h"), List.of("<v>")));
        h.chart(new SvgChart("c", "x", "y").point("s", 1, 1));
        String page = h.page();
        assertTrue(page.contains("<title>a &lt; b</title>"), page);
        assertTrue(page.contains("<p>x &amp; y</p>"), page);
        assertTrue(page.contains("<tr><th>h</th></tr>\n<tr><td>&lt;v&gt;</td></tr>"), page);
        assertEquals(1, h.charts());
    }
}
