package smpnet.labs.grading;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import smpnet.witness.Report;
import smpnet.witness.Witness;

/**
 * What a lab's checkpoints use: fail with a message that teaches, collect the witness reports a piece of
 * the student's code causes, and run code on its own thread with a deadline (a deadlock or a lock that
 * serialises too much shows up as a deadline missed, never as a hung grader).
 */
public final class Checks {
    /** The folder of the lab being graded; set by the grader before the first checkpoint runs. */
    private static volatile Path labDir;

    private Checks() {}

    /**
     * The folder of the lab being graded ({@code lectures/labs/NN-name}): where a measurement lab's
     * checkpoints find the files the student wrote (a results file, structured answers).
     */
    public static Path labDir() {
        if (labDir == null) {
            throw new IllegalStateException("no lab is being graded");
        }
        return labDir;
    }

    static void setLabDir(Path dir) { labDir = dir; }

    /** The variant being graded (src, solution or wrong/NAME); set with the lab's folder. */
    private static volatile String variant = Lab.STARTER;

    static void setVariant(String v) { variant = v; }

    /**
     * The folder of the graded variant's own files ({@code src/} for the student): where an
     * {@link Experiment} writes its results.
     */
    public static Path studentDir() { return labDir().resolve(variant); }

    /**
     * A non-Java file of the student's (structured answers, a results file) as the graded variant sees it:
     * the variant's own copy if it has one, else the solution's (for a wrong solution, which is the solution
     * with one mistake), else {@code src/}'s. The path may not exist: the student has not written it yet.
     */
    public static Path studentFile(String name) {
        List<String> chain = new ArrayList<>(List.of(variant));
        if (variant.startsWith("wrong/")) {
            chain.add(Lab.SOLUTION);
        }
        chain.add(Lab.STARTER);
        for (String v : chain) {
            Path p = labDir().resolve(v).resolve(name);
            if (Files.exists(p)) {
                return p;
            }
        }
        return studentDir().resolve(name);
    }

    /** A piece of student code a check runs; it may throw anything, which the check reports. */
    @FunctionalInterface
    public interface Action {
        void run() throws Exception;
    }

    /** Fails the running checkpoint with {@code message}: what was seen, what was expected, what it means. */
    public static CheckpointFailure fail(String message) {
        throw new CheckpointFailure(message);
    }

    /** Fails with {@code message} unless {@code condition} holds. */
    public static void check(boolean condition, String message) {
        if (!condition) {
            fail(message);
        }
    }

    /** The JVM's witness (the grader switches it on before any lab class is loaded). */
    public static Witness witness() {
        Witness w = Witness.active();
        if (w == null) {
            throw new IllegalStateException("witness is off: grade labs with ./smpnet grade");
        }
        return w;
    }

    /** Runs {@code action} on this thread and returns the witness reports it caused, in any thread. */
    public static List<Report> reportsDuring(Action action) throws Exception {
        Witness w = witness();
        int before = w.reports().size();
        action.run();
        List<Report> all = w.reports();
        return new ArrayList<>(all.subList(before, all.size()));
    }

    /** Fails if {@code action} causes any witness report; the message quotes the first one in full. */
    public static void noReports(String what, Action action) throws Exception {
        List<Report> reports = reportsDuring(action);
        if (!reports.isEmpty()) {
            fail(what + " made witness report " + reports.size() + " problem(s); the first:\n"
                    + withoutGraderFrames(reports.get(0).text()));
        }
    }

    /**
     * A witness report without the stack frames of the grader and of the JDK's reflection under the lab's
     * own frames: what is left is the student's code and the lab's bench.
     */
    public static String withoutGraderFrames(String report) {
        StringBuilder sb = new StringBuilder();
        for (String line : report.split("\n")) {
            String s = line.strip();
            boolean frame = line.startsWith("    ") && !s.contains(": ");
            if (frame && (s.startsWith("smpnet.labs.grading.") || s.startsWith("java.base/"))) {
                continue;
            }
            sb.append(line).append('\n');
        }
        return sb.toString();
    }

    /**
     * Runs {@code action} on a new daemon thread named {@code threadName} and waits at most {@code millis}
     * for it. Returns normally if it finished; rethrows what it threw; returns false if it is still running
     * (the thread is left behind).
     */
    public static boolean finishesWithin(long millis, String threadName, Action action) throws Exception {
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Thread t = new Thread(() -> {
            try {
                action.run();
            } catch (Throwable e) {
                thrown.set(e);
            }
        }, threadName);
        t.setDaemon(true);
        t.start();
        t.join(TimeUnit.MILLISECONDS.toMillis(millis));
        if (t.isAlive()) {
            return false;
        }
        Throwable e = thrown.get();
        if (e instanceof Exception ex) {
            throw ex;
        }
        if (e instanceof Error err) {
            throw err;
        }
        return true;
    }

    /** Thrown by {@link #fail}: a checkpoint's verdict, printed without a stack trace. */
    public static final class CheckpointFailure extends AssertionError {
        private static final long serialVersionUID = 1L;

        CheckpointFailure(String message) { super(message); }
    }
}
