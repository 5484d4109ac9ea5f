package smpnet.sim.servers;

import java.lang.management.ManagementFactory;
import java.util.List;

/**
 * The measurement of {@link EchoServer}'s event loop: the {@link #step steps} of its warm-up (every connection
 * served, a full collection, then settled), the rule by which it has settled (the parts' cost stopped falling
 * and the JIT compilers are quiet and idle), and the {@link Mark marks} it takes before a poll, from which a
 * window's {@link ServerResult.LoopCost cost} is computed. Stateless: the loop holds its marks, on its own
 * thread.
 */
final class LoopWindow {
    private LoopWindow() {}

    /**
     * Requests every connection that carries requests has served (its clients read the replies) before the
     * warm-up may end: a connection's first request meets state no request touched before (its socket
     * buffers' first rings, its first timers, caches and the collector's first sight of its objects), a cost
     * of opening a connection, not of an event in a server that has run a while; the second shows the first
     * is behind it.
     */
    static final int SERVED_FIRST = 2;

    /** What the warm-up does at a part boundary ({@link #step}). */
    enum Step {
        /** Goes on: another part. */
        GO_ON,
        /** Pauses the clients and runs a full collection, then starts the parts it judges settled from anew. */
        COLLECT,
        /** Ends: the window begins. */
        END
    }

    /**
     * The warm-up's step at a part boundary where {@code served} of the {@code active} connections that carry
     * requests have served {@link #SERVED_FIRST} requests, the full collection ran ({@code collected}) or not,
     * {@code sinceCollection} requests were echoed since it, and the parts since it have {@code settled} (by
     * {@link #settled} and {@link #compilersIdle}; false before the collection). Never ends before every
     * connection served {@link #SERVED_FIRST} requests and the collection then ran, whatever the parts say and
     * however long the warm-up was: until then, the parts measure connections' first requests and state not yet
     * where a server that has run a while keeps it (100,000 connections just opened are young objects that a
     * collection in the window would move). Then {@link Step#COLLECT} once; then {@link Step#END} where the
     * parts since the collection have settled, or {@code longest} requests after it (not settled: the verdict
     * says so).
     */
    static Step step(int served, int active, boolean collected, long sinceCollection, long longest, boolean settled) {
        if (served < active) return Step.GO_ON;
        if (!collected) return Step.COLLECT;
        return settled || sinceCollection >= longest ? Step.END : Step.GO_ON;
    }

    /** Warm-up parts compared by {@link #settled}: the last this many against the as many before them. */
    static final int SETTLE_PARTS = 3;

    /** The most the median of the last warm-up parts may fall below the one before them, for a settled warm-up. */
    static final double SETTLE_FALL = 0.05;

    /** The most the JIT compilers may have worked over the last {@code 2 * SETTLE_PARTS} warm-up parts, ms. */
    static final long SETTLE_COMPILE_MILLIS = 20;

    private static final java.lang.management.CompilationMXBean JIT = ManagementFactory.getCompilationMXBean();

    /** The JIT compilers' accumulated time, ms (0 where the JVM does not count it). */
    static long compileMillis() {
        return JIT != null && JIT.isCompilationTimeMonitoringSupported() ? JIT.getTotalCompilationTime() : 0;
    }

    /**
     * Whether a warm-up whose parts so far cost {@code parts} ns per event, while the JIT compiled for
     * {@code compile} ms in each, has settled: there are {@code 2 * SETTLE_PARTS} parts at least, the median
     * of the last {@link #SETTLE_PARTS} is at most {@link #SETTLE_FALL} below the median of the as many
     * before them (the cost stopped falling: code still being compiled makes every part cheaper than the
     * last), and the compilers worked at most {@link #SETTLE_COMPILE_MILLIS} ms over all six (a compilation
     * adds its time when it ends, so one that is still running when three parts were quiet shows in the next
     * three, and the window must not begin while compiled code is still being replaced). Medians,
     * so that one part slowed by other work on the machine's cores neither settles nor unsettles it. A part
     * with no event (NaN) leaves it unsettled.
     */
    static boolean settled(double[] parts, long[] compile) {
        int n = parts.length, k = SETTLE_PARTS;
        if (n < 2 * k) return false;
        for (int i = n - 2 * k; i < n; i++) if (Double.isNaN(parts[i])) return false;
        long jit = 0;
        for (int i = n - 2 * k; i < n; i++) jit += compile[i];
        double recent = median(java.util.Arrays.copyOfRange(parts, n - k, n));
        double before = median(java.util.Arrays.copyOfRange(parts, n - 2 * k, n - k));
        return jit <= SETTLE_COMPILE_MILLIS && recent >= (1 - SETTLE_FALL) * before;
    }

