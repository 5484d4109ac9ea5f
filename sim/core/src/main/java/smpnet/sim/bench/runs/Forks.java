package smpnet.sim.bench.runs;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;
import smpnet.sim.bench.plan.BenchCase;
import smpnet.sim.bench.results.CaseResult;
import smpnet.sim.bench.results.Ceiling;
import smpnet.sim.bench.results.LockContention;
import smpnet.sim.bench.results.RunSample;
import smpnet.sim.bench.results.Tally;

/**
 * Merges what several forks of one group measured, as JMH merges its forks. Each fork is a fresh set of
 * child JVMs, and a JVM's own state (which methods the JIT inlined, where the collector put the hot objects)
 * moves its throughput by tens of percent from one JVM to the next while runs inside it agree closely; the
 * median over several forks is what a reader can repeat. Runs are concatenated fork after fork in the same
 * order for every case, so the pairs that speed-ups are taken over stay pairs from one fork. A merged case's
 * warm-up is its longest fork's, and settled only if every fork's did.
 */
final class Forks {
    private Forks() {}

    /** One outcome for the forks of a group, in the order they ran; {@code forks} must not be empty. */
    static GroupRunner.Outcome merge(List<GroupRunner.Outcome> forks) {
        if (forks.isEmpty()) throw new IllegalArgumentException("no fork to merge");
        if (forks.size() == 1) return forks.getFirst();
        Map<BenchCase, List<CaseResult>> byCase = new LinkedHashMap<>();
        List<Ceiling> ceilings = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        for (GroupRunner.Outcome o : forks) {
            for (CaseResult r : o.results()) byCase.computeIfAbsent(r.benchCase(), k -> new ArrayList<>()).add(r);
            if (o.ceiling() != null) ceilings.add(o.ceiling());
            for (String n : o.notes()) if (!notes.contains(n)) notes.add(n);
        }
        List<CaseResult> results = new ArrayList<>();
        for (List<CaseResult> rs : byCase.values()) results.add(mergeCase(rs));
        // A ceiling is kept only if every fork measured one: its rounds must pair with the 1-CPU runs.
        Ceiling ceiling = ceilings.size() == forks.size() ? mergeCeilings(ceilings) : null;
        return new GroupRunner.Outcome(results, ceiling, notes);
    }

    static CaseResult mergeCase(List<CaseResult> rs) {
        CaseResult first = rs.getFirst();
        List<RunSample> runs = new ArrayList<>();
        Histogram latency = new Histogram(3);
        long warmup = 0;
        boolean settledWarmups = true;
        long generated = 0;
        long received = 0;
        long dropped = 0;
        List<LockContention> locks = List.of();
        double paused = 0;
        for (CaseResult r : rs) {
            runs.addAll(r.runs());
            latency.add(r.latency());
            warmup = Math.max(warmup, r.warmupNanos());
            settledWarmups &= r.warmupSettled();
            generated += r.settled().generated();
            received += r.settled().received();
            dropped += r.settled().dropped();
            if (locks.isEmpty()) locks = r.locks();
            paused = Math.max(paused, r.pausedCpuUse());
        }
        return new CaseResult(first.benchCase(), first.pinning(), warmup, settledWarmups, runs, latency,
                new Tally(generated, received, dropped), locks, paused);
    }

    static Ceiling mergeCeilings(List<Ceiling> cs) {
        Ceiling first = cs.getFirst();
        List<RunSample> core0 = new ArrayList<>();
        List<RunSample> core1 = new ArrayList<>();
        Histogram latency = new Histogram(3);
        long warmup = 0;
        boolean balanced = true;
        for (Ceiling c : cs) {
            core0.addAll(c.core0());
            core1.addAll(c.core1());
            latency.add(c.latency());
            warmup = Math.max(warmup, c.warmupNanos());
            balanced &= c.balanced();
        }
        return new Ceiling(first.payload(), first.pinning(), warmup, core0, core1, latency, balanced);
    }
}
