package smpnet.stack.fuzz;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;

/**
 * The coverage-guided loop: replays the seeds and the corpus, then mutates corpus entries and keeps
 * every mutant that reached an (edge, hit-count bucket) never seen, until a budget of inputs or time is
 * spent or a check fails. Each target runs in a fresh {@link CoverageLoader}, so each has its own copy of
 * the stack's statics (the planted-bug switch among them).
 */
public final class FuzzEngine {
    /**
     * @param maxInputs   mutated inputs to run at most (0: no limit; -1: replay only)
     * @param maxNanos    time to fuzz at most (0: no limit)
     * @param checkEvery  inputs between two periodic checks (the ping)
     * @param seed        the mutator's seed
     * @param corpusIn    directories of corpus files to replay first (missing ones are skipped)
     * @param corpusOut   where to write each input that found new coverage (null: nowhere)
     * @param plant       the planted bug to switch on ("" for none)
     * @param progressNanos how often {@code progress} is told how the campaign goes (0: never)
     * @param progress    told a line (inputs so far, their rate, corpus, edges) every {@code progressNanos}
     */
    public record Options(long maxInputs, long maxNanos, int checkEvery, long seed, List<Path> corpusIn, Path corpusOut,
                          String plant, long progressNanos, java.util.function.Consumer<String> progress) {
        /** Options without progress lines. */
        public Options(long maxInputs, long maxNanos, int checkEvery, long seed, List<Path> corpusIn, Path corpusOut,
                       String plant) {
            this(maxInputs, maxNanos, checkEvery, seed, corpusIn, corpusOut, plant, 0, line -> { });
        }
    }

    /** What a run did; {@code finding} is null if every check held, else what failed, for {@code input}. */
    public record Result(String target, long replayed, long inputs, long nanos, int corpus, int edges, String finding,
                         byte[] input) {
        public double perSecond() { return nanos == 0 ? 0 : inputs * 1e9 / nanos; }

        @Override
        public String toString() {
            return String.format("%s: %d corpus inputs replayed, %d fuzzed in %.1f s (%.0f/s), corpus %d, edges %d, %s",
                    target, replayed, inputs, nanos / 1e9, perSecond(), corpus, edges,
                    finding == null ? "no finding" : "FINDING for input " + HexFormat.of().formatHex(input) + ": " + finding);
        }
    }

    private FuzzEngine() {}

    /** A fresh host for {@code target} in its own instrumented class loader. */
    public static FuzzTarget load(String target, String plant) {
        CoverageLoader loader = new CoverageLoader(FuzzEngine.class.getClassLoader());
        String was = System.getProperty("smpnet.fuzz.plant");
        try {
            if (plant.isEmpty()) System.clearProperty("smpnet.fuzz.plant");
            else System.setProperty("smpnet.fuzz.plant", plant);
            Class.forName("smpnet.stack.internal.Planted", true, loader); // reads the switch now, once
            return (FuzzTarget) Class.forName("smpnet.stack.fuzz.targets.HostTarget", true, loader)
                    .getConstructor(String.class).newInstance(target);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot load fuzz target " + target, e);
        } finally {
            if (was == null) System.clearProperty("smpnet.fuzz.plant");
            else System.setProperty("smpnet.fuzz.plant", was);
        }
    }

    public static Result run(String target, Options o) {
        FuzzTarget t = load(target, o.plant());
        byte[] seen = new byte[EdgeCoverage.SIZE];
        List<byte[]> corpus = new ArrayList<>(t.seeds());
        for (Path dir : o.corpusIn()) corpus.addAll(read(dir));
        long replayed = 0;
        for (byte[] in : List.copyOf(corpus)) {
            EdgeCoverage.reset();
            String f = t.run(in);
            replayed++;
            if (f != null) return end(t, new Result(target, replayed, 0, 0, corpus.size(), EdgeCoverage.edges(seen), f, in));
            EdgeCoverage.mergeInto(seen);
        }
        String f = t.periodicCheck();
        if (f != null) return end(t, new Result(target, replayed, 0, 0, corpus.size(), EdgeCoverage.edges(seen), f, new byte[0]));
        int base = corpus.size();
        Mutator mutator = new Mutator(o.seed());
        SplittableRandom pick = new SplittableRandom(o.seed() ^ 0x5DEECE66DL);
        long start = System.nanoTime();
        long inputs = 0;
        long nextProgress = o.progressNanos() > 0 ? start + o.progressNanos() : Long.MAX_VALUE;
        while ((o.maxInputs() == 0 || inputs < o.maxInputs()) && (o.maxNanos() == 0 || System.nanoTime() - start < o.maxNanos())) {
            // A third of the parents are the seeds and committed inputs (the well-formed frames a deep bug
            // is most often one change away from), a third the newest entries (still opening new paths).
            int n = corpus.size();
            int r = pick.nextInt(3);
            byte[] parent = corpus.get(r == 0 ? pick.nextInt(base) : r == 1 ? n - 1 - pick.nextInt(Math.min(n, 16)) : pick.nextInt(n));
            byte[] child = mutator.mutate(parent, corpus);
            EdgeCoverage.reset();
            f = t.run(child);
            inputs++;
            if (f == null && inputs % o.checkEvery() == 0) {
                f = t.periodicCheck();
                long now = System.nanoTime();
                if (now >= nextProgress) {
                    double secs = (now - start) / 1e9;
                    o.progress().accept(String.format(java.util.Locale.ROOT,
                            "%s: %,d inputs in %.0f s (%,.0f/s), corpus %,d, edges %,d, no finding yet", target, inputs, secs,
                            inputs / secs, corpus.size(), EdgeCoverage.edges(seen)));
                    nextProgress = now + o.progressNanos();
                }
            }
            if (f != null) {
                return end(t, new Result(target, replayed, inputs, System.nanoTime() - start, corpus.size(),
                        EdgeCoverage.edges(seen), f, child));
            }
            if (EdgeCoverage.mergeInto(seen) > 0) {
                corpus.add(child);
                if (o.corpusOut() != null) write(o.corpusOut(), child);
            }
        }
        long nanos = System.nanoTime() - start;
        f = t.periodicCheck();
        return end(t, new Result(target, replayed, inputs, nanos, corpus.size(), EdgeCoverage.edges(seen), f, new byte[0]));
    }

    private static Result end(FuzzTarget t, Result r) {
        String leak = t.finish();
        if (r.finding() != null || leak == null) return r;
        return new Result(r.target(), r.replayed(), r.inputs(), r.nanos(), r.corpus(), r.edges(), leak, new byte[0]);
    }

    /** The corpus files of {@code dir} (hex text, one input per file), in name order; none if it is missing. */
    public static List<byte[]> read(Path dir) {
        if (!Files.isDirectory(dir)) return List.of();
        try (Stream<Path> files = Files.list(dir)) {
            return files.sorted().map(FuzzEngine::readOne).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] readOne(Path p) {
        try {
            return HexFormat.of().parseHex(Files.readString(p).strip());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes {@code input} into {@code dir} under the hash of its bytes (hex text, so a diff can show it). */
    public static void write(Path dir, byte[] input) {
        try {
            Files.createDirectories(dir);
            String name = String.format("%016x", java.util.Arrays.hashCode(input) * 0x9E3779B97F4A7C15L + input.length);
            Files.writeString(dir.resolve(name), HexFormat.of().formatHex(input) + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
