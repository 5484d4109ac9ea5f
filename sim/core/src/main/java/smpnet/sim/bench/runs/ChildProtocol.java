package smpnet.sim.bench.runs;

import java.nio.ByteBuffer;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.zip.DataFormatException;
import org.HdrHistogram.Histogram;
import smpnet.sim.bench.results.JvmActivity;
import smpnet.sim.bench.results.LockContention;
import smpnet.sim.bench.results.MeasuredWindow;
import smpnet.sim.bench.results.RunSample;
import smpnet.sim.bench.results.Tally;
import smpnet.sim.bench.results.Warmup;

/**
 * How the parent commands a child JVM and how the child reports, one line each way per step. The parent
 * writes commands on the child's standard input:
 * <pre>
 *   warmup MIN_NANOS MAX_NANOS     warm up (see {@code workloads.CaseRunner.warmUp}), then pause
 *   run SETTLE_NANOS RUN_NANOS [AGAIN]
 *                                  resume, settle (not counted), measure one window, measured again from its
 *                                  end while the JIT compiled in it, AGAIN times at most (0 if absent), pause
 *   profile SETTLE_NANOS RUN_NANOS as run, with lock profiling on (the locks are reported at quit), once
 *   quit                           stop, settle the accounting, report the locks and the end, exit
 * </pre>
 * and the child answers each on its standard output, only once its workload is paused again:
 * <pre>
 *   @warmup wall=NANOS settled=true|false                               the warm-up's length, how it ended
 *   @run generated=G received=R dropped=D wall=NANOS cpu=NANOS jit=MS gcs=N gctime=MS again=N
 *        pausedwall=NANOS pausedcpu=NANOS latency=BASE64 (on one line)   one measured window (its JIT
 *                                                                        and GC; windows measured again)
 *   @lock class=NAME acquisitions=A contended=C wait=NANOS hold=NANOS   one profiled lock class (quit)
 *   @end generated=G received=R dropped=D                               the settled accounting (quit)
 * </pre>
 * Every other line of the child is passed through as its own output. Lock class names contain no spaces.
 */
final class ChildProtocol {
    static final String RUN = "@run";
    static final String LOCK = "@lock";
    static final String END = "@end";
    static final String WARMUP = "@warmup";

    static final String WARMUP_COMMAND = "warmup";
    static final String RUN_COMMAND = "run";
    static final String PROFILE_COMMAND = "profile";
    static final String QUIT_COMMAND = "quit";

    private ChildProtocol() {}

    /** A command from the parent. */
    sealed interface Command permits WarmUp, Measure, Quit {}

    /** Warm up for at least {@code minNanos} of CPU time, at most {@code maxNanos} of wall time. */
    record WarmUp(long minNanos, long maxNanos) implements Command {}

    /**
     * Measure one window of {@code runNanos} after a settle of {@code settleNanos}, lock profiling on or off,
     * measured again {@code again} times at most while the JIT compiled in it (0 for a profiled window).
     */
    record Measure(long settleNanos, long runNanos, boolean profiled, int again) implements Command {
        Measure {
            if (again < 0 || profiled && again != 0) {
                throw new IllegalArgumentException("windows measured again: " + again + (profiled ? " (profiled)" : ""));
            }
        }

        /** A window measured once. */
        Measure(long settleNanos, long runNanos, boolean profiled) {
            this(settleNanos, runNanos, profiled, 0);
        }
    }

    /** Stop and report the end. */
    record Quit() implements Command {}

    /** The line that sends {@code c}. */
    static String command(Command c) {
        return switch (c) {
            case WarmUp w -> WARMUP_COMMAND + " " + w.minNanos() + " " + w.maxNanos();
            case Measure m -> (m.profiled() ? PROFILE_COMMAND : RUN_COMMAND) + " " + m.settleNanos() + " " + m.runNanos()
                    + (m.again() == 0 ? "" : " " + m.again());
            case Quit q -> QUIT_COMMAND;
        };
    }

    /** The command a line sends; a malformed line is an {@link IllegalArgumentException} naming it. */
    static Command parseCommand(String line) {
        String[] w = line.strip().split(" +");
        switch (w[0]) {
            case WARMUP_COMMAND -> {
                long[] a = commandNumbers(line, w);
                return new WarmUp(a[0], a[1]);
            }
            case RUN_COMMAND, PROFILE_COMMAND -> {
                boolean run = w[0].equals(RUN_COMMAND);
                int again = 0;
                if (run && w.length == 4) {
                    try {
                        again = Integer.parseInt(w[3]);
                    } catch (NumberFormatException e) {
                        again = -1;
                    }
                    if (again < 0 || again > RunSample.MEASURE_AGAIN_MAX) {
                        throw new IllegalArgumentException("not a count of windows to measure again (0.."
                                + RunSample.MEASURE_AGAIN_MAX + "): '" + w[3] + "' in '" + line + "'");
                    }
                    w = java.util.Arrays.copyOf(w, 3);
                }
                long[] a = commandNumbers(line, w);
                if (a[1] == 0) throw new IllegalArgumentException("a run needs a positive length: '" + line + "'");
                return new Measure(a[0], a[1], !run, again);
            }
            case QUIT_COMMAND -> {
                if (w.length != 1) throw new IllegalArgumentException("quit takes no argument: '" + line + "'");
                return new Quit();
            }
            default -> throw new IllegalArgumentException("unknown command: '" + line + "'");
        }
    }

