package smpnet.stack.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The CI run of one fuzz target, in a JVM of its own (a surefire execution that does not reuse forks):
 * replay the committed corpus, fuzz for a short budget, and find the target's planted bug within the
 * same budget. {@code -Dsmpnet.fuzz.inputs=N} (and {@code -Dsmpnet.fuzz.seconds=S}, 0 for no limit)
 * turn the fuzzing test into a long campaign ({@code ./smpnet fuzz}), which writes the inputs that found
 * new coverage to {@code target/fuzz-corpus/<target>} for a person to review and commit.
 */
abstract class FuzzTestBase {
    /** Default seconds of fuzzing in CI, per target. */
    static final long CI_SECONDS = 10;
    /** The most a planted bug may take to be found. */
    static final long PLANTED_SECONDS = 15;

    private final String target;

    FuzzTestBase(String target) { this.target = target; }

    private Path committed() { return Path.of("src/test/resources/fuzz", target); }

    @Test
    void replaysTheCommittedCorpus() {
        List<byte[]> corpus = FuzzEngine.read(committed());
        assertTrue(corpus.size() >= 1, "a committed corpus for " + target);
        FuzzEngine.Result r = FuzzEngine.run(target, new FuzzEngine.Options(-1, 0, 1_000, 1, List.of(committed()), null, ""));
        System.out.println("[fuzz] replay " + r);
        assertNull(r.finding(), r.toString());
        assertEquals(0, r.inputs());
        assertEquals(r.corpus(), r.replayed(), "seeds and every committed input ran");
        assertTrue(r.replayed() > corpus.size());
    }

    @Test
    void fuzzes() {
        long inputs = Long.getLong("smpnet.fuzz.inputs", 0);
        long seconds = Long.getLong("smpnet.fuzz.seconds", inputs == 0 ? CI_SECONDS : 0);
        Path out = inputs == 0 ? null : Path.of("target/fuzz-corpus", target);
        FuzzEngine.Result r = FuzzEngine.run(target, new FuzzEngine.Options(inputs, seconds * 1_000_000_000L,
                1_000, Long.getLong("smpnet.fuzz.seed", System.nanoTime()), List.of(committed()), out, ""));
        System.out.println("[fuzz] " + r);
        assertNull(r.finding(), r.toString());
        assertTrue(r.inputs() > 0, "fuzzed something");
    }

    @Test
    void findsItsPlantedBug() {
        FuzzEngine.Result r = FuzzEngine.run(target, new FuzzEngine.Options(0, PLANTED_SECONDS * 1_000_000_000L, 1_000,
                Long.getLong("smpnet.fuzz.seed", 20261202), List.of(), null, target));
        System.out.println("[fuzz] planted " + r);
        assertNotNull(r.finding(), "the planted " + target + " bug was not found in " + PLANTED_SECONDS + " s: " + r);
    }
}
