package smpnet.sim.bench.reports;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import smpnet.sim.bench.plan.BenchPath;
import smpnet.sim.bench.plan.Subject;
import smpnet.sim.bench.results.CaseResult;
import smpnet.sim.bench.results.Ceiling;
import smpnet.sim.bench.results.PairedRatio;
import smpnet.sim.bench.results.RunSample;
import smpnet.sim.bench.results.Spread;

/**
 * The results of one benchmark session with its environment, the machine ceilings measured beside them,
 * notes on what could not be measured, and the ratios it is judged by.
 */
public record BenchReport(Environment env, List<CaseResult> results, List<Ceiling> ceilings, List<String> notes) {

    public BenchReport {
        results = List.copyOf(results);
        ceilings = List.copyOf(ceilings);
        notes = List.copyOf(notes);
    }

    /** A report without ceilings or notes. */
    public BenchReport(Environment env, List<CaseResult> results) {
        this(env, results, List.of(), List.of());
    }

    /** Fraction of its cores a child must keep busy for its rate to show a speed-up. */
    static final double STARVED = 0.75;

    /**
     * One ratio with its goal (null when it is only reported), the same ratio of packets per CPU-second
     * beside it, and a note. A speed-up of a subject from 1 to 2 CPUs is paired: {@code value} is the median
     * of the per-pair ratios and {@code pairs} their spread ({@link PairedRatio}); other ratios are of two
     * medians ({@code pairs} null). {@code ceiling}, for fine mode's speed-up when it was measured, is the
     * machine's own 2-CPU ceiling ({@link Ceiling}) over the same rounds.
     */
    public record Ratio(String name, int payload, double value, double perCpuSecond, Spread pairs, Spread ceiling,
                        Double goal, String note, BenchPath path) {
        /** A ratio of the UDP receive path. */
        public Ratio(String name, int payload, double value, double perCpuSecond, Spread pairs, Spread ceiling,
                     Double goal, String note) {
            this(name, payload, value, perCpuSecond, pairs, ceiling, goal, note, BenchPath.UDP);
        }

        /** Whether the goal is met; true when there is none. */
        public boolean met() {
            return goal == null || value >= goal;
        }

        /** The speed-up as a share of the machine's ceiling (median over median), or null. */
        public Double shareOfCeiling() {
            return ceiling == null || ceiling.median() == 0 ? null : value / ceiling.median();
        }
    }

    /** A table of the report: one path at one payload. */
    public record Section(BenchPath path, int payload) {}

    /** The unprofiled result of a configuration of the UDP path, if it ran. */
    public Optional<CaseResult> find(Subject s, int cpus, int payload) {
        return find(new Section(BenchPath.UDP, payload), s, cpus);
    }

    /** The unprofiled result of a configuration, if it ran. */
    public Optional<CaseResult> find(Section t, Subject s, int cpus) {
        return results.stream().filter(r -> !r.benchCase().profiled() && r.benchCase().subject() == s
                && r.benchCase().cpus() == cpus && r.benchCase().payload() == t.payload()
                && r.benchCase().path() == t.path()).findFirst();
    }

    /** The sections measured, in order of first appearance. */
    public List<Section> sections() {
        return measured().stream().map(r -> new Section(r.benchCase().path(), r.benchCase().payload())).distinct().toList();
    }

    /** The machine ceiling measured at {@code payload}, if it was. */
    public Optional<Ceiling> ceiling(int payload) {
        return ceilings.stream().filter(c -> c.payload() == payload).findFirst();
    }

    /** Measured (unprofiled) results. */
    public List<CaseResult> measured() {
        return results.stream().filter(r -> !r.benchCase().profiled()).toList();
    }

    /** Profiled results, one per mode. */
    public List<CaseResult> profiled() {
        return results.stream().filter(r -> r.benchCase().profiled()).toList();
    }

    /** Payload sizes of the UDP path measured, in order of first appearance. */
    public List<Integer> payloads() {
        return measured().stream().filter(r -> r.benchCase().path() == BenchPath.UDP).map(r -> r.benchCase().payload())
                .distinct().toList();
    }

