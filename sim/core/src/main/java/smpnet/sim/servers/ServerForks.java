package smpnet.sim.servers;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import smpnet.sim.SimSettings;

/**
 * A comparison run several times, each in a fresh child JVM (a fork, as JMH calls it), and merged. Inside one
 * JVM the event loop's window's parts agree within a few per cent, but the level they agree on moves by up
 * to 1.7 times from one fresh JVM to the next (what the JIT inlined, where the collector put the hot objects):
 * a verdict from one JVM per count measures that JVM as much as the count. The forks run the connection
 * counts in alternating order (the first ascending, the second descending, ...), so that the machine's drift
 * over minutes favours neither end of the ratio; their figures are merged as medians over the forks, and the
 * event loop's verdict takes its interval from a hierarchical bootstrap: forks resampled with replacement,
 * then the parts within each fork drawn.
 */
public final class ServerForks {
    private ServerForks() {}

    /** The seed of the verdict's bootstrap: the same forks give the same report. */
    public static final long SEED = 1;

    /** Resamples of the verdict's bootstrap. */
    public static final int RESAMPLES = 10_000;

    /** The longest a fork's child JVM may run before it is stopped and called failed (the long setting takes minutes). */
    public static final long CHILD_MINUTES = 60;

    /**
     * One fork's comparison.
     *
     * @param number     the fork's number, from 1
     * @param descending whether it ran the counts in descending order
     * @param comparison what it measured
     */
    public record Fork(int number, boolean descending, ServerComparison comparison) {
        String order() { return descending ? "descending" : "ascending"; }
    }

    /** What a comparison merged over forks says of them: how many, a sentence for the plan's, and the verdict. */
    record Merged(int count, String description, String verdict) {}

    /** Whether fork {@code number} (from 1) runs the counts in descending order: every second one does. */
    public static boolean descending(int number) {
        return number % 2 == 0;
    }

    /**
     * The forks' comparisons merged under {@code plan}: per model and count, the median over the forks of
     * requests, requests/s, latency percentiles, parks, context switches and CPU per request, retransmits and
     * drops; for the event loop, the median of the forks' medians of their window's kept parts (its merged
     * window has a part per fork, that fork's median), and its other counts summed. A case that stopped in
     * any fork is reported stopped, with the forks it stopped in. The mbufs outstanding are the forks' sum.
     * The verdict is {@link #verdict}'s.
     */
    public static ServerComparison merge(ServerPlan plan, List<Fork> forks) {
        if (forks.isEmpty()) throw new IllegalArgumentException("no fork to merge");
        List<ServerResult> merged = new ArrayList<>();
        for (ServerResult first : forks.getFirst().comparison().results()) {
            List<ServerResult> rs = new ArrayList<>();
            for (Fork f : forks) rs.add(at(f, first.model(), first.connections()));
            merged.add(mergeCase(rs));
        }
        long outstanding = forks.stream().mapToLong(f -> f.comparison().mbufsOutstanding()).sum();
        String description = String.format(Locale.ROOT, "each figure the median of %d forks (each a fresh JVM; the connection "
                + "counts ascending in the odd ones, descending in the even ones); the event loop's cost per event the median "
                + "of the forks' medians of their window's kept parts", forks.size());
        return ServerComparison.merged(plan, merged, outstanding,
                new Merged(forks.size(), description, verdict(plan, forks, SEED, RESAMPLES)));
    }

    /** Fork {@code f}'s result of {@code model} at {@code n} connections, or a not-run one where it has none. */
    private static ServerResult at(Fork f, ServerModel model, int n) {
        for (ServerResult r : f.comparison().results()) if (r.model() == model && r.connections() == n) return r;
        return ServerResult.notRun(model, n, "not run");
    }

