package smpnet.sim.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
 * start page has none. The programs come from .ci/tools. The screenshots are the README's: the receiving
 * host's netisr worker in speedscope's left-heavy view, written to target/trace-shots, and to the directory
 * {@code -Dsmpnet.trace.shots=DIR} names (README.md says how).
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
     * as a PNG: its first thread in its time-ordered view.
     */
    static Path screenshot(Path trace, Path dir, String name) throws Exception {
        return screenshot(trace, dir, name, "time-ordered", 0);
    }

    /**
     * As {@link #screenshot(Path, Path, String)}, in speedscope's view {@code view} ({@code time-ordered},
     * {@code left-heavy} or {@code sandwich}) of its thread number {@code profile} (from 0, in speedscope's
     * order: by process, then thread id), chosen as a user does, with its "next thread" key.
     */
    static Path screenshot(Path trace, Path dir, String name, String view, int profile) throws Exception {
        assertTrue(Files.exists(SPEEDSCOPE), "speedscope is not installed at " + SPEEDSCOPE + ": run ./smpnet test once (it installs it)");
        String page = SPEEDSCOPE.toUri().toString();
        if (trace != null) {
            Path loader = dir.resolve(name + ".js");
            // The key presses wait for the profile to load, and for each other: each one moves on from the thread shown.
            Files.writeString(loader, "speedscope.loadFileFromBase64(\"" + name + ".json\", \""
                    + Base64.getEncoder().encodeToString(Files.readAllBytes(trace)) + "\");\n"
                    + "var presses = " + profile + ";\n"
                    + "function next() { if (presses-- > 0) { window.dispatchEvent(new KeyboardEvent('keypress', {key: 'n'})); "
                    + "setTimeout(next, 200); } }\n"
                    + "setTimeout(next, 500);\n", StandardCharsets.UTF_8);
            page += "#localProfilePath=" + loader + "&view=" + view;
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

    /** The scenario of the README's traces: UDP into a host with 2 CPUs, free-running (see the file). */
    static final Path PAIR = Path.of(System.getProperty("user.dir")).resolve("../../sim/scenarios/trace-pair.yaml").normalize();
    /** Speedscope's view in the README's screenshots: each frame's total time, heaviest first. */
    static final String VIEW = "left-heavy";
    /** Where the README's screenshots are written when this property names a directory (relative: to the repository). */
    static final String SHOTS_PROPERTY = "smpnet.trace.shots";

    /** A thread of a trace: its place in speedscope's list of threads, and its slices. */
    record Track(String name, int index, List<JsonNode> slices) {
        double total(String slice) {
            return slices.stream().filter(e -> e.get("name").asText().equals(slice)).mapToDouble(e -> e.get("dur").asDouble()).sum();
        }
    }

    /**
     * The thread named {@code prefix}... with the most slices, and its index among the threads speedscope
     * lists: those with slices, by process and then thread id.
     */
    static Track busiest(Path trace, String prefix) throws Exception {
        JsonNode root = new ObjectMapper().readTree(trace.toFile());
        Map<Integer, String> names = new HashMap<>();
        java.util.TreeMap<Long, List<JsonNode>> byThread = new java.util.TreeMap<>();
        for (JsonNode e : root.get("traceEvents")) {
            long key = e.get("pid").asLong() << 32 | e.path("tid").asLong();
            if (e.get("ph").asText().equals("M") && e.get("name").asText().equals("thread_name")) {
                names.put(e.get("tid").asInt(), e.get("args").get("name").asText());
            } else if (e.get("ph").asText().equals("X")) {
                byThread.computeIfAbsent(key, k -> new ArrayList<>()).add(e);
            }
        }
        Track best = null;
        int index = 0;
        for (var t : byThread.entrySet()) {
            String name = names.get((int) (long) t.getKey());
            if (name.startsWith(prefix) && (best == null || t.getValue().size() > best.slices().size())) {
                best = new Track(name, index, t.getValue());
            }
            index++;
        }
        assertTrue(best != null, "no thread " + prefix + "... in " + names.values());
        return best;
    }

    @Test
    void giantAndFineTracesAreDrawnInSpeedscope(@TempDir Path dir) throws Exception {
        String pair = Files.readString(PAIR);
        Path shots = Path.of(System.getProperty("user.dir")).resolve("target/trace-shots");
        Files.createDirectories(shots);
        for (String mode : List.of("giant", "fine")) {
            Path trace = dir.resolve(mode + ".json");
            ChromeTrace t = new ChromeTrace(ChromeTrace.DEFAULT_LIMIT);
            ScenarioRunner.run(ScenarioParser.parse(pair.replace("locking: giant", "locking: " + mode), mode + ".yaml", mode), t);
            t.write(trace, mode);
            // The receiving host's busiest netisr worker: in Giant mode it waits for Giant, which every thread
            // of the host takes for its work; in fine mode there is no Giant to wait for.
            Track netisr = busiest(trace, "rx-netisr");
            if (mode.equals("giant")) {
                assertTrue(netisr.total("wait Giant") > 0 && netisr.total("Giant") > 0, netisr.name() + " never waited for Giant");
            } else {
                assertEquals(0, netisr.total("Giant") + netisr.total("wait Giant"), "fine mode takes no Giant");
            }
            // Headless Chromium sometimes takes the screenshot before speedscope's WebGL frame is drawn: a page
            // that drew nothing is shot again, twice at most (the start page below must still draw nothing).
            int drawn = 0;
            Path png = null;
            for (int attempt = 0; attempt < 3 && drawn <= 500; attempt++) {
                png = screenshot(trace, dir, attempt == 0 ? mode : mode + "-" + attempt, VIEW, netisr.index());
                drawn = drawnPixels(png);
            }
            assertTrue(drawn > 500, mode + ": " + drawn + " coloured pixels");
            ReadmeShot.write(png, shots.resolve("trace-" + mode + ".png"));
            String to = System.getProperty(SHOTS_PROPERTY);
            if (to != null && !to.isBlank()) {
                Path root = Path.of(System.getProperty("user.dir")).resolve("../..").normalize();
                ReadmeShot.write(png, root.resolve(to).resolve("trace-" + mode + ".png"));
            }
        }
        // The check can fail: the page without a trace (its start page) draws nothing there. (A trace without
        // slices would not do: speedscope says so in a dialog, which headless Chromium waits on for ever.)
        assertEquals(0, drawnPixels(screenshot(null, dir, "none")));
    }

    /** The README's copy of a screenshot: its upper part, where the threads' slices are, scaled down. */
    static final class ReadmeShot {
        static final int HEIGHT = 330, WIDTH = 960;

        static void write(Path png, Path to) throws Exception {
            BufferedImage full = ImageIO.read(png.toFile());
            BufferedImage top = full.getSubimage(0, 0, full.getWidth(), Math.min(HEIGHT * full.getWidth() / WIDTH, full.getHeight()));
            int h = top.getHeight() * WIDTH / top.getWidth();
            BufferedImage out = new BufferedImage(WIDTH, h, BufferedImage.TYPE_INT_RGB);
            java.awt.Graphics2D g = out.createGraphics();
            g.setRenderingHint(java.awt.RenderingHints.KEY_INTERPOLATION, java.awt.RenderingHints.VALUE_INTERPOLATION_BICUBIC);
            g.drawImage(top, 0, 0, WIDTH, h, null);
            g.dispose();
            Files.createDirectories(to.toAbsolutePath().getParent());
            ImageIO.write(out, "png", to.toFile());
            assertTrue(Files.size(to) < 300_000, to + " is " + Files.size(to) + " bytes");
        }
    }
}