    /** The two non-negative nanosecond counts after a command's name. */
    private static long[] commandNumbers(String line, String[] w) {
        if (w.length != 3) throw new IllegalArgumentException(w[0] + " takes two numbers of nanoseconds: '" + line + "'");
        long[] out = new long[2];
        for (int i = 0; i < 2; i++) {
            try {
                out[i] = Long.parseLong(w[i + 1]);
            } catch (NumberFormatException e) {
                out[i] = -1;
            }
            if (out[i] < 0) throw new IllegalArgumentException("not a number of nanoseconds: '" + w[i + 1]
                    + "' in '" + line + "'");
        }
        return out;
    }

    static String run(MeasuredWindow m) {
        RunSample s = m.sample();
        return RUN + " " + tally(s.tally()) + " wall=" + s.wallNanos() + " cpu=" + s.cpuNanos()
                + " jit=" + s.jvm().compileMillis() + " gcs=" + s.jvm().gcs() + " gctime=" + s.jvm().gcMillis()
                + " again=" + s.measuredAgain() + " pausedwall=" + m.pausedWallNanos() + " pausedcpu=" + m.pausedCpuNanos()
                + " latency=" + encode(m.latency());
    }

    /** A {@link #RUN} record's window. */
    static MeasuredWindow parseWindow(Map<String, String> f) {
        return new MeasuredWindow(parseRun(f), decode(f.get("latency")), num(f, "pausedwall"), num(f, "pausedcpu"));
    }

    static String lock(LockContention c) {
        return LOCK + " class=" + c.lockClass().replace(' ', '_') + " acquisitions=" + c.acquisitions()
                + " contended=" + c.contended() + " wait=" + c.waitNanos() + " hold=" + c.holdNanos();
    }

    static String warmup(Warmup w) {
        return WARMUP + " wall=" + w.wallNanos() + " settled=" + w.settled();
    }

    /** The warm-up from a {@link #WARMUP} record's fields. */
    static Warmup parseWarmup(Map<String, String> f) {
        String settled = f.get("settled");
        if (!"true".equals(settled) && !"false".equals(settled)) {
            throw new IllegalArgumentException(settled == null ? "missing field settled" : "bad field settled=" + settled);
        }
        return new Warmup(num(f, "wall"), settled.equals("true"));
    }

    static String end(Tally t) {
        return END + " " + tally(t);
    }

    private static String tally(Tally t) {
        return "generated=" + t.generated() + " received=" + t.received() + " dropped=" + t.dropped();
    }

    /** The record type of a line ({@link #WARMUP}, {@link #RUN}, {@link #LOCK}, {@link #END}), or null. */
    static String kind(String line) {
        for (String k : new String[] {WARMUP, RUN, LOCK, END}) {
            if (line.startsWith(k + " ")) return k;
        }
        return null;
    }

    /** The {@code key=value} fields of a record line. */
    static Map<String, String> fields(String line) {
        Map<String, String> out = new HashMap<>();
        for (String part : line.substring(line.indexOf(' ') + 1).split(" ")) {
            int eq = part.indexOf('=');
            if (eq <= 0) throw new IllegalArgumentException("malformed field '" + part + "' in: " + line);
            out.put(part.substring(0, eq), part.substring(eq + 1));
        }
        return out;
    }

    static RunSample parseRun(Map<String, String> f) {
        Tally t = parseTally(f);
        long wall = num(f, "wall");
        long cpu = num(f, "cpu");
        JvmActivity jvm = new JvmActivity(num(f, "jit"), num(f, "gcs"), num(f, "gctime"));
        long again = num(f, "again");
        if (again < 0 || again > RunSample.MEASURE_AGAIN_MAX) throw new IllegalArgumentException("bad field again=" + again);
        return new RunSample(t, wall, cpu, jvm, (int) again);
    }

    static Tally parseTally(Map<String, String> f) {
        return new Tally(num(f, "generated"), num(f, "received"), num(f, "dropped"));
    }

    static LockContention parseLock(Map<String, String> f) {
        return new LockContention(f.get("class"), num(f, "acquisitions"), num(f, "contended"), num(f, "wait"),
                num(f, "hold"));
    }

    private static long num(Map<String, String> f, String key) {
        String v = f.get(key);
        if (v == null) throw new IllegalArgumentException("missing field " + key);
        return Long.parseLong(v);
    }

    static String encode(Histogram h) {
        ByteBuffer buf = ByteBuffer.allocate(h.getNeededByteBufferCapacity());
        int n = h.encodeIntoCompressedByteBuffer(buf);
        return Base64.getEncoder().encodeToString(java.util.Arrays.copyOf(buf.array(), n));
    }

    static Histogram decode(String text) {
        if (text == null) throw new IllegalArgumentException("missing field latency");
        try {
            return Histogram.decodeFromCompressedByteBuffer(ByteBuffer.wrap(Base64.getDecoder().decode(text)), 0);
        } catch (DataFormatException e) {
            throw new IllegalArgumentException("bad latency histogram", e);
        }
    }
}
