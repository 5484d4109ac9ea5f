package smpnet.sim.determ;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import smpnet.locking.DeterministicScheduler;
import smpnet.sim.cli.UsageException;
import smpnet.stack.locks.LockMode;
import smpnet.witness.Witness;

/**
 * {@code ./smpnet run seeded}: runs a scenario deterministically from a seed, or explores N seeds and reports
 * the first failure with the command that replays it.
 */
public final class SeededCommand {
    /** The parsed options of one seeded run or exploration. */
    public record Options(Scenario scenario, LockMode mode, long seed, int explore, int preemptOneIn) {
        /** The command that runs this scenario with {@code seed} alone. */
        public String replayCommand(long seed) {
            return "./smpnet run seeded --scenario " + scenario.cliName() + " --mode " + modeName(mode) + " --seed " + seed
                    + (preemptOneIn == DeterministicScheduler.Options.DEFAULT_PREEMPT_ONE_IN ? "" : " --preempt " + preemptOneIn);
        }
    }

    /** One seed's run: its result, or the failure that stopped it. */
    public record SeedRun(long seed, DeterministicRun.Result result, List<String> outcome, RuntimeException failure) {
        public boolean failed() { return failure != null; }
    }

    private SeededCommand() {}

    /** Runs the command; returns the exit status (0: every run passed, 1: a run failed). */
    public static int run(Options o, PrintStream out) {
        Witness.enable(); // before any lock exists: every lock of the run is checked
        long last = o.explore() == 0 ? o.seed() : o.seed() + o.explore() - 1;
        out.printf("seeded %s: scenario %s (%s), mode %s, preempt 1 in %d%n", o.explore() == 0 ? "run" : "exploration of seeds "
                + o.seed() + ".." + last, o.scenario().cliName(), o.scenario().description(), modeName(o.mode()), o.preemptOneIn());
        for (long seed = o.seed(); seed <= last; seed++) {
            SeedRun r = runSeed(o.scenario(), o.mode(), seed, o.preemptOneIn(), o.replayCommand(seed));
            if (r.failed()) {
                out.println("seed " + seed + ": FAILED");
                if (o.explore() > 0) out.println("first failure at seed " + seed + ", after " + (seed - o.seed()) + " passing seeds");
                out.println(r.failure().getMessage()); // ends with the replay command
                return 1;
            }
            out.printf("seed %d: ok, %d decisions, hash %016x, %.3f s virtual; %s%n", seed, r.result().decisions(),
                    r.result().decisionHash(), r.result().virtualNanos() / 1e9, String.join("; ", r.outcome()));
        }
        if (o.explore() > 0) out.println("no failure in " + o.explore() + " seeds");
        return 0;
    }

    /** Runs {@code scenario} once, deterministically, with {@code seed}. */
    public static SeedRun runSeed(Scenario scenario, LockMode mode, long seed, int preemptOneIn, String replay) {
        DeterministicRun run = DeterministicRun.of(DeterministicScheduler.Options.seed(seed).withPreemptOneIn(preemptOneIn))
                .replayWith(replay);
        List<String> outcome = java.util.Collections.synchronizedList(new ArrayList<>());
        scenario.start(run, mode, outcome);
        try {
            return new SeedRun(seed, run.run(), List.copyOf(outcome), null);
        } catch (DeterministicScheduler.RunFailure f) {
            return new SeedRun(seed, null, List.copyOf(outcome), f);
        }
    }

    /** The mode named {@code text} as on the command line: fine, giant or giant-over-fine. */
    public static LockMode parseMode(String text) throws UsageException {
        for (LockMode m : LockMode.values()) if (modeName(m).equals(text.strip())) return m;
        throw new UsageException("--mode must be fine, giant or giant-over-fine, not '" + text + "'");
    }

    public static String modeName(LockMode m) { return m.name().toLowerCase(Locale.ROOT).replace('_', '-'); }

    public static String scenarioNames() {
        List<String> names = new ArrayList<>();
        for (Scenario s : Scenario.values()) names.add(s.cliName());
        return String.join(", ", names);
    }

    /** One line per scenario: its name and what it does. */
    public static List<String> scenarioLines() {
        List<String> out = new ArrayList<>();
        for (Scenario s : Scenario.values()) out.add(String.format("  %-12s %s", s.cliName(), s.description()));
        return out;
    }
}