    /** One case's results over the forks, merged (see {@link #merge}); in fork order. */
    static ServerResult mergeCase(List<ServerResult> rs) {
        ServerResult first = rs.getFirst();
        List<Integer> stoppedIn = new ArrayList<>();
        String why = null;
        for (int i = 0; i < rs.size(); i++) {
            if (rs.get(i).completed()) continue;
            stoppedIn.add(i + 1);
            if (why == null) why = rs.get(i).stopped();
        }
        if (stoppedIn.size() == rs.size()) return ServerResult.notRun(first.model(), first.connections(), why);
        if (why != null) {
            return ServerResult.notRun(first.model(), first.connections(), String.format(Locale.ROOT, "%s (in fork%s %s of %d)",
                    why, stoppedIn.size() > 1 ? "s" : "", String.join(", ", stoppedIn.stream().map(String::valueOf).toList()), rs.size()));
        }
        long requests = Math.round(median(rs, r -> r.requests()));
        double throughput = median(rs, ServerResult::throughput);
        boolean switches = rs.stream().allMatch(r -> r.contextSwitches() >= 0);
        // the latency distribution of the fork whose throughput is the median (the lower one of an even count)
        ServerResult middle = rs.stream().sorted(java.util.Comparator.comparingDouble(ServerResult::throughput)).toList()
                .get((rs.size() - 1) / 2);
        return new ServerResult(first.model(), first.connections(), requests, Math.round(median(rs, r -> r.echoed())),
                requests / throughput, median(rs, ServerResult::p50Micros), median(rs, ServerResult::p99Micros),
                median(rs, ServerResult::p999Micros), Math.round(median(rs, ServerResult::parksPerRequest) * requests),
                switches ? Math.round(median(rs, ServerResult::switchesPerRequest) * requests) : -1,
                Math.round(median(rs, ServerResult::cpuMicrosPerRequest) * 1e3 * requests),
                rs.stream().allMatch(r -> r.loop() != null) ? mergeLoops(rs.stream().map(ServerResult::loop).toList()) : null,
                Math.round(median(rs, r -> r.retransmits())), Math.round(median(rs, r -> r.ringDrops())), null, middle.latencyCdf());
    }

    /**
     * The event loop's windows of the forks as one: a part per fork, its median of its kept parts (and of the
     * queue's and the work's), no collection in any; the counts summed (so the whole window's figures per event are the forks'
     * together), the warm-up settled only if every fork's did, the longest warm-up, collection and
     * served-within, the most cores other processes used.
     */
    static ServerResult.LoopCost mergeLoops(List<ServerResult.LoopCost> ls) {
        ServerResult.LoopCost first = ls.getFirst();
        long events = 0, requests = 0, polls = 0, cpu = 0, queue = 0, sleepingPolls = 0, sleepingNanos = 0, sleepingEvents = 0;
        long parks = 0, unparks = 0, waits = 0, wakes = 0, writes = 0, gcs = 0, gcMillis = 0, compile = 0, warmup = 0, served = 0, fullGc = 0;
        boolean settled = true;
        int repeats = 0;
        double others = Double.NaN;
        double[] parts = new double[ls.size()], queueParts = new double[ls.size()], workParts = new double[ls.size()];
        for (int i = 0; i < ls.size(); i++) {
            ServerResult.LoopCost l = ls.get(i);
            events += l.events();
            requests += l.requests();
            polls += l.polls();
            cpu += l.cpuNanos();
            queue += l.queueNanos();
            sleepingPolls += l.sleepingPolls();
            sleepingNanos += l.sleepingNanos();
            sleepingEvents += l.sleepingEvents();
            parks += l.parks();
            unparks += l.unparks();
            waits += l.waitNanos();
            wakes += l.wakeNanos();
            writes += l.writeEvents();
            gcs += l.gcs();
            gcMillis += l.gcMillis();
            compile += l.compileMillis();
            warmup = Math.max(warmup, l.warmupRequests());
            served = Math.max(served, l.servedWithin());
            fullGc = Math.max(fullGc, l.fullGcMillis());
            settled &= l.settled();
            repeats += l.repeats();
            if (!Double.isNaN(l.otherCores())) others = Double.isNaN(others) ? l.otherCores() : Math.max(others, l.otherCores());
            parts[i] = l.medianNanosPerEvent();
            queueParts[i] = l.medianQueueNanosPerEvent();
            workParts[i] = l.medianWorkNanosPerEvent();
        }
        return new ServerResult.LoopCost(events, requests, polls, cpu, queue, sleepingPolls, sleepingNanos, sleepingEvents, parks,
                unparks, waits, wakes, writes, gcs, gcMillis, compile, warmup, settled, parts, queueParts, workParts,
                new long[ls.size()], repeats, served,
                fullGc, List.of(), first.placement(), others);
    }