    /** HotSpot's diagnostic command bean's name, made once (parsing it at every call is code compiled late). */
    private static final javax.management.ObjectName DIAGNOSTIC_COMMAND = diagnosticCommand();

    private static javax.management.ObjectName diagnosticCommand() {
        try {
            return new javax.management.ObjectName("com.sun.management:type=DiagnosticCommand");
        } catch (javax.management.MalformedObjectNameException e) {
            return null;
        }
    }

    /**
     * Whether the JIT compilers are idle: none compiling and their queues empty, by HotSpot's
     * {@code Compiler.queue} diagnostic command (what {@code jcmd PID Compiler.queue} prints); true where the JVM
     * has no such command. A compilation adds its time to the compilers' total only when it ends, so a long
     * one (a large method, on cores busy with other work) can leave parts quiet and flat while it runs, and
     * replace the loop's code in the middle of the window.
     */
    static boolean compilersIdle() {
        if (DIAGNOSTIC_COMMAND == null) return true;
        try {
            Object text = ManagementFactory.getPlatformMBeanServer().invoke(DIAGNOSTIC_COMMAND, "compilerQueue",
                    new Object[] {null}, new String[] {String[].class.getName()});
            return compilersIdle(String.valueOf(text));
        } catch (javax.management.JMException | RuntimeException e) {
            return true;
        }
    }

