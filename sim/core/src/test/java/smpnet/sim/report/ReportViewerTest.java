package smpnet.sim.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import smpnet.sim.cli.SmpnetCommand;
import smpnet.stack.mbuf.MbufLeakExtension;
import smpnet.witness.testing.RequiredTool;

/**
 * The report command's page, opened in headless Chromium: every chart it holds is laid out with drawn
 * marks (a bounding box of non-zero size and a marker per point), as Chromium's own SVG layout measures them.
 */
@ExtendWith(MbufLeakExtension.class)
class ReportViewerTest {
    static final String COMPARE = """
            name: cmp
            run: {schedule: free}
            hosts:
              - name: tx
                nics: [{name: em0, address: 10.0.0.1/24}]
              - name: rx
                nics: [{name: em0, address: 10.0.0.2/24}]
            links:
              - between: [tx.em0, rx.em0]
            workloads:
              - udp-sink: {host: rx, port: 5000, idle: 100ms}
              - udp-blast: {from: tx, to: 10.0.0.2:5000, flows: 2, count: 200}
            compare:
              hosts: [rx]
              locking: [giant, fine]
              cpus: [1, 2]
            """;

    /** Measures each chart's marks once the page has loaded, into a {@code <pre id="drawn">} that --dump-dom prints. */
    static final String PROBE = """
            <script>
            addEventListener('load', () => {
              const lines = [];
              for (const svg of document.querySelectorAll('svg.chart')) {
                const marks = svg.querySelector('g.marks').getBBox();
                lines.push('chart ' + Math.round(marks.width) + 'x' + Math.round(marks.height) + ' points '
                    + svg.querySelectorAll('g.marks circle').length + ' ' + svg.getAttribute('aria-label'));
              }
              const pre = document.createElement('pre');
              pre.id = 'drawn';
              pre.textContent = lines.join('\\n');
              document.body.appendChild(pre);
            });
            </script>
            """;

    @Test
    void everyChartOfTheReportIsDrawn(@TempDir Path dir) throws Exception {
        Path scenario = Files.writeString(dir.resolve("cmp.yaml"), COMPARE);
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        int status = SmpnetCommand.execute(List.of("report", "--scenario", scenario.toString(), "--models", "event-loop,virtual-threads",
                "--connections", "2,5", "--requests", "3", "--loop-requests", "100", "--out", dir.resolve("r").toString()),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        String o = out.toString(StandardCharsets.UTF_8);
        assertEquals(0, status, o + err);
        // scenario: a speed-up chart per workload (sink, blast); servers: throughput, p99, parks, switches, the
        // event loop's cost per event and the latency CDF
        assertTrue(o.contains("8 charts in " + dir.resolve("r/report.html")), o);
        assertTrue(o.contains("[1/4] locking=giant cpus=1 ..."), o); // progress
        String page = Files.readString(dir.resolve("r/report.html"));
        for (String outside : List.of("src=", "href=", "<link", "url(", "<script")) {
            assertTrue(!page.contains(outside), "the page needs nothing outside itself, and runs no script: " + outside);
        }
        Path probed = Files.writeString(dir.resolve("probed.html"), page.replace("</body>", PROBE + "</body>"));
        RequiredTool.Output chromium = RequiredTool.run(new ProcessBuilder("chromium", "--headless", "--no-sandbox", "--disable-gpu",
                "--user-data-dir=" + dir.resolve("profile"), "--virtual-time-budget=3000", "--dump-dom", probed.toUri().toString()),
                "chromium", new byte[0]);
        assertEquals(0, chromium.exitStatus(), chromium.err());
        String dom = chromium.out();
        Matcher drawn = Pattern.compile("<pre id=\"drawn\">([^<]*)</pre>").matcher(dom);
        assertTrue(drawn.find(), "the probe did not run: " + dom.substring(0, Math.min(500, dom.length())));
        List<String> charts = drawn.group(1).lines().toList();
        assertEquals(8, charts.size(), drawn.group(1));
        Pattern line = Pattern.compile("chart (\\d+)x(\\d+) points (\\d+) (.*)");
        for (String c : charts) {
            Matcher m = line.matcher(c);
            assertTrue(m.matches(), c);
            assertTrue(Integer.parseInt(m.group(1)) > 0 && Integer.parseInt(m.group(2)) > 0, "nothing drawn: " + c);
            assertTrue(Integer.parseInt(m.group(3)) >= 2, "fewer than two points: " + c);
        }
    }
}