    /** The most CPU a child used while paused for others' windows, in cores (see {@link CaseResult}). */
    public double pausedCpuUse() {
        return results.stream().mapToDouble(CaseResult::pausedCpuUse).max().orElse(0);
    }

    /**
     * The ratios the benchmark reports for {@code payload}: each mode against the kernel on as many CPUs
     * (goal 10x), and each subject's 2-CPU speed-up (goal 1.8x for fine mode; Giant's is only reported,
     * since Giant serialises the path).
     */
    public List<Ratio> ratios(int payload) {
        return ratios(new Section(BenchPath.UDP, payload));
    }

    /** One bulk connection's goal with smpnet's NIC offloads on (TSO) against Linux with its offloads on. */
    static final double LINUX_OFFLOAD_GOAL = 0.5;
    /** The note of a row without smpnet's offloads against Linux with its offloads on: the goal is the -offload rows'. */
    private static final String NO_OFFLOADS = "smpnet's offloads off: the -offload rows carry this goal";
    /** One bulk connection's goal against Linux with every offload off (both stacks segment and checksum). */
    static final double LINUX_NO_OFFLOAD_GOAL = 1.0;

    /**
     * The ratios of a section: for UDP, those of {@link #ratios(int)}; for a TCP path, each mode against
     * Linux's TCP over veth on as many CPUs when it ran (for the bulk transfer, with the goal
     * {@link #LINUX_NO_OFFLOAD_GOAL} against offloads off; ratios of medians; the same for the zero-copy send's
     * modes, then each zero-copy mode over its copying send; then each mode with its NICs' offloads on against
     * Linux with its own on, goal {@link #LINUX_OFFLOAD_GOAL}, and over the copying send), fine over Giant on
     * as many CPUs (a ratio of medians: the two modes run in different children of the session) and each
     * mode's 2-CPU speed-up (paired), with the goal of 1.5x for fine mode's connections per second (connect
     * and close must not serialise every CPU). One bulk connection is a pipeline of a few threads, so its
     * speed-up is only reported.
     */
    public List<Ratio> ratios(Section t) {
        List<Ratio> out = new ArrayList<>();
        if (t.path().isTcp()) {
            boolean bulk = t.path() == BenchPath.TCP_BULK;
            for (int c = 1; c <= 2; c++) {
                for (Subject m : List.of(Subject.FINE, Subject.GIANT)) {
                    ratio(out, t, m, c, Subject.LINUX, c, null, bulk ? NO_OFFLOADS : "");
                    if (bulk) ratio(out, t, m, c, Subject.LINUX_NO_OFFLOAD, c, LINUX_NO_OFFLOAD_GOAL, "");
                }
            }
            if (bulk) {
                // the zero-copy send against Linux (with the copying send's goals), then against the copying send
                for (int c = 1; c <= 2; c++) {
                    for (Subject m : List.of(Subject.FINE_ZC, Subject.GIANT_ZC)) {
                        ratio(out, t, m, c, Subject.LINUX, c, null, NO_OFFLOADS);
                        ratio(out, t, m, c, Subject.LINUX_NO_OFFLOAD, c, LINUX_NO_OFFLOAD_GOAL, "");
                    }
                }
                for (int c = 1; c <= 2; c++) {
                    ratio(out, t, Subject.FINE_ZC, c, Subject.FINE, c, null, "zero-copy over copying send");
                    ratio(out, t, Subject.GIANT_ZC, c, Subject.GIANT, c, null, "zero-copy over copying send");
                }
                // offloads on both sides: smpnet's TSO against Linux's offloads, then against the copying send
                for (int c = 1; c <= 2; c++) {
                    for (Subject m : List.of(Subject.FINE_OFFLOAD, Subject.GIANT_OFFLOAD)) {
                        ratio(out, t, m, c, Subject.LINUX, c, LINUX_OFFLOAD_GOAL, "");
                    }
                }
                for (int c = 1; c <= 2; c++) {
                    ratio(out, t, Subject.FINE_OFFLOAD, c, Subject.FINE, c, null, "offloads over none");
                    ratio(out, t, Subject.GIANT_OFFLOAD, c, Subject.GIANT, c, null, "offloads over none");
                }
            }
            for (int c = 1; c <= 2; c++) ratio(out, t, Subject.FINE, c, Subject.GIANT, c, null, "");
            ratio(out, t, Subject.FINE, 2, Subject.FINE, 1, t.path() == BenchPath.TCP_CONNECT ? 1.5 : null, "");
            ratio(out, t, Subject.GIANT, 2, Subject.GIANT, 1, null, "Giant serialises the path: expected near 1");
            ratio(out, t, Subject.LINUX, 2, Subject.LINUX, 1, null, "the baseline's own speed-up");
            return out;
        }
        for (Subject m : List.of(Subject.FINE, Subject.GIANT)) {
            for (int c = 1; c <= 2; c++) {
                ratio(out, t, m, c, Subject.KERNEL, c, 10.0, "");
            }
        }
        ratio(out, t, Subject.FINE, 2, Subject.FINE, 1, 1.8, "");
        ratio(out, t, Subject.GIANT, 2, Subject.GIANT, 1, null, "Giant serialises the path: expected near 1");
        ratio(out, t, Subject.KERNEL, 2, Subject.KERNEL, 1, null, "the baseline's own speed-up");
        return out;
    }