    /**
     * Whether {@code Compiler.queue}'s {@code text} shows idle compilers: nothing under "Current compiles:",
     * and "Empty" under every "compile queue:".
     */
    static boolean compilersIdle(String text) {
        List<String> lines = text.lines().map(String::strip).toList();
        for (int i = 0; i < lines.size(); i++) {
            String l = lines.get(i);
            boolean next = i + 1 < lines.size();
            if (l.startsWith("Current compiles:") && (!l.equals("Current compiles:") || next && !lines.get(i + 1).isEmpty())) {
                return false;
            }
            if (l.endsWith("compile queue:") && !(next && lines.get(i + 1).equals("Empty"))) return false;
        }
        return true;
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        java.util.Arrays.sort(s);
        int n = s.length;
        return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
    }
    /**
     * What the loop has done so far, taken before a poll: its thread's CPU time, the part of it in polls and
     * the part in polls that slept, its events (writable ones apart), polls, parks and wake-ups, and the JVM's
     * garbage collections.
     */
    record Mark(long cpu, long queue, long events, long requests, long writeEvents, long polls, long sleepingPolls,
                        long sleepingCpu, long sleepingEvents, long parks, long unparks, long gcs, long gcMillis,
                        long compileMillis, long wallNanos, long processCpu, long[] cpuPolls, long migrations,
                        ThreadSched sched, long segments, long acks, long machineBusy, long waitCpu, long wakeCpu) {
        /** A mark without the explanatory figures (a test's, or where they are not taken). */
        Mark(long cpu, long queue, long events, long requests, long writeEvents, long polls, long sleepingPolls,
             long sleepingCpu, long sleepingEvents, long parks, long unparks, long gcs, long gcMillis, long compileMillis) {
            this(cpu, queue, events, requests, writeEvents, polls, sleepingPolls, sleepingCpu, sleepingEvents, parks, unparks, gcs,
                    gcMillis, compileMillis, 0, 0, new long[0], 0, ThreadSched.NONE, 0, 0, -1, 0, 0);
        }

        /**
         * The cores other processes used between marks {@code a} and {@code z}, on average: the machine's CPU time
         * less this process's, over the wall-clock time (NaN where not known).
         */
        static double otherCores(Mark a, Mark z) {
            long wall = z.wallNanos - a.wallNanos;
            if (a.machineBusy < 0 || z.machineBusy < 0 || wall <= 0) return Double.NaN;
            return Math.max(0, (double) (z.machineBusy - a.machineBusy - (z.processCpu - a.processCpu)) / wall);
        }

        /** What explains each part between two of {@code marks}: see {@link ServerResult.PartFacts}. */
        static List<ServerResult.PartFacts> facts(List<Mark> marks) {
            List<ServerResult.PartFacts> out = new java.util.ArrayList<>();
            for (int i = 1; i < marks.size(); i++) {
                Mark x = marks.get(i - 1), y = marks.get(i);
                long events = y.events - x.events, polls = y.polls - x.polls, wall = y.wallNanos - x.wallNanos;
                double ev = Math.max(1, events);
                int top = -1;
                long topPolls = 0, allPolls = 0;
                for (int c = 0; c < y.cpuPolls.length; c++) {
                    long p = y.cpuPolls[c] - (c < x.cpuPolls.length ? x.cpuPolls[c] : 0);
                    allPolls += p;
                    if (p > topPolls) {
                        topPolls = p;
                        top = c;
                    }
                }
                ThreadSched s = x.sched.until(y.sched);
                out.add(new ServerResult.PartFacts(events, wall / 1e6, wall > 0 ? (double) (y.processCpu - x.processCpu) / wall : Double.NaN,
                        wall > 0 ? (double) (y.cpu - x.cpu) / wall : Double.NaN, polls > 0 ? (double) events / polls : Double.NaN,
                        (y.sleepingPolls - x.sleepingPolls) / ev, (y.unparks - x.unparks) / ev, top,
                        allPolls > 0 ? (double) topPolls / allPolls : Double.NaN, y.migrations - x.migrations,
                        s.waitNanos() < 0 ? Double.NaN : s.waitNanos() / 1e6, s.involuntary(), (y.segments - x.segments) / ev,
                        (y.acks - x.acks) / ev, y.compileMillis - x.compileMillis, y.gcs - x.gcs));
            }
            return out;
        }

        /** The loop's CPU time per event in each part between two of {@code marks}, ns (NaN for a part without events). */
        static double[] parts(List<Mark> marks, boolean queueOnly) {
            return perEvent(marks, queueOnly ? m -> m.queue : m -> m.cpu);
        }

        /**
         * The loop's own work per event in each part between two of {@code marks}: its CPU time less its CPU in the
         * scheduler's parks and wake-ups ({@link SchedulerCpu}), ns (NaN for a part without events).
         */
        static double[] workParts(List<Mark> marks) {
            return perEvent(marks, m -> m.cpu - m.waitCpu - m.wakeCpu);
        }

        /** What {@code cpu} counts per event in each part between two of {@code marks}, ns (NaN for a part without events). */
        private static double[] perEvent(List<Mark> marks, java.util.function.ToLongFunction<Mark> cpu) {
            double[] parts = new double[marks.size() - 1];
            for (int i = 1; i < marks.size(); i++) {
                Mark x = marks.get(i - 1), y = marks.get(i);
                parts[i - 1] = y.events == x.events ? Double.NaN
                        : (double) (cpu.applyAsLong(y) - cpu.applyAsLong(x)) / (y.events - x.events);
            }
            return parts;
        }

        /** The JIT compilers' time in each part between two of {@code marks}, ms. */
        static long[] compile(List<Mark> marks) {
            long[] c = new long[marks.size() - 1];
            for (int i = 1; i < marks.size(); i++) c[i - 1] = marks.get(i).compileMillis - marks.get(i - 1).compileMillis;
            return c;
        }

        /** The garbage collections in each part between two of {@code marks}. */
        static long[] gcs(List<Mark> marks) {
            long[] c = new long[marks.size() - 1];
            for (int i = 1; i < marks.size(); i++) c[i - 1] = marks.get(i).gcs - marks.get(i - 1).gcs;
            return c;
        }

        /**
         * The loop's cost from {@code marks}' first to its last, and in each part between two marks, after a
         * warm-up of {@code warmupRequests} that {@code settled} or not, and {@code repeats} windows dropped; every
         * connection had served {@link #SERVED_FIRST} requests within the first {@code servedWithin} of the
         * warm-up, and a full collection of {@code fullGcMillis} ms ran then; its threads placed as {@code placement}
         * says ({@link CorePlacement#describe}).
         */
        static ServerResult.LoopCost over(List<Mark> marks, long warmupRequests, boolean settled, int repeats, long servedWithin,
                                          long fullGcMillis, String placement) {
            Mark a = marks.getFirst(), z = marks.getLast();
            return new ServerResult.LoopCost(z.events - a.events, z.requests - a.requests, z.polls - a.polls, z.cpu - a.cpu,
                    z.queue - a.queue, z.sleepingPolls - a.sleepingPolls, z.sleepingCpu - a.sleepingCpu,
                    z.sleepingEvents - a.sleepingEvents, z.parks - a.parks,
                    z.unparks - a.unparks, z.waitCpu - a.waitCpu, z.wakeCpu - a.wakeCpu, z.writeEvents - a.writeEvents, z.gcs - a.gcs,
                    z.gcMillis - a.gcMillis, z.compileMillis - a.compileMillis, warmupRequests, settled, parts(marks, false),
                    parts(marks, true), workParts(marks), gcs(marks),
                    repeats, servedWithin, fullGcMillis, facts(marks), placement, otherCores(a, z));
        }
    }
}