    private static double median(List<ServerResult> rs, java.util.function.ToDoubleFunction<ServerResult> f) {
        return ServerResult.LoopCost.quantile(rs.stream().mapToDouble(f).toArray(), 0.5);
    }

    /**
     * The event loop's verdict over the forks, for each {@link LoopFigure} (its work per event, its whole cost,
     * the event queue's part):
     * from the base count (1,000 connections where the plan has it, else its smallest) to its largest, per
     * count the median over the forks of each fork's median of its window's kept parts (those in which no
     * collection ran and no other work shared the loop's core); their ratio; its interval by
     * {@link #hierarchical}; and the same rules as one JVM's verdict: "met" when the interval lies within the
     * goal's bounds, "NOT met" when wholly outside them, "undecided" when it crosses one, or when fewer than 2
     * forks are left to judge. A fork whose windows are unfit to judge by one JVM's rules (its warm-up unsettled,
     * the machine busy, the JIT compiling in a window: {@link ServerComparison#caveats}; most of a window's parts
     * left out) is left out of the figures, as a part in which a collection ran is left out of a window's, and
     * named with its reasons: the other forks still judge. Each fork's own ratio follows (a fork left out's too,
     * marked), so that the spread from JVM to JVM shows.
     */
    static String verdict(ServerPlan plan, List<Fork> forks, long seed, int resamples) {
        List<Integer> counts = plan.connections();
        if (!plan.models().contains(ServerModel.EVENT_LOOP) || counts.size() < 2) {
            return "Event loop cost per event over the forks: needs the event loop at two connection counts or more";
        }
        int base = counts.contains(1_000) ? 1_000 : counts.getFirst(), top = counts.getLast();
        // what makes a fork's windows unfit to judge, as for one JVM: an unsettled warm-up, a busy machine, compilation
        // in the window, most of a window's parts left out; such a fork is left out of the figures
        List<String> caveats = new ArrayList<>();
        java.util.Set<Integer> unfit = new java.util.HashSet<>();
        for (Fork f : forks) {
            ServerResult a = at(f, ServerModel.EVENT_LOOP, base), z = at(f, ServerModel.EVENT_LOOP, top);
            if (!a.completed() || !z.completed() || a.loop() == null || z.loop() == null) continue;
            List<String> why = new ArrayList<>(ServerComparison.caveats(a, z));
            for (ServerResult r : List.of(a, z)) {
                int all = (int) Arrays.stream(r.loop().parts()).filter(x -> !Double.isNaN(x)).count(), kept = kept(r, LoopFigure.WHOLE).length;
                if (2 * kept < all) {
                    why.add(String.format(Locale.ROOT, "%d of %d parts at %,d connections left out (a collection "
                            + "ran in them, or other threads ran on the loop's CPU)", all - kept, all, r.connections()));
                }
            }
            if (!why.isEmpty()) {
                unfit.add(f.number());
                caveats.add("fork " + f.number() + ": " + String.join("; ", why));
            }
        }
        String leftOut = caveats.isEmpty() ? "" : String.format(Locale.ROOT, "; %d of %d forks left out as unfit to judge: %s",
                unfit.size(), forks.size(), String.join("; ", caveats));
        StringBuilder b = new StringBuilder();
        for (LoopFigure figure : LoopFigure.values()) {
            List<double[]> as = new ArrayList<>(), zs = new ArrayList<>();
            List<String> own = new ArrayList<>();
            for (Fork f : forks) {
                double[] a = kept(at(f, ServerModel.EVENT_LOOP, base), figure), z = kept(at(f, ServerModel.EVENT_LOOP, top), figure);
                if (a.length == 0 || z.length == 0) {
                    own.add(String.format(Locale.ROOT, "fork %d (%s) no kept parts at %s", f.number(), f.order(),
                            a.length == 0 ? String.format(Locale.ROOT, "%,d", base) : String.format(Locale.ROOT, "%,d", top)));
                    continue;
                }
                own.add(String.format(Locale.ROOT, "fork %d (%s) x%.2f%s", f.number(), f.order(), median(z) / median(a),
                        unfit.contains(f.number()) ? " (left out)" : ""));
                if (unfit.contains(f.number())) continue;
                as.add(a);
                zs.add(z);
            }
            double[] ci = hierarchical(as.toArray(double[][]::new), zs.toArray(double[][]::new), seed, resamples,
                    ServerComparison.CONFIDENCE);
            double lo = 1 / (1 + ServerComparison.FLAT_WITHIN), hi = 1 + ServerComparison.FLAT_WITHIN;
            String judged;
            if (as.size() < 2) {
                judged = String.format(Locale.ROOT, "undecided: %d of %d forks %s at both counts, too few for an interval "
                        + "(2 at least)", as.size(), forks.size(), unfit.isEmpty() ? "kept parts" : "fit to judge kept parts") + leftOut;
            } else {
                judged = ServerComparison.judge(ci) + leftOut;
            }
            if (figure.ordinal() > 0) b.append('\n');
            b.append(String.format(Locale.ROOT, "%s over %d forks (%s; per count the median of the forks' medians of their "
                    + "window's kept parts): %s ns at %,d connections, %s ns at %,d: x%.2f (%s, from %d forks by a hierarchical "
                    + "bootstrap: forks, then parts within each, %,d resamples, seed %d), goal x%.2f to x%.2f (within %.0f%%): %s",
                    figure.title, forks.size(), figure.what, ns(medianOfMedians(as)), base,
                    ns(medianOfMedians(zs)), top, ci[1], as.size() < 2 ? "no interval: too few forks"
                            : ServerComparison.interval(ci, String.format(Locale.ROOT, "%.0f%% interval", ServerComparison.CONFIDENCE * 100)),
                    as.size(), resamples, seed, lo, hi,
                    ServerComparison.FLAT_WITHIN * 100, judged));
            b.append("\n  each fork's own ratio: ").append(String.join("; ", own));
        }
        return b.toString();
    }

