package smpnet.sim.bench.runs;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import smpnet.sim.bench.plan.BenchCase;
import smpnet.sim.bench.results.LockContention;
import smpnet.sim.bench.results.MeasuredWindow;
import smpnet.sim.bench.results.Tally;
import smpnet.sim.bench.results.Warmup;
import smpnet.sim.bench.workloads.CaseRunner;

/**
 * The parent's handle on one running child JVM: sends it {@link ChildProtocol} commands and waits, with a
 * time limit, for its answers. A reader thread moves the child's output lines into a queue, so a hung
 * child costs a clear failure instead of a hung parent; lines that are not records are passed to the log.
 *
 * <p>Thread use: the reader thread only appends to {@code lines}; every method is called by one parent
 * thread.
 */
final class ChildProcess implements AutoCloseable {
    /** Added to every wait for an answer, for the JVM's start and a slow, shared machine. */
    static final long GRACE_NANOS = 60_000_000_000L;
    /** Put on the queue when the child's output ends (compared by identity). */
    private static final String END_OF_OUTPUT = new String("end of output");

    private final BenchCase benchCase;
    private final String pinning;
    private final Process process;
    private final Writer commands;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final PrintStream log;

    ChildProcess(BenchCase benchCase, String pinning, List<String> command, PrintStream log) throws IOException {
        this.benchCase = benchCase;
        this.pinning = pinning;
        this.log = log;
        this.process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        this.commands = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        Thread reader = new Thread(this::readOutput, "child-output-" + benchCase.title());
        reader.setDaemon(true);
        reader.start();
    }

    BenchCase benchCase() {
        return benchCase;
    }

    String pinning() {
        return pinning;
    }

    /** Warms the child up (see {@link CaseRunner#warmUp}); returns the warm-up's length and whether it settled. */
    Warmup warmUp(long minNanos, long maxNanos) throws IOException, InterruptedException {
        send(new ChildProtocol.WarmUp(minNanos, maxNanos));
        return ChildProtocol.parseWarmup(ChildProtocol.fields(await(ChildProtocol.WARMUP, maxNanos)));
    }

    /**
     * Starts one measured window, lock profiling on or off, measured again {@code again} times at most while
     * the JIT compiled in it (see {@link CaseRunner#window(long, long, int)}); {@link #awaitWindow} collects it.
     */
    void startWindow(long settleNanos, long runNanos, boolean profiled, int again) throws IOException {
        send(new ChildProtocol.Measure(settleNanos, runNanos, profiled, again));
    }

    /** The window started last (measured again {@code again} times at most), once the child has paused again. */
    MeasuredWindow awaitWindow(long settleNanos, long runNanos, int again) throws IOException, InterruptedException {
        return ChildProtocol.parseWindow(ChildProtocol.fields(await(ChildProtocol.RUN,
                settleNanos + runNanos * (1 + again))));
    }

    /** What a child reports when it quits: its settled accounting and profiled locks. */
    record Ending(Tally settled, List<LockContention> locks) {}

    /** Stops the child's workload and waits for its report and its exit. */
    Ending quit() throws IOException, InterruptedException {
        send(new ChildProtocol.Quit());
        List<LockContention> locks = new ArrayList<>();
        for (String line; ; ) {
            line = await(null, CaseRunner.SETTLE_NANOS);
            String kind = ChildProtocol.kind(line);
            if (kind.equals(ChildProtocol.LOCK)) {
                locks.add(ChildProtocol.parseLock(ChildProtocol.fields(line)));
            } else if (kind.equals(ChildProtocol.END)) {
                Tally settled = ChildProtocol.parseTally(ChildProtocol.fields(line));
                if (!process.waitFor(GRACE_NANOS, TimeUnit.NANOSECONDS) || process.exitValue() != 0) {
                    throw failure("did not exit cleanly");
                }
                return new Ending(settled, locks);
            } else {
                throw failure("sent " + kind + " after quit");
            }
        }
    }

    /** Ends the child if it is still running (after a failure, or after {@link #quit}: then a no-op). */
    @Override
    public void close() {
        if (process.isAlive()) process.destroyForcibly();
    }

    private void send(ChildProtocol.Command c) throws IOException {
        try {
            commands.write(ChildProtocol.command(c) + "\n");
            commands.flush();
        } catch (IOException e) {
            // A child that has exited cannot read: the wait for its answer reports its exit and last words.
            // A broken pipe can come just before the exit is visible: give the child its grace to finish.
            boolean exited;
            try {
                exited = process.waitFor(GRACE_NANOS, TimeUnit.NANOSECONDS);
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
                exited = !process.isAlive();
            }
            if (!exited) throw failure("did not take a command: " + e.getMessage());
        }
    }

    /**
     * The next record line (of {@code kind}, or of any kind if null), passing other lines to the log;
     * waits at most {@code nanos} plus {@link #GRACE_NANOS}.
     */
    private String await(String kind, long nanos) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + nanos + GRACE_NANOS;
        while (true) {
            String line = lines.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (line == null) throw failure("did not answer in " + (nanos + GRACE_NANOS) / 1_000_000_000L + " s");
            if (line == END_OF_OUTPUT) {
                process.waitFor(GRACE_NANOS, TimeUnit.NANOSECONDS);
                throw failure("exited (status " + (process.isAlive() ? "?" : process.exitValue())
                        + ") before it reported " + (kind == null ? "its end" : kind));
            }
            String k = ChildProtocol.kind(line);
            if (k == null) {
                log.println("  | " + line);
            } else if (kind == null || k.equals(kind)) {
                return line;
            } else {
                throw failure("sent " + k + " instead of " + kind);
            }
        }
    }

    private IOException failure(String what) {
        return new IOException("child for " + benchCase.title() + " (" + pinning + ") " + what);
    }

    private void readOutput() {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8))) {
            for (String line; (line = in.readLine()) != null; ) lines.add(line);
        } catch (IOException e) {
            lines.add("child output unreadable: " + e.getMessage());
        } finally {
            lines.add(END_OF_OUTPUT);
        }
    }
}
