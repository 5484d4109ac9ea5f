package smpnet.sim.determ;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import smpnet.locking.DeterministicScheduler;
import smpnet.sim.cli.OptionParser;
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
        /** Parses {@code --scenario S --mode M --seed N --explore N --preempt N}. */
        public static Options parse(List<String> args) throws UsageException {
            Map<String, String> o = new OptionParser(Set.of("--scenario", "--mode", "--seed", "--explore", "--preempt"), Set.of())
                    .parse(args);
            String name = o.getOrDefault("--scenario", Scenario.HOSTS.cliName());
            Scenario s = Scenario.named(name);
            if (s == null) throw new UsageException("unknown scenario: " + name + " (one of " + scenarioNames() + ")");
            long seed;
            try {
                seed = Long.parseLong(o.getOrDefault("--seed", "1").strip());
            } catch (NumberFormatException e) {
                throw new UsageException("--seed needs a whole number, not '" + o.get("--seed") + "'");
            }
            int explore = o.containsKey("--explore") ? OptionParser.intValue("--explore", o.get("--explore"), 1, 1_000_000) : 0;
            int preempt = OptionParser.intValue("--preempt", o.getOrDefault("--preempt",
                    String.valueOf(DeterministicScheduler.Options.DEFAULT_PREEMPT_ONE_IN)), 1, 1 << 20);
            return new Options(s, parseMode(o.getOrDefault("--mode", "fine")), seed, explore, preempt);
        }

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

    static LockMode parseMode(String text) throws UsageException {
        for (LockMode m : LockMode.values()) if (modeName(m).equals(text.strip())) return m;
        throw new UsageException("--mode must be fine, giant or giant-over-fine, not '" + text + "'");
    }

    static String modeName(LockMode m) { return m.name().toLowerCase(Locale.ROOT).replace('_', '-'); }

    static String scenarioNames() {
        List<String> names = new ArrayList<>();
        for (Scenario s : Scenario.values()) names.add(s.cliName());
        return String.join(", ", names);
    }

    public static String help() {
        StringBuilder b = new StringBuilder("""
                  seeded        a scenario run deterministically: one thread at a time, a seeded choice at every
                                scheduling point, virtual time. --seed N (default 1) runs one seed; --explore N
                                runs seeds N in a row from --seed and stops at the first failure (lock-order
                                reversal, failed assertion, deadlock, leaked mbuf), printing the command that
                                replays it. --mode fine|giant|giant-over-fine, --preempt N (preempt the running
                                thread at one scheduling point in N; 1 = a random pick at every point).
                                Scenarios (--scenario):
                """);
        for (Scenario s : Scenario.values()) b.append(String.format("                                  %-12s %s%n", s.cliName(), s.description()));
        return b.toString();
    }
}