    /** The kept parts of {@code r}'s event loop window, of {@code figure}, none where it has none. */
    private static double[] kept(ServerResult r, LoopFigure figure) {
        if (!r.completed() || r.loop() == null) return new double[0];
        ServerResult.LoopCost l = r.loop();
        return Arrays.stream(l.kept(figure.parts(l))).filter(x -> !Double.isNaN(x)).toArray();
    }

    private static String ns(double v) {
        return Double.isNaN(v) ? "none" : String.format(Locale.ROOT, "%,.0f", v);
    }

    private static double median(double[] v) {
        return ServerResult.LoopCost.quantile(v, 0.5);
    }

    private static double medianOfMedians(List<double[]> forks) {
        return median(forks.stream().mapToDouble(ServerForks::median).toArray());
    }

    /**
     * The ratio of {@code top}'s cost to {@code base}'s over forks, and its interval by a hierarchical bootstrap:
     * {lower, ratio, upper}. {@code base[i]} and {@code top[i]} are fork i's kept parts at the two counts (none
     * empty); the ratio is the median of the forks' medians at the top count over the same at the base. Each of
     * {@code resamples} resamples draws as many forks as there are, with replacement (a fork's two counts stay
     * together: one JVM measured both), then, within each drawn fork, as many parts as it has at each count,
     * with replacement, and takes the same ratio of medians; the interval runs between the resamples' (1 -
     * {@code confidence}) / 2 and (1 + {@code confidence}) / 2 quantiles. Drawn from {@code seed}: the same
     * forks and seed give the same interval. Lower and upper are NaN with fewer than 2 forks.
     */
    static double[] hierarchical(double[][] base, double[][] top, long seed, int resamples, double confidence) {
        int k = base.length;
        if (top.length != k) throw new IllegalArgumentException("a fork's parts at one count only");
        double[] ma = new double[k], mz = new double[k];
        for (int i = 0; i < k; i++) {
            ma[i] = median(base[i]);
            mz[i] = median(top[i]);
        }
        double ratio = k == 0 ? Double.NaN : median(mz) / median(ma);
        if (k < 2) return new double[] {Double.NaN, ratio, Double.NaN};
        SplittableRandom random = new SplittableRandom(seed);
        double[] ratios = new double[resamples];
        for (int b = 0; b < resamples; b++) {
            for (int j = 0; j < k; j++) {
                int f = random.nextInt(k);
                ma[j] = resampledMedian(base[f], random);
                mz[j] = resampledMedian(top[f], random);
            }
            ratios[b] = sortedMedian(mz) / sortedMedian(ma);
        }
        Arrays.sort(ratios);
        return new double[] {ServerResult.LoopCost.quantile(ratios, (1 - confidence) / 2), ratio,
                ServerResult.LoopCost.quantile(ratios, (1 + confidence) / 2)};
    }

