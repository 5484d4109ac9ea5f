package smpnet.sim.bench.reports;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import smpnet.sim.bench.plan.BenchCase;
import smpnet.sim.bench.plan.BenchPath;
import smpnet.sim.bench.results.CaseResult;
import smpnet.sim.bench.results.Ceiling;
import smpnet.sim.bench.results.JvmActivity;
import smpnet.sim.bench.results.LockContention;
import smpnet.sim.bench.results.RunSample;
import smpnet.sim.bench.results.Spread;

/**
 * Writes a {@link BenchReport} as files: {@code results.csv} (one row per measured case, and one row per
 * machine ceiling, subject {@code ceiling}: the two 1-CPU children's summed packets/s per window, their
 * summed CPU use, their merged latencies, pinning "taskset -c 0 | taskset -c 1"), {@code locks.csv} (the
 * profiled lock classes) and {@code results.json} (everything, with the ratios: a paired speed-up has
 * {@code pairs}, the spread of its per-pair ratios, and fine mode's has {@code ceiling}, the spread of the
 * machine ceiling over the rounds, and {@code shareOfCeiling}). Numbers use a fixed format (packets/s to
 * 0.1, CPU use to 0.001, latency in microseconds to 0.1). The last CSV column and each JSON result's and
 * ratio's {@code path} name the path; a rate ({@code pps_*}, {@code pps}) counts the path's units per second:
 * datagrams for {@code udp}, bytes for {@code tcp-bulk}, connections for {@code tcp-connect}. What the JVM did
 * in the measured runs: {@code warmup_settled} (empty for a ceiling), {@code jit_ms}, {@code gcs} and
 * {@code gc_ms} summed over the runs kept, {@code runs_measured_again} the windows measured again (and
 * dropped) because the JIT compiled more than 10 ms in them, {@code runs_jit_busy} the runs kept with the JIT
 * still compiling; in the JSON, per run in the order of {@code pps.runs}: {@code windows}, each with
 * {@code jitMillis}, {@code gcs}, {@code gcMillis}, {@code measuredAgain} and {@code jitBusy}.
 */
public final class ResultFiles {
    public static final String RESULTS_HEADER = "subject,cpus,payload_bytes,pinning,warmup_s,runs,pps_min,pps_median,pps_max,"
            + "cpu_busy,pps_per_cpu_second,latency_p50_us,latency_p99_us,received,drops,balanced,warmup_settled,jit_ms,gcs,"
            + "gc_ms,runs_measured_again,runs_jit_busy,jdk,cores,jvm_flags,path";
    public static final String LOCKS_HEADER = "subject,cpus,payload_bytes,lock_class,acquisitions,contended,wait_ns,hold_ns,path";

    private ResultFiles() {}

    /** Writes the three files into {@code dir} (created if needed); returns their paths. */
    public static List<Path> write(BenchReport r, Path dir) throws IOException {
        Files.createDirectories(dir);
        List<Path> out = new ArrayList<>();
        out.add(Files.writeString(dir.resolve("results.csv"), resultsCsv(r)));
        out.add(Files.writeString(dir.resolve("locks.csv"), locksCsv(r)));
        out.add(Files.writeString(dir.resolve("results.json"), json(r)));
        return out;
    }

    static String resultsCsv(BenchReport r) {
        StringBuilder sb = new StringBuilder(RESULTS_HEADER).append('\n');
        Environment e = r.env();
        String env = String.join(",", csv(e.jdk()), Integer.toString(e.cores()), csv(String.join(" ", e.jvmFlags())));
        for (CaseResult c : r.measured()) {
            BenchCase k = c.benchCase();
            sb.append(String.join(",", k.subject().label(), Integer.toString(k.cpus()),
                    Integer.toString(k.payload()), csv(c.pinning()), f1(c.warmupNanos() / 1e9),
                    Integer.toString(c.runs().size()), spread(c.packetsPerSecond()), f3(c.cpuUse()),
                    f1(c.packetsPerCpuSecond()), f1(c.latencyMicros(50)), f1(c.latencyMicros(99)), Long.toString(c.received()),
                    Long.toString(c.drops()), Boolean.toString(c.balanced()), Boolean.toString(c.warmupSettled()),
                    jvm(c.runs()), env, k.path().label())).append('\n');
        }
        for (Ceiling c : r.ceilings()) {
            sb.append(String.join(",", "ceiling", "2", Integer.toString(c.payload()), csv(c.pinning()),
                    f1(c.warmupNanos() / 1e9), Integer.toString(c.core0().size()), spread(c.packetsPerSecond()),
                    f3(c.cpuUse()), f1(c.packetsPerCpuSecond()), f1(c.latencyMicros(50)), f1(c.latencyMicros(99)),
                    Long.toString(c.received()), Long.toString(c.drops()), Boolean.toString(c.balanced()), "",
                    jvm(java.util.stream.Stream.concat(c.core0().stream(), c.core1().stream()).toList()), env,
                    BenchPath.UDP.label()))
                    .append('\n');
        }
        return sb.toString();
    }

