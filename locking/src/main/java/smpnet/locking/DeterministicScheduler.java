package smpnet.locking;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.locks.LockSupport;

/**
 * The seam's second implementation: a seeded, deterministic scheduler. Every simulated thread (worker,
 * application thread, the timer thread) is a real Java thread, but only the one holding the baton runs. At
 * every scheduling point (lock acquire and release, cv signal, park, spin, queue hand-off) a PRNG seeded once
 * decides whether the running thread goes on or which runnable thread runs instead; a thread that parks
 * passes the baton to a runnable thread the PRNG picks. Time is virtual: it stands still while anyone can run
 * and, when every thread is blocked, jumps to the earliest timed park or timer. So the same seed gives the
 * same run, decision for decision ({@link #decisionHash()}), and a run that waits a minute of virtual time
 * takes as long as its code does.
 *
 * <p>Timers ({@link #schedule}) run one after another on one thread, "callout", as FreeBSD's callout thread
 * runs them. Threads started with {@link #startWorker} are daemons (the stack's ithreads, netisr workers,
 * transmit threads); threads started with {@link #spawn} are the application: the run ends when every
 * application thread has ended, and daemons still parked then are unwound. The run stops early, with the seed
 * in its message, when a thread throws (a failed assertion, a lock-order reversal under witness's throw
 * policy), when {@link #fail} is called (a witness listener, a leak check), when every thread is blocked and
 * no timer is pending (a deadlock), or when the running thread has not reached a scheduling point for
 * {@link Options#stuckMillis()} of real time (it blocked outside the seam).
 *
 * <pre>
 *   DeterministicScheduler s = new DeterministicScheduler(DeterministicScheduler.Options.seed(42));
 *   s.spawn("app", () -&gt; { ... });
 *   s.run();                // installs itself, runs to the end, restores the previous scheduler
 *   long h = s.decisionHash();
 * </pre>
 *
 * <p>Locking key: the participants, their states, the timers and the clock are guarded by this object's
 * monitor; the PRNG, the decision count and the hash are touched only by the thread holding the baton (the
 * hand-off through the volatile {@code running} orders them).
 */
public final class DeterministicScheduler implements Scheduler {

    /**
     * How a run is driven. {@code preemptOneIn}: at a scheduling point where the running thread could go on,
     * it is preempted (another runnable thread, picked by the PRNG, runs) once in this many points on
     * average; 1 picks among all runnable threads at every point (the widest exploration, the most thread
     * switches), larger values run longer stretches (cheaper, closer to a real CPU's time slice).
     * {@code stuckMillis}: how long, in real time, the running thread may go without a scheduling point
     * before the run fails as stuck.
     */
    public record Options(long seed, int preemptOneIn, long stuckMillis) {
        public static final int DEFAULT_PREEMPT_ONE_IN = 8;

        public Options {
            if (preemptOneIn < 1) throw new IllegalArgumentException("preemptOneIn must be at least 1");
            if (stuckMillis < 1) throw new IllegalArgumentException("stuckMillis must be positive");
        }

        public static Options seed(long seed) { return new Options(seed, DEFAULT_PREEMPT_ONE_IN, 30_000); }

        public Options withPreemptOneIn(int n) { return new Options(seed, n, stuckMillis); }

        public Options withStuckMillis(long ms) { return new Options(seed, preemptOneIn, ms); }
    }

    /** Why a deterministic run stopped early; its message names the seed. */
    public static final class RunFailure extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final long seed;

        public RunFailure(long seed, String message, Throwable cause) {
            super(message, cause);
            this.seed = seed;
        }

