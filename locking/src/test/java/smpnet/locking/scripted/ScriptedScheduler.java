package smpnet.locking.scripted;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.locks.LockSupport;
import smpnet.locking.Scheduler;
import smpnet.locking.Schedulers;

/**
 * A test-only {@link Scheduler} that runs its threads one at a time (a baton) in a fixed, scripted
 * interleaving, switching only at scheduling points (lock acquire/release, cv signal, park, spin, explicit
 * {@link Scheduler#schedulingPoint()}). That smpnet's primitives can be driven this way at all, with no
 * thread ever running outside the script, is the proof that every wait goes through the seam.
 *
 * <p>The script is a list of steps separated by spaces. {@code A} gives the baton to thread A until its
 * next scheduling point; {@code A*} lets A run until it blocks (parks with no permit) or ends. A step naming
 * a thread that cannot run (parked, finished, unknown) fails the run with the states of all threads. When
 * the script is used up, the running thread goes on while it can, then the earliest-started runnable thread
 * runs, and so on; a spinning thread ({@link #spinWait}) passes the baton to the next runnable thread in
 * start order, and a {@code *} step ends when its thread spins. Time is virtual: it stands still while anyone can run; when every thread is blocked the
 * clock jumps to the next timed park or timer (each timer runs on a thread of its own, "timer-N").
 * A run that deadlocks, throws, or takes longer than the real-time limit fails loudly instead of hanging.
 *
 * <pre>
 *   ScriptedScheduler s = new ScriptedScheduler("A B A*");
 *   s.startWorker("A", 0, () -&gt; { m.lock(); log.add("A in"); m.unlock(); });
 *   s.startWorker("B", 1, () -&gt; { m.lock(); log.add("B in"); m.unlock(); });
 *   s.runAll();   // installs itself for the run and restores the previous scheduler
 * </pre>
 *
 * <p>Locking key: every field below is guarded by the monitor of {@code baton}.
 */
public final class ScriptedScheduler implements Scheduler {
    private static final long REAL_TIME_LIMIT_MS = 30_000;

    private enum State { RUNNABLE, PARKED, DONE }

    private static final class Participant {
        final String name;
        final int cpu;
        final int index;
        Thread thread;
        State state = State.RUNNABLE;
        boolean permit;
        long deadline = Long.MAX_VALUE;
        Object blocker;

        Participant(String name, int cpu, int index) {
            this.name = name;
            this.cpu = cpu;
            this.index = index;
        }

        String describe() {
            String where = state == State.PARKED ? " on " + blocker + (deadline != Long.MAX_VALUE ? " until " + deadline : "") : "";
            return name + " " + state.name().toLowerCase() + where;
        }
    }

    private record Step(String name, boolean untilBlocked) {}

    private record Timer(long due, long seq, Runnable task) {}

    /** Thrown in a participant to unwind it after the run failed elsewhere. */
    private static final class Aborted extends Error {
        private static final long serialVersionUID = 1L;

        Aborted() { super("scripted run aborted", null, false, false); }
    }

    private final Object baton = new Object();
    private final Deque<Step> script = new ArrayDeque<>();
    private final List<Participant> participants = new ArrayList<>();
    private final PriorityQueue<Timer> timers = new PriorityQueue<>((a, b) ->
            a.due != b.due ? Long.compare(a.due, b.due) : Long.compare(a.seq, b.seq));
    private final List<String> trace = new ArrayList<>();
    private final ThreadLocal<Participant> self = new ThreadLocal<>();
    private Participant running;
    private Step step;
    private int stepNumber;
    private long now;
    private long timerSeq;
    private boolean started;
    private Throwable failure;

    /** A scheduler that will follow {@code script} (see the class comment). */
    public ScriptedScheduler(String script) {
        for (String t : script.trim().split("\\s+")) {
            if (t.isEmpty()) continue;
            boolean star = t.endsWith("*");
            script(new Step(star ? t.substring(0, t.length() - 1) : t, star));
        }
    }

    private void script(Step s) { this.script.add(s); }

    // ---- running a script ----

