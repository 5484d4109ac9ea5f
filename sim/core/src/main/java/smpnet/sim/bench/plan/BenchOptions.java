package smpnet.sim.bench.plan;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import smpnet.sim.cli.UsageException;

/**
 * The settings of one benchmark session, the command line's options over a set of defaults: the quick
 * main job ({@link #mainJob()}) or the fuller {@code bench-udp} run ({@link #benchUdp()}).
 *
 * @param runs measured runs per case and fork
 * @param forks fresh sets of child JVMs per group, whose runs are pooled (JVM-to-JVM variation)
 * @param seconds length of one measured run
 * @param warmup least warm-up before the first measured run, in CPU-seconds of the child process
 * @param payloads UDP payload sizes in bytes
 * @param cpus CPU counts (cores pinned, netisr workers)
 * @param modes smpnet locking modes
 * @param kernel whether to run the Linux baselines: loopback for UDP, veth between namespaces for TCP
 * @param profile whether to run the extra lock-profiling window per mode
 * @param chart whether to draw the bar chart
 * @param out directory for the result files
 * @param jvmFlags extra flags for every child JVM, after the fixed ones
 * @param paths what is driven through the stack: the UDP receive path, and/or the TCP paths
 */
public record BenchOptions(int runs, int forks, double seconds, double warmup, List<Integer> payloads, List<Integer> cpus,
                           List<Subject> modes, boolean kernel, boolean profile, boolean chart, Path out,
                           List<String> jvmFlags, List<BenchPath> paths) {

    /** Flags that would replace the child's class path or main class: the child could not start. */
    private static final Set<String> LAUNCH_FLAGS = Set.of("-cp", "-classpath", "--class-path", "-jar", "-m",
            "--module", "-p", "--module-path");
    /** A warm-up goes on past --warmup while the JIT compiles or the rate rises, up to this many seconds. */
    public static final double MAX_WARMUP_SECONDS = 20;
    static final double KERNEL_WARMUP_SECONDS = 1;

    public BenchOptions {
        payloads = List.copyOf(payloads);
        cpus = List.copyOf(cpus);
        modes = List.copyOf(modes);
        jvmFlags = List.copyOf(jvmFlags);
        paths = List.copyOf(paths);
        if (paths.isEmpty()) throw new IllegalArgumentException("no path to run");
    }

    /** Options of the UDP receive path alone. */
    public BenchOptions(int runs, int forks, double seconds, double warmup, List<Integer> payloads, List<Integer> cpus,
                        List<Subject> modes, boolean kernel, boolean profile, boolean chart, Path out,
                        List<String> jvmFlags) {
        this(runs, forks, seconds, warmup, payloads, cpus, modes, kernel, profile, chart, out, jvmFlags,
                List.of(BenchPath.UDP));
    }

    /**
     * The paths named by {@code --path} ({@code udp}, {@code tcp}, {@code tcp-bulk}, {@code tcp-connect}),
     * each once, in the order given.
     */
    public static List<BenchPath> paths(List<String> items) throws UsageException {
        List<BenchPath> out = new ArrayList<>();
        for (String item : items) {
            List<BenchPath> p = BenchPath.byName(item);
            if (p == null) {
                throw new UsageException("--path takes udp, tcp, tcp-bulk and/or tcp-connect, not '" + item + "'");
            }
            for (BenchPath q : p) {
                if (out.contains(q)) throw new UsageException("--path names " + q.label() + " twice");
                out.add(q);
            }
        }
        return out;
    }

    /**
     * Defaults of {@code ./smpnet run}: 64-byte payloads, three forks of two one-second runs each after a
     * warm-up of 2.5 CPU-seconds (what the JIT needs for the stack), two to three minutes on an idle machine.
     */
    public static BenchOptions mainJob() {
        return new BenchOptions(2, 3, 1.0, 2.5, List.of(64), List.of(1, 2), List.of(Subject.GIANT, Subject.FINE),
                true, true, true, Path.of("target", "smpnet-run"), List.of());
    }

    /**
     * Defaults of {@code ./smpnet run bench-udp}: both payload sizes, three forks of four two-second runs,
     * 4 CPU-s warm-up.
     */
    public static BenchOptions benchUdp() {
        return new BenchOptions(4, 3, 2.0, 4.0, List.of(64, 1472), List.of(1, 2), List.of(Subject.GIANT, Subject.FINE),
                true, true, true, Path.of("target", "bench-udp"), List.of());
    }

    /**
     * Defaults of {@code ./smpnet run tcp}: the main job's on both TCP paths (no kernel baseline), results in
     * their own directory.
     */
    public static BenchOptions tcp() {
        BenchOptions m = mainJob();
        return new BenchOptions(m.runs, m.forks, m.seconds, m.warmup, m.payloads, m.cpus, m.modes, false, true, true,
                Path.of("target", "smpnet-tcp"), List.of(), List.of(BenchPath.TCP_BULK, BenchPath.TCP_CONNECT));
    }

    /**
     * Defaults of {@code ./smpnet run bench-tcp}: both TCP paths beside Linux's TCP over a veth pair (offloads
     * on and off for the bulk transfer), three runs of one second per case in one fork, no profiling.
     */
    public static BenchOptions benchTcp() {
        BenchOptions m = mainJob();
        return new BenchOptions(3, 1, 1.0, m.warmup, m.payloads, m.cpus, m.modes, true, false, false,
                Path.of("target", "bench-tcp"), List.of(), List.of(BenchPath.TCP_BULK, BenchPath.TCP_CONNECT));
    }

    /**
     * The flags of {@code --jvm-flags}, split at white space (a flag cannot contain a space). Each must look
     * like a JVM option, and none may replace the child's class path or main class.
     */
    public static List<String> jvmFlags(String text) throws UsageException {
        List<String> out = new ArrayList<>();
        for (String flag : text.strip().split("\\s+")) {
            if (flag.isEmpty()) continue;
            if (!flag.startsWith("-") || flag.equals("-") || flag.equals("--")) {
                throw new UsageException("--jvm-flags takes JVM options, each starting with '-', not '" + flag + "'");
            }
            String name = flag.contains("=") ? flag.substring(0, flag.indexOf('=')) : flag;
            if (LAUNCH_FLAGS.contains(name)) {
                throw new UsageException("--jvm-flags cannot change the child's class path or main class: " + flag);
            }
            out.add(flag);
        }
        if (out.isEmpty()) throw new UsageException("--jvm-flags needs at least one flag");
        return List.copyOf(out);
    }

    /**
     * The system property by which {@code --wire} reaches the child JVMs (it is one of their flags, so the
     * results record it): how the TCP benchmarks' two smpnet hosts pass frames over their wire, {@code handoff}
     * (the default) or {@code copy}.
     */
    public static final String WIRE_PROPERTY = "smpnet.bench.wire";

    /** {@code flags} with the child flag that sets the TCP hosts' wire to {@code wire} ({@code copy} or {@code handoff}). */
    public static List<String> withWire(List<String> flags, String wire) throws UsageException {
        return withChoice(flags, "--wire", WIRE_PROPERTY, wire, "copy", "handoff");
    }

    /**
     * {@code flags} with {@code -Dproperty=value}, the child flag of an option of a few values, once {@code value}
     * is checked to be one of {@code choices}.
     */
    private static List<String> withChoice(List<String> flags, String option, String property, String value,
                                           String... choices) throws UsageException {
        if (!List.of(choices).contains(value)) {
            String all = String.join(", ", List.of(choices).subList(0, choices.length - 1)) + " or " + choices[choices.length - 1];
            throw new UsageException(option + " takes " + all + ", not '" + value + "'");
        }
        List<String> out = new ArrayList<>(flags);
        out.add("-D" + property + "=" + value);
        return List.copyOf(out);
    }

    /**
     * The system property by which {@code --rx-direct} reaches the child JVMs (one of their flags, so the results
     * record it): whether the TCP benchmarks' two smpnet hosts run with direct receive ({@code net.link.rx_direct}:
     * {@code on}), hand every frame to their NICs' interrupt threads ({@code off}), or do the first on one CPU and
     * the second on two ({@code auto}, the default).
     */
    public static final String RX_DIRECT_PROPERTY = "smpnet.bench.rxdirect";

    /** {@code flags} with the child flag that sets the TCP hosts' direct receive {@code on}, {@code off} or {@code auto}. */
    public static List<String> withRxDirect(List<String> flags, String how) throws UsageException {
        return withChoice(flags, "--rx-direct", RX_DIRECT_PROPERTY, how, "on", "off", "auto");
    }

    /**
     * The system property by which {@code --bind} reaches the child JVMs: whether a 2-CPU TCP bulk case binds
     * its writer, its reader and smpnet's NIC queue threads each to one processor ({@code on}, the default) or
     * leaves them where the system's scheduler puts them ({@code off}).
     */
    public static final String BIND_PROPERTY = "smpnet.bench.bind";

    /** {@code flags} with the child flag that turns the 2-CPU bulk cases' thread binding {@code on} or {@code off}. */
    public static List<String> withBind(List<String> flags, String how) throws UsageException {
        return withChoice(flags, "--bind", BIND_PROPERTY, how, "on", "off");
    }

    /** The stack modes named by {@code --modes}, each once. */
    public static List<Subject> modes(List<String> items) throws UsageException {
        List<Subject> out = new ArrayList<>();
        for (String item : items) {
            Subject s = Subject.byLabel(item);
            if (s == null || !s.isStack()) {
                throw new UsageException("--modes takes giant and/or fine, not '" + item + "'");
            }
            if (out.contains(s)) throw new UsageException("--modes lists " + s.label() + " twice");
            out.add(s);
        }
        return out;
    }

    /** Seconds a warm-up may last while the JIT is still compiling or the rate rising; none when {@link #warmup()} is 0. */
    public double maxWarmup() {
        return maxWarmup(warmup);
    }

    /** Seconds a warm-up of at least {@code warmup} CPU-seconds may last (wall time). */
    public static double maxWarmup(double warmup) {
        return warmup == 0 ? 0 : Math.max(warmup, MAX_WARMUP_SECONDS);
    }

    /**
     * The least warm-up of case {@code c}: the kernel baseline runs little Java (the JIT is done within a
     * CPU-second), so it needs no more than one CPU-second.
     */
    public double warmup(BenchCase c) {
        return c.subject() == Subject.KERNEL ? Math.min(warmup, KERNEL_WARMUP_SECONDS) : warmup;
    }

    /** Measured runs of case {@code c}: one window for a profiled case, which only names the contended locks. */
    public int runs(BenchCase c) {
        return c.profiled() ? 1 : runs;
    }

    /**
     * The groups of cases to run, in order: per payload, the kernel baseline then each mode, each group
     * holding a subject's 1- and 2-CPU cases (measured in alternation) and, for fine mode with both, the
     * machine ceiling; each mode's profiled case goes to its group at the first payload (one more window of
     * the child with as many CPUs, so it costs no JVM or warm-up of its own).
     */
    public List<CaseGroup> groups() {
        List<CaseGroup> out = new ArrayList<>();
        List<BenchCase> all = cases();
        for (BenchCase c : all) {
            if (c.profiled() || out.stream().anyMatch(g -> g.cases().contains(c))) continue;
            List<BenchCase> pair = all.stream().filter(d -> !d.profiled() && d.subject() == c.subject()
                    && d.payload() == c.payload() && d.path() == c.path()).toList();
            BenchCase profiled = all.stream().filter(d -> d.profiled() && d.subject() == c.subject()
                    && d.payload() == c.payload() && d.path() == c.path()).findFirst().orElse(null);
            // The machine ceiling is the UDP path's: two independent 1-CPU stacks.
            out.add(new CaseGroup(pair, c.subject() == Subject.FINE && c.path() == BenchPath.UDP
                    && cpus.containsAll(List.of(1, 2)), profiled));
        }
        return List.copyOf(out);
    }

    /**
     * Every case to run, in order of the paths: for UDP, per payload, the kernel baseline then each mode; for
     * a TCP path, at the path's payload, the Linux baselines (offloads on; for the bulk transfer also off)
     * then each mode (for the bulk transfer, each with the copying send, then each with the zero-copy send, then
     * each with its NICs' offloads on); 1 CPU before 2. Then each path's profiled case per mode.
     */
    public List<BenchCase> cases() {
        List<BenchCase> out = new ArrayList<>();
        for (BenchPath path : paths) {
            for (int payload : payloads(path)) {
                if (kernel && !path.isTcp()) {
                    for (int c : cpus) out.add(new BenchCase(Subject.KERNEL, c, payload, false));
                }
                if (kernel && path.isTcp()) {
                    for (Subject s : path == BenchPath.TCP_BULK ? List.of(Subject.LINUX, Subject.LINUX_NO_OFFLOAD)
                            : List.of(Subject.LINUX)) {
                        for (int c : cpus) out.add(new BenchCase(s, c, payload, false, path));
                    }
                }
                for (Subject m : modes) {
                    for (int c : cpus) out.add(new BenchCase(m, c, payload, false, path));
                }
                if (path == BenchPath.TCP_BULK) {
                    for (Subject m : modes) {
                        for (int c : cpus) out.add(new BenchCase(m.zeroCopy(), c, payload, false, path));
                    }
                    for (Subject m : modes) {
                        for (int c : cpus) out.add(new BenchCase(m.offload(), c, payload, false, path));
                    }
                }
            }
        }
        if (profile) {
            int maxCpus = cpus.stream().mapToInt(Integer::intValue).max().orElse(1);
            for (BenchPath path : paths) {
                for (Subject m : modes) out.add(new BenchCase(m, maxCpus, payloads(path).getFirst(), true, path));
            }
        }
        return List.copyOf(out);
    }

    /** The payloads of {@code path}'s cases: the options' for UDP, the path's own for TCP. */
    private List<Integer> payloads(BenchPath path) {
        return path.isTcp() ? List.of(path.tcpPayload()) : payloads;
    }
}