        /** The seed of the failed run: a run with it replays the failure. */
        public long seed() { return seed; }
    }

    private enum State { RUNNABLE, PARKED, DONE }

    private static final class Participant {
        final String name;
        final int cpu;
        final int index;
        final boolean daemon;
        Thread thread;
        State state = State.RUNNABLE;
        boolean permit;
        long deadline = Long.MAX_VALUE;
        Object blocker;

        Participant(String name, int cpu, int index, boolean daemon) {
            this.name = name;
            this.cpu = cpu;
            this.index = index;
            this.daemon = daemon;
        }

        String describe() {
            String where = state == State.PARKED
                    ? " on " + blocker + (deadline != Long.MAX_VALUE ? " until " + deadline + " ns" : "") : "";
            return name + " " + state.name().toLowerCase() + where;
        }
    }

    private record Timer(long due, long seq, Runnable task) {}

    /** Thrown in a participant to unwind it once the run has ended or failed. */
    private static final class Unwind extends Error {
        private static final long serialVersionUID = 1L;

        Unwind() { super("deterministic run over", null, false, false); }
    }

    private static final int RECENT = 32;

    private final Options options;
    private final ThreadLocal<Participant> self = new ThreadLocal<>();
    @GuardedBy("this") private final List<Participant> participants = new ArrayList<>();
    @GuardedBy("this") private final PriorityQueue<Timer> timers = new PriorityQueue<>((a, b) ->
            a.due != b.due ? Long.compare(a.due, b.due) : Long.compare(a.seq, b.seq));
    @GuardedBy("this") private long timerSeq;
    @GuardedBy("this") private Participant callout;
    @GuardedBy("this") private int liveApplicationThreads;
    @GuardedBy("this") private Throwable failure;
    /** Every thread's state when the failure was recorded: unwinding changes them before the report is written. */
    @GuardedBy("this") private String statesAtFailure;
    @GuardedBy("this") private boolean started;
    /** The recent decisions, for a failure's message. */
    @GuardedBy("this") private final ArrayDeque<String> recent = new ArrayDeque<>();
    /** Written under the monitor, read anywhere: virtual time stands still between jumps. */
    private volatile long now;
    /** Set once the run is over (ended or failed): every participant unwinds at its next scheduling call. */
    private volatile boolean over;
    /** The participant holding the baton; null before the start and after the end. */
    private volatile Participant running;
    // The baton holder's: the PRNG state, the decision count and hash.
    private long rng;
    private long decisions;
    private long hash = 0xCBF29CE484222325L;

    public DeterministicScheduler(Options options) {
        this.options = options;
        this.rng = options.seed();
    }

    public long seed() { return options.seed(); }

    public Options options() { return options; }

    /**
     * A hash of every decision so far: at each scheduling point, who ran next, and each jump of the clock.
     * Two runs with one seed (and the same program) have equal hashes; read it after {@link #run()}.
     */
    public synchronized long decisionHash() { return hash; }

    /** How many scheduling decisions the run made. */
    public synchronized long decisions() { return decisions; }

    /** The virtual clock, in nanoseconds from the start of the run. */
    public long now() { return now; }

    // ---- running ----------------------------------------------------------------------------------------

    /** Starts an application thread; the run ends when every application thread has ended. */
    public Thread spawn(String name, Runnable body) {
        synchronized (this) {
            return startLocked(new Participant(name, 0, participants.size(), false), body);
        }
    }

    /** As {@link #spawn}, on simulated CPU {@code cpu}. */
    public Thread spawn(String name, int cpu, Runnable body) {
        synchronized (this) {
            return startLocked(new Participant(name, cpu, participants.size(), false), body);
        }
    }

    /**
     * Installs this scheduler for the JVM, runs until every application thread has ended, unwinds the daemon
     * threads left, and restores the previous scheduler. Throws {@link RunFailure} if the run stopped early.
     */
    public void run() {
        try (var ignored = Schedulers.use(this)) {
            synchronized (this) {
                if (started) throw new IllegalStateException("a deterministic scheduler runs once");
                if (liveApplicationThreads == 0) throw new IllegalStateException("no application thread to run");
                started = true;
                handOffLocked(null, pickNextLocked(null, false));
                long lastDecisions = -1;
                long lastProgress = System.nanoTime();
                while (!over) {
                    waitQuietly(100);
                    long d = decisions;
                    if (d != lastDecisions) {
                        lastDecisions = d;
                        lastProgress = System.nanoTime();
                    } else if (!over && System.nanoTime() - lastProgress > options.stuckMillis() * 1_000_000) {
                        Participant r = running;
                        fail(new IllegalStateException("stuck: " + (r == null ? "nobody" : r.name)
                                + " ran " + options.stuckMillis() + " ms of real time without a scheduling point"
                                + " (it blocks outside the scheduler, or loops)" + stackOf(r)));
                    }
                }
            }
        }
        long joinUntil = System.nanoTime() + 2_000_000_000L; // a thread stuck outside the seam may never end
        for (Participant p : participantsCopy()) joinQuietly(p.thread, joinUntil);
        synchronized (this) {
            if (failure != null) {
                throw new RunFailure(seed(), "deterministic run with seed " + seed() + " failed after " + decisions
                        + " decisions at " + now + " ns: " + failure.getMessage() + "\n  threads: " + statesAtFailure
                        + "\n  last decisions: " + String.join(" ", recent), failure);
            }
        }
    }

    /**
     * Stops the run: the first failure wins and {@link #run()} throws it with the seed. Any thread may call it
     * (a witness listener, a check); the calling participant unwinds at its next scheduling call.
     */
    public synchronized void fail(Throwable cause) {
        if (over) return; // threads unwinding after the end may trip over abandoned state: not a failure
        if (!(cause instanceof Unwind)) {
            failure = cause;
            statesAtFailure = statesLocked();
        }
        endRunLocked();
    }

    // ---- Scheduler ----------------------------------------------------------------------------------------

    @Override
    public long nanoTime() { return now; }

    @Override
    public Thread startWorker(String name, int cpu, Runnable body) {
        synchronized (this) {
            return startLocked(new Participant(name, cpu, participants.size(), true), body);
        }
    }

    @Override
    public int currentCpu() {
        Participant p = self.get();
        return p != null ? p.cpu : (int) ((Thread.currentThread().threadId() * 0x9E3779B97F4A7C15L) >>> 33);
    }

    @Override
    public void park(Object blocker) { parkUntil(blocker, Long.MAX_VALUE); }

    @Override
    public void parkNanos(Object blocker, long nanos) {
        Participant me = self.get();
        if (me == null) {
            LockSupport.parkNanos(blocker, nanos);
            return;
        }
        long t = now;
        parkUntil(blocker, nanos >= Long.MAX_VALUE - t ? Long.MAX_VALUE : t + Math.max(0, nanos));
    }

    @Override
    public void unpark(Thread thread) {
        synchronized (this) {
            for (Participant p : participants) {
                if (p.thread != thread) continue;
                if (p.state == State.PARKED) {
                    p.state = State.RUNNABLE;
                    p.deadline = Long.MAX_VALUE;
                } else if (p.state == State.RUNNABLE) {
                    p.permit = true;
                }
                return;
            }
        }
        LockSupport.unpark(thread);
    }

    /** A spinning thread cannot progress while it holds the baton: it always passes it on. */
    @Override
    public void spinWait(int iteration) { point(true); }

    @Override
    public Cancellable schedule(long delayNanos, Runnable task) {
        synchronized (this) {
            Timer t = new Timer(now + Math.max(0, delayNanos), timerSeq++, task);
            timers.add(t);
            if (callout == null) {
                callout = new Participant("callout", 0, participants.size(), true);
                startLocked(callout, this::calloutLoop);
            }
            if (callout.state == State.PARKED && t.due <= now) {
                callout.state = State.RUNNABLE; // due at once: runnable now, as a woken thread is
                callout.deadline = Long.MAX_VALUE;
            } else if (callout.state == State.PARKED && t.due < callout.deadline) {
                callout.deadline = t.due;
            }
            return () -> {
                synchronized (DeterministicScheduler.this) { return timers.remove(t); }
            };
        }
    }

    @Override
    public void schedulingPoint() { point(false); }

    // ---- the baton ----------------------------------------------------------------------------------------

    private void point(boolean spinning) {
        Participant me = self.get();
        if (me == null) return;
        if (over) throw new Unwind();
        if (!spinning && preemptOneIn() > 1 && Math.floorMod(nextRandom(), preemptOneIn()) != 0) {
            record(me.index); // goes on: no lock, no switch
            return;
        }
        synchronized (this) {
            handOffLocked(me, pickNextLocked(me, spinning));
        }
        awaitBaton(me);
    }

    private int preemptOneIn() { return options.preemptOneIn(); }

    private void parkUntil(Object blocker, long deadline) {
        Participant me = self.get();
        if (me == null) {
            LockSupport.park(blocker);
            return;
        }
        if (over) throw new Unwind();
        synchronized (this) {
            if (me.permit) {
                me.permit = false;
            } else {
                me.state = State.PARKED;
                me.blocker = blocker;
                me.deadline = deadline;
            }
            handOffLocked(me, pickNextLocked(me, false));
        }
        awaitBaton(me);
    }

    /** Timers, in due order (then in the order they were armed), on the one callout thread. */
    private void calloutLoop() {
        Participant me = self.get();
        while (true) {
            Timer due;
            synchronized (this) {
                due = timers.isEmpty() || timers.peek().due > now ? null : timers.poll();
                if (due == null) {
                    me.state = State.PARKED;
                    me.blocker = "callout";
                    me.deadline = timers.isEmpty() ? Long.MAX_VALUE : timers.peek().due;
                    handOffLocked(me, pickNextLocked(me, false));
                }
            }
            if (due == null) awaitBaton(me);
            else due.task.run();
        }
    }

    @GuardedBy("this")
    private Thread startLocked(Participant p, Runnable body) {
        assert Thread.holdsLock(this);
        if (over) throw new IllegalStateException("the deterministic run is over");
        participants.add(p);
        if (!p.daemon) liveApplicationThreads++;
        Thread t = new Thread(() -> body(p, body), p.name);
        t.setDaemon(true);
        p.thread = t;
        t.start();
        return t;
    }

    private void body(Participant p, Runnable body) {
        self.set(p);
        try {
            awaitBaton(p);
            body.run();
        } catch (Unwind u) {
            return;
        } catch (Throwable t) {
            fail(new AssertionError(p.name + " threw " + t, t));
            return;
        }
        synchronized (this) {
            p.state = State.DONE;
            if (!p.daemon && --liveApplicationThreads == 0) {
                endRunLocked();
                return;
            }
            handOffLocked(p, pickNextLocked(p, false));
        }
    }

    private void awaitBaton(Participant me) {
        while (running != me) {
            if (over) throw new Unwind();
            LockSupport.park(this);
        }
        if (over) throw new Unwind();
    }

    @GuardedBy("this")
    private void handOffLocked(Participant me, Participant next) {
        assert Thread.holdsLock(this);
        if (next == null || over) return;
        running = next;
        if (next != me) LockSupport.unpark(next.thread);
    }

    /**
     * Picks who runs after a scheduling point of {@code me} (null: the start). Preempting or spinning, another
     * runnable thread if there is one; otherwise a runnable thread at random; if none can run, the clock jumps.
     */
    @GuardedBy("this")
    private Participant pickNextLocked(Participant me, boolean spinning) {
        assert Thread.holdsLock(this);
        while (true) {
            List<Participant> runnable = new ArrayList<>();
            for (Participant p : participants) {
                if (p.state == State.RUNNABLE && (p != me || !spinning)) runnable.add(p);
            }
            if (runnable.isEmpty() && spinning && me.state == State.RUNNABLE) {
                // Only the spinner can run: time must pass for whatever it waits for.
                if (advanceClockLocked()) continue;
                fail(new IllegalStateException("livelock: " + me.name + " spins and nothing else can run: " + statesLocked()));
                return null;
            }
            if (!runnable.isEmpty()) {
                Participant next = runnable.get(Math.floorMod(nextRandom(), runnable.size()));
                record(next.index);
                if (next != me) rememberLocked(next.name + (me == null ? "" : "(" + me.describe() + ")"));
                return next;
            }
            if (!advanceClockLocked()) {
                fail(new IllegalStateException("deadlock: every thread is blocked and no timer is pending"));
                return null;
            }
        }
    }

    /** Jumps the clock to the earliest timed park (the callout's is its next timer); false if there is none. */
    @GuardedBy("this")
    private boolean advanceClockLocked() {
        assert Thread.holdsLock(this);
        long due = Long.MAX_VALUE;
        for (Participant p : participants) {
            if (p.state == State.PARKED) due = Math.min(due, p.deadline);
        }
        if (due == Long.MAX_VALUE) return false;
        now = Math.max(now, due);
        record(-1 - now);
        rememberLocked("@" + now);
        for (Participant p : participants) {
            if (p.state == State.PARKED && p.deadline <= now) {
                p.state = State.RUNNABLE;
                p.deadline = Long.MAX_VALUE;
            }
        }
        return true;
    }

    @GuardedBy("this")
    private void endRunLocked() {
        assert Thread.holdsLock(this);
        over = true;
        running = null;
        for (Participant p : participants) LockSupport.unpark(p.thread);
        notifyAll();
    }

    /** splitmix64: small, fast, and the same sequence on every JVM. */
    private long nextRandom() {
        long z = (rng += 0x9E3779B97F4A7C15L);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    private void record(long choice) {
        decisions++;
        hash = (hash ^ choice) * 0x100000001B3L;
    }

    @GuardedBy("this")
    private void rememberLocked(String decision) {
        assert Thread.holdsLock(this);
        if (recent.size() == RECENT) recent.poll();
        recent.add(decision);
    }

    @GuardedBy("this")
    private String statesLocked() {
        assert Thread.holdsLock(this);
        StringBuilder b = new StringBuilder("[");
        for (Participant p : participants) {
            if (p.state != State.DONE) b.append(b.length() > 1 ? ", " : "").append(p.describe());
        }
        return b.append("]").toString();
    }

    private synchronized List<Participant> participantsCopy() { return List.copyOf(participants); }

    private static String stackOf(Participant p) {
        if (p == null) return "";
        StringBuilder b = new StringBuilder();
        for (StackTraceElement e : p.thread.getStackTrace()) b.append("\n    at ").append(e);
        return b.toString();
    }

    private void waitQuietly(long ms) {
        try {
            wait(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            fail(new IllegalStateException("interrupted while running"));
        }
    }

    private static void joinQuietly(Thread t, long untilNanos) {
        try {
            long ms = (untilNanos - System.nanoTime()) / 1_000_000;
            if (ms > 0) t.join(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