    /** The JVM's columns over {@code runs}: JIT ms, GCs, GC ms, runs measured again, runs kept with a busy JIT. */
    private static String jvm(List<RunSample> runs) {
        JvmActivity j = runs.stream().map(RunSample::jvm).reduce(JvmActivity.NONE, JvmActivity::plus);
        return String.join(",", Long.toString(j.compileMillis()), Long.toString(j.gcs()), Long.toString(j.gcMillis()),
                Integer.toString(runs.stream().mapToInt(RunSample::measuredAgain).sum()),
                Long.toString(runs.stream().filter(RunSample::jitBusy).count()));
    }

    private static String spread(Spread s) {
        return String.join(",", f1(s.min()), f1(s.median()), f1(s.max()));
    }

    static String locksCsv(BenchReport r) {
        StringBuilder sb = new StringBuilder(LOCKS_HEADER).append('\n');
        for (CaseResult c : r.profiled()) {
            BenchCase k = c.benchCase();
            for (LockContention l : c.locks()) {
                sb.append(String.join(",", k.subject().label(), Integer.toString(k.cpus()),
                        Integer.toString(k.payload()), csv(l.lockClass()), Long.toString(l.acquisitions()),
                        Long.toString(l.contended()), Long.toString(l.waitNanos()), Long.toString(l.holdNanos()),
                        k.path().label()))
                        .append('\n');
            }
        }
        return sb.toString();
    }

    static String json(BenchReport r) {
        Environment e = r.env();
        StringBuilder sb = new StringBuilder("{\n");
        sb.append("  \"jdk\": ").append(str(e.jdk())).append(",\n");
        sb.append("  \"cores\": ").append(e.cores()).append(",\n");
        sb.append("  \"jvmFlags\": [").append(e.jvmFlags().stream().map(ResultFiles::str)
                .collect(Collectors.joining(", "))).append("],\n");
        sb.append("  \"loadAverageAtStart\": ").append(f3(e.loadAverage())).append(",\n");
        sb.append("  \"runs\": ").append(e.runs()).append(",\n");
        sb.append("  \"runSeconds\": ").append(f3(e.runSeconds())).append(",\n");
        sb.append("  \"warmupCpuSeconds\": ").append(f3(e.warmupSeconds())).append(",\n");
        sb.append("  \"results\": [").append(list(r.measured().stream().map(ResultFiles::caseJson).toList()))
                .append("],\n");
        List<String> ratios = new ArrayList<>();
        for (BenchReport.Section t : r.sections()) ratios.addAll(r.ratios(t).stream().map(ResultFiles::ratioJson).toList());
        sb.append("  \"ratios\": [").append(list(ratios)).append("],\n");
        sb.append("  \"ceilings\": [").append(list(r.ceilings().stream().map(ResultFiles::ceilingJson).toList()))
                .append("],\n");
        sb.append("  \"notes\": [").append(r.notes().stream().map(ResultFiles::str).collect(Collectors.joining(", ")))
                .append("],\n");
        sb.append("  \"contention\": [").append(list(r.profiled().stream().map(ResultFiles::locksJson).toList()))
                .append("]\n}\n");
        return sb.toString();
    }

    private static String caseJson(CaseResult c) {
        BenchCase k = c.benchCase();
        Spread pps = c.packetsPerSecond();
        return "{\"path\": " + str(k.path().label()) + ", \"subject\": " + str(k.subject().label()) + ", \"cpus\": "
                + k.cpus() + ", \"payloadBytes\": " + k.payload() + ", \"pinning\": " + str(c.pinning()) + ", \"warmupSeconds\": " + f1(c.warmupNanos() / 1e9)
                + ", \"warmupSettled\": " + c.warmupSettled()
                + ", \"pps\": {\"min\": " + f1(pps.min())
                + ", \"median\": " + f1(pps.median()) + ", \"max\": " + f1(pps.max()) + ", \"runs\": ["
                + c.runs().stream().map(s -> f1(s.packetsPerSecond())).collect(Collectors.joining(", "))
                + "]}, \"cpuBusy\": " + f3(c.cpuUse()) + ", \"ppsPerCpuSecond\": " + f1(c.packetsPerCpuSecond())
                + ", \"latencyMicros\": {\"p50\": "
                + f1(c.latencyMicros(50)) + ", \"p99\": " + f1(c.latencyMicros(99)) + "}, \"received\": "
                + c.received() + ", \"drops\": " + c.drops() + ", \"balanced\": " + c.balanced()
                + ", \"pausedCpu\": " + f3(c.pausedCpuUse()) + ", \"windows\": ["
                + c.runs().stream().map(ResultFiles::windowJson).collect(Collectors.joining(", ")) + "]}";
    }

