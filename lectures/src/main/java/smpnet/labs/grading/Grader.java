package smpnet.labs.grading;

import java.io.IOException;
import java.io.PrintStream;
import java.io.StringWriter;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import smpnet.witness.Policy;
import smpnet.witness.Witness;

/**
 * Grades one variant of one lab in this JVM: compiles its sources, runs its checkpoints in order, prints
 * one line per checkpoint ({@code [ 3/ 4] id  title}, then the failure message indented) and the total.
 * Run it in a fresh JVM ({@link LabRuns}): witness remembers every order it learned, and a wrong solution
 * may leave deadlocked threads behind.
 */
public final class Grader {
    private Grader() {}

    /** The outcome of one checkpoint. */
    public record Outcome(int order, String id, String title, int points, int max, String message) {
        public boolean passed() { return points == max; }
    }

    /**
     * Grades {@code variant} of {@code lab}, printing to {@code out}; returns the checkpoints' outcomes (an
     * empty list when the code does not compile: the compiler's messages are printed instead).
     */
    public static List<Outcome> grade(Lab lab, String variant, PrintStream out) throws Exception {
        List<Outcome> none = List.of();
        return withCompiled(lab, variant, out, none, classes -> gradeCompiled(lab, variant, classes, out));
    }

    /** What to do with a variant compiled into a folder of classes. */
    @FunctionalInterface
    private interface Compiled<T> {
        T use(Path classes) throws Exception;
    }

    /**
     * Compiles {@code variant} into a temporary folder and hands it to {@code use}; if the code does not
     * compile, prints the compiler's messages and returns {@code failed}. The folder is deleted afterwards.
     */
    private static <T> T withCompiled(Lab lab, String variant, PrintStream out, T failed, Compiled<T> use) throws Exception {
        Path classes = Files.createTempDirectory("smpnet-lab-" + lab.number() + "-");
        try {
            String errors = compile(lab.sources(variant), classes);
            if (errors != null) {
                printHeader(lab, variant, out);
                printCompileErrors(errors, out);
                return failed;
            }
            return use.use(classes);
        } finally {
            deleteTree(classes);
        }
    }

    /** As {@link #grade}, with the variant already compiled into {@code classes}. */
    public static List<Outcome> gradeCompiled(Lab lab, String variant, Path classes, PrintStream out) throws Exception {
        Witness w = Witness.enable();
        w.setPolicy(Policy.COUNT);         // checkpoints read the reports; nothing is printed or thrown
        printHeader(lab, variant, out);
        List<Outcome> outcomes = run(lab, variant, classes, out);
        int total = outcomes.stream().mapToInt(Outcome::points).sum();
        int max = outcomes.stream().mapToInt(Outcome::max).sum();
        out.println("total " + total + "/" + max);
        return outcomes;
    }

    static void printHeader(Lab lab, String variant, PrintStream out) {
        out.println("lab " + lab.name() + (variant.equals(Lab.STARTER) ? "" : " (" + variant + ")"));
    }

    static void printCompileErrors(String errors, PrintStream out) {
        out.println("  the code does not compile, so no checkpoint can run:");
        out.println(errors.strip().indent(4).stripTrailing());
        out.println("total 0 points (does not compile)");
    }

    /** Compiles {@code sources} into {@code classes} against this JVM's class path; null or the errors. */
    public static String compile(Map<String, Path> sources, Path classes) {
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        if (javac == null) {
            throw new IllegalStateException("no Java compiler in this runtime: grade with a JDK, not a JRE");
        }
        List<String> args = new ArrayList<>(List.of("-d", classes.toString(), "-proc:none", "-Xlint:none",
                "--release", "25", "-cp", System.getProperty("java.class.path")));
        sources.values().forEach(p -> args.add(p.toString()));
        StringWriter diagnostics = new StringWriter();
        int rc = javac.run(null, null, new PrintStream(new java.io.OutputStream() {
            @Override public void write(int b) { diagnostics.write(b); }
        }, true), args.toArray(String[]::new));
        return rc == 0 ? null : diagnostics.toString();
    }