    /** The median of as many draws from {@code parts}, with replacement, as it has. */
    private static double resampledMedian(double[] parts, SplittableRandom random) {
        double[] d = new double[parts.length];
        for (int i = 0; i < d.length; i++) d[i] = parts[random.nextInt(parts.length)];
        return sortedMedian(d);
    }

    /** The median of {@code v}, sorted in place. */
    private static double sortedMedian(double[] v) {
        Arrays.sort(v);
        int n = v.length;
        return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
    }

    /**
     * The command line of a child JVM that runs {@code smpnet} with {@code args}: this JVM's java launcher,
     * its flags ({@link SimSettings#jvmFlags}: the collector, the heap's bounds, native access, properties)
     * and its class path.
     */
    public static List<String> command(List<String> args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(SimSettings.javaLauncher().toString());
        cmd.addAll(SimSettings.jvmFlags());
        cmd.addAll(List.of("-cp", SimSettings.classPath(), smpnet.sim.Main.class.getName()));
        cmd.addAll(args);
        return cmd;
    }

    /**
     * Runs fork {@code number} of {@code of}: starts {@code command} (a child JVM that writes its comparison's
     * JSON to {@code json}), passes its output lines to {@code log} indented, waits for it at most
     * {@link #CHILD_MINUTES} minutes and reads its comparison back under {@code plan}. An IOException that
     * says which fork and why where the child did not end in time (it is stopped), exited with a status other
     * than 0, or left no result.
     */
    public static Fork run(int number, int of, boolean descending, List<String> command, Path json, ServerPlan plan,
                           Consumer<String> log) throws IOException, InterruptedException {
        return run(number, of, descending, command, json, plan, log, TimeUnit.MINUTES.toNanos(CHILD_MINUTES));
    }

    static Fork run(int number, int of, boolean descending, List<String> command, Path json, ServerPlan plan,
                    Consumer<String> log, long timeoutNanos) throws IOException, InterruptedException {
        long start = System.nanoTime();
        Files.deleteIfExists(json);
        Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String name = String.format(Locale.ROOT, "fork %d/%d (pid %d)", number, of, p.pid());
        try {
            p.getOutputStream().close();
            log.accept(String.format(Locale.ROOT, "%s: a fresh JVM, the connection counts %s ...", name,
                    descending ? "descending" : "ascending"));
            Thread reader = new Thread(() -> {
                try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                    for (String line; (line = in.readLine()) != null; ) log.accept("  | " + line);
                } catch (IOException e) {
                    log.accept("  | (its output unreadable: " + e.getMessage() + ")");
                }
            }, "fork-output-" + number);
            reader.setDaemon(true);
            reader.start();
            if (!p.waitFor(timeoutNanos, TimeUnit.NANOSECONDS)) {
                p.destroyForcibly();
                throw new IOException(String.format(Locale.ROOT, "%s did not end within %d s: stopped", name,
                        TimeUnit.NANOSECONDS.toSeconds(timeoutNanos)));
            }
            reader.join(TimeUnit.SECONDS.toMillis(10));
            if (p.exitValue() != 0) throw new IOException(String.format(Locale.ROOT, "%s failed: exit status %d", name, p.exitValue()));
            if (!Files.isRegularFile(json)) throw new IOException(name + " exited without its result (" + json + ")");
            ServerComparison c = ServerJson.read(plan, Files.readString(json));
            log.accept(String.format(Locale.ROOT, "%s done in %.1f s: %d cases, %d mbufs outstanding after them", name,
                    (System.nanoTime() - start) / 1e9, c.results().size(), c.mbufsOutstanding()));
            return new Fork(number, descending, c);
        } finally {
            if (p.isAlive()) p.destroyForcibly();
        }
    }
}
