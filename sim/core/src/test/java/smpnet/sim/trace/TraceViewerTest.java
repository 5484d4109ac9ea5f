package smpnet.sim.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import smpnet.sim.scenario.ScenarioParser;
import smpnet.sim.scenario.ScenarioRunner;
import smpnet.stack.mbuf.MbufLeakExtension;
import smpnet.witness.junit.WitnessExtension;

/**
 * A Giant run's trace and a fine run's, opened in an offline viewer (speedscope, installed from npm by
 * {@code ./smpnet test} into target/tools) in headless Chromium: each screenshot has slices drawn where an
 * start page has none. The programs come from .ci/tools.
 */
@ExtendWith({WitnessExtension.class, MbufLeakExtension.class})
class TraceViewerTest {
    static final Path SPEEDSCOPE = Path.of(System.getProperty("user.dir")).resolve("../../target/tools/node_modules/speedscope/dist/release/index.html")
            .normalize();

    /** Pixels that are neither white nor grey in the band where speedscope draws its overview of the slices. */
    static int drawnPixels(Path png) throws Exception {
        BufferedImage img = ImageIO.read(png.toFile());
        assertEquals(1200, img.getWidth(), "the window's width");
        int n = 0;
        for (int y = 40; y < 120; y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                int rgb = img.getRGB(x, y);
                int r = rgb >> 16 & 0xff, g = rgb >> 8 & 0xff, b = rgb & 0xff;
                if (Math.max(r, Math.max(g, b)) - Math.min(r, Math.min(g, b)) > 30) n++; // coloured, not white or grey
            }
        }
        return n;
    }

    /**
     * Speedscope's page showing {@code trace} (loaded as its command line loads a file; null: its start page),
     * as a PNG.
     */
    static Path screenshot(Path trace, Path dir, String name) throws Exception {
        assertTrue(Files.exists(SPEEDSCOPE), "speedscope is not installed at " + SPEEDSCOPE + ": run ./smpnet test once (it installs it)");
        String page = SPEEDSCOPE.toUri().toString();
        if (trace != null) {
            Path loader = dir.resolve(name + ".js");
            Files.writeString(loader, "speedscope.loadFileFromBase64(\"" + name + ".json\", \""
                    + Base64.getEncoder().encodeToString(Files.readAllBytes(trace)) + "\")", StandardCharsets.UTF_8);
            page += "#localProfilePath=" + loader;
        }
        Path png = dir.resolve(name + ".png");
        // A profile directory of its own: with the user's, a Chromium already running would take the page over.
        // Speedscope draws with WebGL: without a GPU, Chromium needs SwiftShader's software GL allowed explicitly.
        Process p = new ProcessBuilder("chromium", "--headless", "--no-sandbox", "--disable-gpu", "--enable-unsafe-swiftshader",
                "--window-size=1200,600",
                "--user-data-dir=" + dir.resolve("profile-" + name), "--virtual-time-budget=5000", "--screenshot=" + png,
                page)
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .redirectErrorStream(true).redirectOutput(dir.resolve(name + ".log").toFile()).start();
        if (!p.waitFor(90, TimeUnit.SECONDS)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            throw new AssertionError("chromium took over 90 s: " + Files.readString(dir.resolve(name + ".log")));
        }
        assertEquals(0, p.exitValue(), Files.readString(dir.resolve(name + ".log")));
        assertTrue(Files.size(png) > 0);
        return png;
    }

    @Test
    void giantAndFineTracesAreDrawnInSpeedscope(@TempDir Path dir) throws Exception {
        String base = ChromeTraceTest.PAIR.replace("count: 5", "count: 50");
        for (String mode : List.of("giant", "fine")) {
            Path trace = dir.resolve(mode + ".json");
            ChromeTrace t = new ChromeTrace(ChromeTrace.DEFAULT_LIMIT);
            ScenarioRunner.run(ScenarioParser.parse(base.replace("locking: giant", "locking: " + mode), mode + ".yaml", mode), t);
            t.write(trace, mode);
            // Headless Chromium sometimes takes the screenshot before speedscope's WebGL frame is drawn: a page
            // that drew nothing is shot again, twice at most (the start page below must still draw nothing).
            int drawn = 0;
            for (int attempt = 0; attempt < 3 && drawn <= 500; attempt++) {
                drawn = drawnPixels(screenshot(trace, dir, attempt == 0 ? mode : mode + "-" + attempt));
            }
            assertTrue(drawn > 500, mode + ": " + drawn + " coloured pixels");
        }
        // The check can fail: the page without a trace (its start page) draws nothing there. (A trace without
        // slices would not do: speedscope says so in a dialog, which headless Chromium waits on for ever.)
        assertEquals(0, drawnPixels(screenshot(null, dir, "none")));
    }
}
