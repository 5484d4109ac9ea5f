package smpnet.sim.determ;

import smpnet.locking.CondVar;
import smpnet.locking.DeterministicScheduler;
import smpnet.locking.GuardedBy;
import smpnet.locking.Mutex;
import smpnet.stack.Stack;
import smpnet.stack.StackConfig;
import smpnet.stack.dev.ImpairedLink;
import smpnet.stack.dev.ImpairedLink.Impairments;
import smpnet.stack.dev.SimNic;
import smpnet.witness.Report;
import smpnet.witness.ReportKind;
import smpnet.witness.Witness;

/**
 * A whole-stack run replayed from a seed: every host's threads and the application's run one at a time
 * under a {@link DeterministicScheduler}, on virtual time. Application code is ordinary blocking code:
 * <pre>
 *   DeterministicRun run = DeterministicRun.of(42);
 *   run.spawn("app", () -&gt; {
 *       Stack a = run.host(StackConfig.defaults("a")), b = run.host(StackConfig.defaults("b"));
 *       Wire.connect(a.addNic("em0", "10.0.0.1/24", NicConfig.of(1)), b.addNic("em0", "10.0.0.2/24", NicConfig.of(1)));
 *       a.start(); b.start();
 *       UdpSocket rx = b.openUdp().bind(5000);
 *       ...                                    // send, block in rx.receiveFrom(), sleep: all virtual
 *   });
 *   DeterministicRun.Result r = run.run();     // the same seed gives the same r.decisionHash()
 * </pre>
 * The run stops early, with the seed in its message ({@link DeterministicScheduler.RunFailure}), on a
 * lock-order reversal or other witness report, a thrown exception or failed assertion in any thread, a
 * deadlock, or (at the end) a leaked mbuf. When the application threads have ended, a last thread closes the
 * links and hosts, inside the run.
 *
 * <p>Locking key: {@code live} is guarded by {@code lock} (a simulated lock, so waiting for it is a
 * scheduling point like any other).
 */
public final class DeterministicRun implements Simulation {
    /** What a run that ended well did. */
    public record Result(long seed, long decisions, long decisionHash, long virtualNanos) {}

    private final DeterministicScheduler sched;
    private final RunResources resources;
    private final Mutex lock = new Mutex("sim_run");
    private final CondVar ended = new CondVar("sim_run_ended");
    @GuardedBy("sim_run") private int live;
    /** Set by the building thread before {@link #run()}. */
    private String replay;

    private DeterministicRun(DeterministicScheduler.Options options) {
        this.sched = new DeterministicScheduler(options);
        this.resources = new RunResources(options.seed());
        this.replay = "DeterministicRun.of(" + (options.preemptOneIn() == DeterministicScheduler.Options.DEFAULT_PREEMPT_ONE_IN
                ? options.seed() + ")" : "DeterministicScheduler.Options.seed(" + options.seed() + ").withPreemptOneIn("
                + options.preemptOneIn() + "))");
    }

    /** A run with {@code seed} and the default preemption rate. */
    public static DeterministicRun of(long seed) { return new DeterministicRun(DeterministicScheduler.Options.seed(seed)); }

    /** A run with explicit options (seed, preemption rate, stuck limit). */
    public static DeterministicRun of(DeterministicScheduler.Options options) { return new DeterministicRun(options); }

    @Override public long seed() { return sched.seed(); }

    /**
     * How a failure's message says to replay the run: by default {@code DeterministicRun.of(seed)}; a command
     * line that built the run names itself.
     */
    public DeterministicRun replayWith(String command) {
        this.replay = command;
        return this;
    }

    /** The scheduler that runs this simulation (installed for the JVM while {@link #run()} runs). */
    public DeterministicScheduler scheduler() { return sched; }

    @Override
    public Stack host(StackConfig config) { return resources.host(config, sched); }

    @Override
    public ImpairedLink link(SimNic a, SimNic b, Impairments both, int recordFrames) {
        return resources.link(a, b, both, recordFrames);
    }

    @Override
    public void spawn(String name, Body body) {
        Runnable code = Simulation.unchecked(name, body);
        lock.lock();
        try {
            live++;
        } finally {
            lock.unlock();
        }
        sched.spawn(name, () -> {
            try {
                code.run();
            } finally {
                lock.lock();
                try {
                    if (--live == 0) ended.broadcast();
                } finally {
                    lock.unlock();
                }
            }
        });
    }

    /**
     * Runs every application thread to its end, then closes the links and hosts made here and checks that no
     * mbuf leaked. Throws {@link DeterministicScheduler.RunFailure} (naming the seed) if the run stopped early.
     */
    public Result run() {
        sched.spawn("shutdown", () -> {
            lock.lock();
            try {
                while (live > 0) ended.await(lock);
            } finally {
                lock.unlock();
            }
            resources.closeAll();
        });
        try (Witness.Registration ignored = Witness.listen(this::onReport)) {
            sched.run();
        } catch (DeterministicScheduler.RunFailure f) {
            throw new DeterministicScheduler.RunFailure(seed(), f.getMessage() + "\nreplay: " + replay, f.getCause());
        }
        String leaks = resources.leaks();
        if (leaks != null) {
            throw new DeterministicScheduler.RunFailure(seed(), "deterministic run with seed " + seed() + " failed at its end: "
                    + leaks + "\nreplay: " + replay, null);
        }
        return new Result(seed(), sched.decisions(), sched.decisionHash(), sched.now());
    }

    /** Any report but a new order (which is news, not a fault) or an allowed reversal stops the run. */
    private void onReport(Report r) {
        if (r.kind() == ReportKind.NEW_ORDER || r.allowed()) return;
        sched.fail(new AssertionError(r.text()));
    }
}