    /**
     * Adds a over b. The 1- and 2-CPU cases of one subject ran in alternation, so their ratio is taken
     * pair by pair; other ratios are of medians.
     */
    private void ratio(List<Ratio> out, Section t, Subject a, int ca, Subject b, int cb, Double goal, String note) {
        int payload = t.payload();
        Optional<CaseResult> x = find(t, a, ca);
        Optional<CaseResult> y = find(t, b, cb);
        if (x.isEmpty() || y.isEmpty() || y.get().packetsPerSecond().median() == 0) return;
        String name = a.label() + " " + cpus(ca) + " / " + b.label() + " " + cpus(cb);
        Spread pairs = a == b ? PairedRatio.of(x.get().runs(), y.get().runs(), RunSample::packetsPerSecond) : null;
        Spread perCpuPairs = a == b ? PairedRatio.of(x.get().runs(), y.get().runs(), RunSample::packetsPerCpuSecond)
                : null;
        double value = pairs != null ? pairs.median()
                : x.get().packetsPerSecond().median() / y.get().packetsPerSecond().median();
        double perCpu = perCpuPairs != null ? perCpuPairs.median() : y.get().packetsPerCpuSecond() == 0 ? 0
                : x.get().packetsPerCpuSecond() / y.get().packetsPerCpuSecond();
        Spread ceiling = a == Subject.FINE && b == Subject.FINE && ca == 2 && cb == 1 && t.path() == BenchPath.UDP
                ? ceiling(payload).map(c -> c.ratios(y.get().runs())).orElse(null) : null;
        out.add(new Ratio(name, payload, value, perCpu, pairs, ceiling, goal, join(note, starved(x.get(), y.get())),
                t.path()));
    }

    /**
     * A speed-up can only show if the run had the cores: when the machine is shared and the child with
     * more CPUs kept fewer than {@link #STARVED} of them busy per CPU it was given, say so.
     */
    static String starved(CaseResult more, CaseResult fewer) {
        int c = more.benchCase().cpus();
        if (c <= fewer.benchCase().cpus() || more.cpuUse() >= STARVED * c) return "";
        return String.format(java.util.Locale.ROOT, "only %.2f of %d cores were busy: the machine is shared, "
                + "see per CPU-second", more.cpuUse(), c);
    }

    private static String join(String a, String b) {
        return a.isEmpty() ? b : b.isEmpty() ? a : a + "; " + b;
    }

    static String cpus(int n) {
        return n + (n == 1 ? " CPU" : " CPUs");
    }
}