    private static List<Outcome> run(Lab lab, String variant, Path classes, PrintStream out) throws Exception {
        List<Method> checkpoints = annotated(lab, variant, classes, Checkpoint.class);
        if (checkpoints.isEmpty()) {
            throw new IllegalStateException(lab.name() + ": grade/ declares no @Checkpoint method");
        }
        checkpoints.sort(Comparator.comparingInt(m -> m.getAnnotation(Checkpoint.class).order()));
        List<Outcome> outcomes = new ArrayList<>();
        for (Method m : checkpoints) {
            Checkpoint c = m.getAnnotation(Checkpoint.class);
            String message = runOne(m, c);
            Outcome o = new Outcome(c.order(), c.id(), c.title(), message == null ? c.points() : 0, c.points(),
                    message);
            outcomes.add(o);
            out.printf("  [%2d/%2d] %-22s %s%n", o.points(), o.max(), o.id(), o.title());
            if (message != null) {
                out.println(message.strip().indent(10).stripTrailing());
            }
        }
        return outcomes;
    }

    /**
     * Loads the compiled variant and returns grade/'s static, argument-less methods carrying
     * {@code annotation}, after pointing {@link Checks} at the lab and the variant.
     */
    private static List<Method> annotated(Lab lab, String variant, Path classes,
                                          Class<? extends java.lang.annotation.Annotation> annotation) throws Exception {
        URLClassLoader loader = new URLClassLoader(new URL[] {classes.toUri().toURL()},
                Grader.class.getClassLoader());
        List<Method> found = new ArrayList<>();
        for (String name : lab.gradeClasses()) {
            for (Method m : Class.forName(name, false, loader).getDeclaredMethods()) {
                if (m.isAnnotationPresent(annotation)) {
                    if (!Modifier.isStatic(m.getModifiers()) || m.getParameterCount() != 0) {
                        throw new IllegalStateException(m + ": a @" + annotation.getSimpleName()
                                + " method is static, without arguments");
                    }
                    m.setAccessible(true);     // grade/ classes and methods may be package-private
                    found.add(m);
                }
            }
        }
        Checks.setLabDir(lab.dir());
        Checks.setVariant(variant);
        Thread.currentThread().setContextClassLoader(loader);
        return found;
    }

    /**
     * Runs {@code variant}'s {@link Experiment} of {@code lab} in this JVM (with witness off: an experiment
     * measures, and checking costs): compiles the code as {@link #grade} does and calls the method. Returns
     * false, after printing why, if the code does not compile or the lab has no experiment.
     */
    public static boolean experiment(Lab lab, String variant, PrintStream out) throws Exception {
        return withCompiled(lab, variant, out, false, classes -> {
            List<Method> experiments = annotated(lab, variant, classes, Experiment.class);
            if (experiments.size() != 1) {
                out.println("lab " + lab.name() + " has no experiment to run (only measurement labs have one)");
                return false;
            }
            try {
                experiments.getFirst().invoke(null);
            } catch (InvocationTargetException e) {
                throw e.getCause() instanceof Exception ex ? ex : new RuntimeException(e.getCause());
            }
            return true;
        });
    }

    /** Runs one checkpoint on its own daemon thread; null when it passed, else the message to print. */
    private static String runOne(Method m, Checkpoint c) throws InterruptedException {
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Thread t = new Thread(() -> {
            try {
                m.invoke(null);
            } catch (InvocationTargetException e) {
                thrown.set(e.getCause());
            } catch (Throwable e) {
                thrown.set(e);
            }
        }, "checkpoint-" + c.id());
        t.setDaemon(true);
        t.start();
        t.join(TimeUnit.SECONDS.toMillis(c.timeoutSeconds()));
        if (t.isAlive()) {
            return "did not finish within " + c.timeoutSeconds() + " s: a deadlock, or a thread that waits"
                    + " for something that never comes. Where it was:\n" + frames(t.getStackTrace(), 12);
        }
        Throwable e = thrown.get();
        if (e == null) {
            return null;
        }
        if (e instanceof Checks.CheckpointFailure) {
            return e.getMessage();
        }
        String why = e.getClass().getName().equals("smpnet.locking.LockAssertionError")
                ? "a lock assertion failed: code that needs a lock ran without it (each ...Locked method"
                  + " asserts the lock it needs; dropping a lock to fix an order is no fix).\n" : "";
        return why + "your code threw " + e + "\n" + frames(e.getStackTrace(), 8);
    }

    private static String frames(StackTraceElement[] stack, int max) {
        StringBuilder sb = new StringBuilder();
        int shown = 0;
        for (StackTraceElement f : stack) {
            if (f.getClassName().startsWith("java.lang.reflect") || f.getClassName().startsWith("jdk.internal")) {
                continue;
            }
            sb.append("  at ").append(f).append('\n');
            if (++shown == max) {
                break;
            }
        }
        return sb.toString();
    }

    static void deleteTree(Path root) throws IOException {
        try (var s = Files.walk(root)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
