package smpnet.sim.packetdrill;

import java.util.function.Consumer;
import smpnet.locking.DeterministicScheduler;
import smpnet.sim.determ.DeterministicRun;
import smpnet.stack.Stack;
import smpnet.stack.locks.LockMode;

/**
 * Runs a packetdrill {@link Script} against one smpnet host in a {@link DeterministicRun}: the host, the
 * scripted peer and the script's threads share the run's virtual clock, so a script that waits out a 3-second
 * timer takes milliseconds, and a seed replays a run exactly. The outcome is the first mismatch in packetdrill's
 * words, or a pass.
 */
public final class ScriptRunner {
    /** The seed runs use unless told otherwise. */
    public static final long DEFAULT_SEED = 1;

    private ScriptRunner() {}

    /** Runs {@code script} on an smpnet host in {@code mode}, scheduled from {@code seed}. */
    public static Outcome run(Script script, LockMode mode, long seed) {
        return run(script, mode, SmpnetTarget.factory(mode), seed);
    }

    /**
     * As {@link #run(Script, LockMode, long)}, handing the host to {@code prepare} before it starts (a lab
     * installs its code in the host's seams there).
     */
    public static Outcome run(Script script, LockMode mode, long seed, Consumer<Stack> prepare) {
        return run(script, mode, SmpnetTarget.factory(mode, prepare), seed);
    }

    /**
     * A failed run's message without its list of recent scheduling decisions (long, and of use only with a
     * debugger at hand: the replay line gives the run again).
     */
    static String brief(String message) {
        StringBuilder b = new StringBuilder();
        for (String line : message.split("\n")) {
            if (line.strip().startsWith("last decisions:")) continue;
            b.append(b.isEmpty() ? "" : "\n").append(line);
        }
        return b.toString();
    }

    /** Runs {@code script} against the host {@code factory} builds (tests use fakes); {@code mode} only labels the outcome. */
    static Outcome run(Script script, LockMode mode, Target.Factory factory, long seed) {
        DeterministicRun run = DeterministicRun.of(seed).replayWith("./smpnet packetdrill --mode "
                + mode.name().toLowerCase().replace('_', '-') + " --seed " + seed + " " + script.file());
        Outcome.Failure[] failure = {null};
        run.spawn("packetdrill", () -> {
            Capture capture = new Capture();
            Target target = factory.create(run, script.options(), capture);
            try {
                new Execution(script, target, capture).run();
            } catch (ScriptFailure f) {
                failure[0] = f.failure;
            }
        });
        try {
            DeterministicRun.Result r = run.run();
            return new Outcome(script.file(), mode, failure[0], r.virtualNanos());
        } catch (DeterministicScheduler.RunFailure f) {
            if (failure[0] != null) return new Outcome(script.file(), mode, failure[0], -1); // the script failed first
            return new Outcome(script.file(), mode, new Outcome.Failure(Outcome.Kind.ERROR, 0,
                    script.file() + ": the run failed: " + brief(f.getMessage())), -1);
        }
    }
}