    /** Installs this scheduler, runs every thread to the end, restores the previous scheduler. */
    public void runAll() {
        try (var ignored = smpnet.locking.Schedulers.use(this)) {
            synchronized (baton) {
                if (participants.isEmpty()) throw new IllegalStateException("no threads to run");
                started = true;
                switchFrom(null, false);
                long end = System.currentTimeMillis() + REAL_TIME_LIMIT_MS;
                while (failure == null && !allDone()) {
                    long left = end - System.currentTimeMillis();
                    if (left <= 0) fail(new AssertionError("scripted run still going after " + REAL_TIME_LIMIT_MS + " ms: " + states()));
                    else waitBaton(left);
                }
            }
        }
        for (Participant p : participants) joinQuietly(p.thread);
        synchronized (baton) {
            if (failure instanceof Error e) throw e;
            if (failure != null) throw new AssertionError("a scripted thread failed", failure);
        }
    }

    /** The baton switches so far: "A", "B (A parked)", ... in order. */
    public List<String> trace() {
        synchronized (baton) { return List.copyOf(trace); }
    }

    // ---- Scheduler ----

    @Override
    public long nanoTime() {
        synchronized (baton) { return now; }
    }

    @Override
    public Thread startWorker(String name, int cpu, Runnable body) {
        synchronized (baton) {
            if (find(name) != null) throw new IllegalArgumentException("two threads named " + name);
            return spawn(new Participant(name, cpu, participants.size()), body);
        }
    }

    @Override
    public int currentCpu() {
        Participant p = self.get();
        return p != null ? p.cpu : (int) ((Thread.currentThread().threadId() * 0x9E3779B97F4A7C15L) >>> 33);
    }

    @Override
    public void park(Object blocker) {
        Schedulers.checkPark(blocker);
        parkUntil(blocker, Long.MAX_VALUE);
    }

    @Override
    public void parkNanos(Object blocker, long nanos) {
        Schedulers.checkPark(blocker);
        if (self.get() == null) {
            LockSupport.parkNanos(blocker, nanos);
            return;
        }
        long deadline;
        synchronized (baton) { deadline = nanos >= Long.MAX_VALUE - now ? Long.MAX_VALUE : now + nanos; }
        parkUntil(blocker, deadline);
    }