    private static String windowJson(RunSample s) {
        return "{\"jitMillis\": " + s.jvm().compileMillis() + ", \"gcs\": " + s.jvm().gcs() + ", \"gcMillis\": "
                + s.jvm().gcMillis() + ", \"measuredAgain\": " + s.measuredAgain() + ", \"jitBusy\": " + s.jitBusy() + "}";
    }

    private static String ceilingJson(Ceiling c) {
        return "{\"payloadBytes\": " + c.payload() + ", \"pinning\": " + str(c.pinning()) + ", \"ppsCore0\": ["
                + c.core0().stream().map(s -> f1(s.packetsPerSecond())).collect(Collectors.joining(", "))
                + "], \"ppsCore1\": ["
                + c.core1().stream().map(s -> f1(s.packetsPerSecond())).collect(Collectors.joining(", "))
                + "], \"ppsSum\": " + spreadJson(c.packetsPerSecond()) + ", \"cpuBusy\": " + f3(c.cpuUse())
                + ", \"balanced\": " + c.balanced() + "}";
    }

    private static String spreadJson(Spread s) {
        return s == null ? "null" : "{\"min\": " + f3(s.min()) + ", \"median\": " + f3(s.median()) + ", \"max\": "
                + f3(s.max()) + "}";
    }

    private static String ratioJson(BenchReport.Ratio q) {
        return "{\"path\": " + str(q.path().label()) + ", \"name\": " + str(q.name()) + ", \"payloadBytes\": " + q.payload() + ", \"value\": "
                + f3(q.value()) + ", \"pairs\": " + spreadJson(q.pairs()) + ", \"perCpuSecond\": "
                + f3(q.perCpuSecond()) + ", \"goal\": " + (q.goal() == null ? "null" : f3(q.goal())) + ", \"met\": "
                + (q.goal() == null ? "null" : Boolean.toString(q.met())) + ", \"ceiling\": " + spreadJson(q.ceiling())
                + ", \"shareOfCeiling\": " + (q.shareOfCeiling() == null ? "null" : f3(q.shareOfCeiling()))
                + ", \"note\": " + str(q.note()) + "}";
    }

    private static String locksJson(CaseResult c) {
        BenchCase k = c.benchCase();
        return "{\"path\": " + str(k.path().label()) + ", \"subject\": " + str(k.subject().label()) + ", \"cpus\": "
                + k.cpus() + ", \"payloadBytes\": " + k.payload() + ", \"locks\": [" + c.locks().stream().map(l -> "{\"class\": " + str(l.lockClass())
                + ", \"acquisitions\": " + l.acquisitions() + ", \"contended\": " + l.contended()
                + ", \"waitNanos\": " + l.waitNanos() + ", \"holdNanos\": " + l.holdNanos() + "}")
                .collect(Collectors.joining(", ")) + "]}";
    }

    private static String list(List<String> items) {
        return items.isEmpty() ? "" : "\n    " + String.join(",\n    ", items) + "\n  ";
    }

    static String f1(double v) {
        return String.format(Locale.ROOT, "%.1f", v);
    }

    static String f3(double v) {
        return String.format(Locale.ROOT, "%.3f", v);
    }

    /** A CSV field, quoted when it holds a comma, quote or line break (RFC 4180 section 2). */
    static String csv(String s) {
        if (s.indexOf(',') < 0 && s.indexOf('"') < 0 && s.indexOf('\n') < 0) return s;
        return '"' + s.replace("\"", "\"\"") + '"';
    }

    /** A JSON string literal (RFC 8259 section 7). */
    static String str(String s) {
        StringBuilder sb = new StringBuilder("\"");
        for (char ch : s.toCharArray()) {
            switch (ch) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (ch < 0x20) sb.append(String.format(Locale.ROOT, "\\u%04x", (int) ch));
                    else sb.append(ch);
                }
            }
        }
        return sb.append('"').toString();
    }
}