    @Override
    public void unpark(Thread thread) {
        synchronized (baton) {
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

    @Override
    public void spinWait(int iteration) { point(true); }

    /** No spin before blocking: under the baton the owner cannot run, so nothing releases meanwhile. */
    @Override
    public int spinsBeforeBlocking() { return 0; }

    /** No adaptive spinning either, for the same reason: a contended lock queues at once. */
    @Override
    public long adaptiveSpinNanos() { return 0; }

    @Override
    public Cancellable schedule(long delayNanos, Runnable task) {
        synchronized (baton) {
            Timer t = new Timer(now + Math.max(0, delayNanos), timerSeq++, task);
            timers.add(t);
            return () -> {
                synchronized (baton) { return timers.remove(t); }
            };
        }
    }

    @Override
    public void schedulingPoint() { point(false); }

    /** A scheduling point; a spinning thread ({@code spinning}) cannot progress alone, so it yields. */
    private void point(boolean spinning) {
        Participant me = self.get();
        if (me == null) return;
        synchronized (baton) {
            switchFrom(me, spinning);
            awaitBaton(me);
        }
    }

    // ---- the baton ----

    private void body(Participant p, Runnable body) {
        self.set(p);
        try {
            synchronized (baton) { awaitBaton(p); }
            body.run();
        } catch (Aborted a) {
            return;
        } catch (Throwable t) {
            synchronized (baton) { fail(t); }
            return;
        }
        synchronized (baton) {
            p.state = State.DONE;
            trace.add(p.name + " done");
            if (failure == null) switchFrom(p, false);
            baton.notifyAll();
        }
    }

    private void parkUntil(Object blocker, long deadline) {
        Participant me = self.get();
        if (me == null) {
            LockSupport.park(blocker);
            return;
        }
        synchronized (baton) {
            if (me.permit) {
                me.permit = false;
            } else {
                me.state = State.PARKED;
                me.blocker = blocker;
                me.deadline = deadline;
            }
            switchFrom(me, false);
            awaitBaton(me);
        }
    }

    /** Waits (holding the monitor) until {@code me} has the baton; unwinds if the run failed. */
    private void awaitBaton(Participant me) {
        while (running != me || !started) {
            if (failure != null) throw new Aborted();
            waitBaton(0);
        }
        if (failure != null) throw new Aborted();
    }

    private void waitBaton(long ms) {
        try {
            baton.wait(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            fail(new AssertionError("interrupted while waiting for the baton"));
        }
    }

    /** At a scheduling point of {@code me} (null: the start): picks who runs next and passes the baton. */
    private void switchFrom(Participant me, boolean spinning) {
        Participant next = pick(me, spinning);
        if (failure != null) return;
        if (next != me) trace.add(next.name + (me == null ? "" : " (" + me.describe() + ")"));
        running = next;
        baton.notifyAll();
    }

    private Participant pick(Participant me, boolean spinning) {
        boolean meRuns = me != null && me.state == State.RUNNABLE && !spinning;
        if (step != null && step.untilBlocked() && meRuns && step.name().equals(me.name)) return me;
        if (!script.isEmpty()) {
            step = script.poll();
            stepNumber++;
            Participant target = find(step.name());
            if (target != null && target.state == State.PARKED && noneRunnable()) advanceClock();
            if (target == null || target.state != State.RUNNABLE) {
                fail(new AssertionError("script step " + stepNumber + " (" + step.name() + (step.untilBlocked() ? "*" : "")
                        + ") cannot run: " + (target == null ? "no such thread" : target.describe()) + "; " + states()));
                return me;
            }
            return target;
        }
        step = null;
        if (meRuns) return me;
        while (noneRunnable()) {
            if (allDone()) return me;
            if (!advanceClock()) {
                fail(new AssertionError("deadlock: every thread is blocked and no timer is pending: " + states()));
                return me;
            }
        }
        int from = spinning ? me.index + 1 : 0;
        for (int i = 0; i < participants.size(); i++) {
            Participant p = participants.get((from + i) % participants.size());
            if (p.state == State.RUNNABLE) return p;
        }
        throw new IllegalStateException("unreachable");
    }

    /** Jumps the clock to the next timed park or timer and wakes what is due; false if nothing is. */
    private boolean advanceClock() {
        long due = timers.isEmpty() ? Long.MAX_VALUE : timers.peek().due();
        for (Participant p : participants) {
            if (p.state == State.PARKED) due = Math.min(due, p.deadline);
        }
        if (due == Long.MAX_VALUE) return false;
        now = Math.max(now, due);
        for (Participant p : participants) {
            if (p.state == State.PARKED && p.deadline <= now) {
                p.state = State.RUNNABLE;
                p.deadline = Long.MAX_VALUE;
            }
        }
        while (!timers.isEmpty() && timers.peek().due() <= now) {
            Timer t = timers.poll();
            spawn(new Participant("timer-" + t.seq(), 0, participants.size()), t.task());
        }
        return true;
    }

    /** Registers {@code p} and starts its thread, which waits for the baton before running {@code body}. */
    private Thread spawn(Participant p, Runnable body) {
        participants.add(p);
        Thread t = new Thread(() -> body(p, body), p.name);
        t.setDaemon(true);
        p.thread = t;
        t.start();
        return t;
    }

    private Participant find(String name) {
        for (Participant p : participants) {
            if (p.name.equals(name)) return p;
        }
        return null;
    }

    private boolean noneRunnable() {
        for (Participant p : participants) {
            if (p.state == State.RUNNABLE) return false;
        }
        return true;
    }

    private boolean allDone() {
        for (Participant p : participants) {
            if (p.state != State.DONE) return false;
        }
        return true;
    }

    private String states() {
        StringBuilder b = new StringBuilder("[");
        for (Participant p : participants) b.append(b.length() > 1 ? ", " : "").append(p.describe());
        return b.append("] at ").append(now).append(" ns").toString();
    }

    private void fail(Throwable t) {
        if (failure == null) failure = t;
        baton.notifyAll();
    }

    private static void joinQuietly(Thread t) {
        try {
            t.join(REAL_TIME_LIMIT_MS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
