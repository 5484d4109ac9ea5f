package smpnet.sim.cli;

import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import smpnet.sim.bench.plan.BenchCase;
import smpnet.sim.bench.plan.BenchOptions;

/**
 * The options of the Giant-vs-fine benchmark ({@code run} and {@code bench-udp}), each overriding the
 * command's defaults when given.
 */
public final class BenchOptionsMixin {
    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;

    @Option(names = "--forks", paramLabel = "N", description = {"fresh child JVMs per configuration, run one after another, "
            + "their runs pooled: a JVM's JIT and heap layout move its throughput from one JVM to the next, as JMH's forks show"})
    Integer forks;

    @Option(names = "--runs", paramLabel = "N", description = {"measured runs per configuration and fork; a path's 1- and "
            + "2-CPU runs alternate (1, 2, 2, 1, ...) and its speed-up is taken per pair"})
    Integer runs;

    @Option(names = "--seconds", paramLabel = "S", description = {"length of one measured run in seconds (decimals allowed), "
            + "each after an uncounted settle of 0.3 s (at most S); a run that has received nothing by its end goes on "
            + "until it does, up to 10 s more"})
    Double seconds;

    @Option(names = "--warmup", paramLabel = "S", description = {"warm-up before the measured runs, in seconds of the "
            + "process's CPU time, and on while the JIT compiles or the rate still rises; 20 s at most (0: none, and "
            + "no run measured again after the JIT compiled in it)"})
    Double warmup;

    @Option(names = "--payloads", paramLabel = "LIST", split = ",", hideParamSyntax = true,
            description = {"UDP payload sizes in bytes, comma-separated, 16..1472"})
    List<Integer> payloads;

    @Option(names = "--cpus", paramLabel = "LIST", split = ",", hideParamSyntax = true, description = {"CPU counts to run: 1, 2 or 1,2"})
    List<Integer> cpus;

    @Option(names = "--modes", paramLabel = "LIST", split = ",", hideParamSyntax = true, description = {"locking modes: giant, fine or giant,fine"})
    List<String> modes;

    @Option(names = "--path", paramLabel = "LIST", split = ",", hideParamSyntax = true, description = {"what to drive "
            + "through the stack: udp (the receive path), tcp (both TCP paths: tcp-bulk, one connection's bulk transfer "
            + "in MB/s, and tcp-connect, connections per second through one listener), tcp-bulk or tcp-connect"})
    List<String> path;

    @Option(names = "--out", paramLabel = "DIR", description = {"directory for the CSV, JSON and chart files"})
    Path out;

    @Option(names = "--jvm-flags", paramLabel = "\"...\"", description = {"extra flags for every child JVM, separated by "
            + "spaces, after the fixed ones (so they may override them) and written into the results, e.g. --jvm-flags "
            + "\"-XX:+UnlockDiagnosticVMOptions -XX:+DumpPerfMapAtExit\" or \"-Dsome.property=value\""})
    String jvmFlags;

    @Option(names = "--wire", paramLabel = "HOW", description = {"copy or handoff: how the TCP paths' two smpnet hosts pass "
            + "frames over their wire: handoff (the default) passes the sender's mbufs on, as Linux's veth passes a "
            + "socket buffer and FreeBSD's epair an mbuf; copy copies each frame into the receiver's memory, as a "
            + "NIC's DMA would (a child JVM flag, so the results record it)"})
    String wire;

    @Option(names = "--rx-direct", paramLabel = "HOW", description = {"on, off or auto: whether the TCP paths' two smpnet "
            + "hosts hand up what a socket call sent to the other host's idle NIC queue in the sending thread "
            + "(on, net.link.rx_direct=1: as Linux's veth runs the receiver's input in the sender's context), "
            + "through the NIC's interrupt thread (off: the stack's own default, FreeBSD's model), or the first on "
            + "1 CPU and the second on 2 (auto, net.link.rx_direct=2, the default here)"})
    String rxDirect;

    @Option(names = "--bind", paramLabel = "HOW", description = {"on or off: whether a 2-CPU TCP bulk case binds its "
            + "writer to the first processor the case may use, its reader to the second and smpnet's NIC queue threads "
            + "each to one (net.link.bind_queues), Linux's side and smpnet's alike (on, the default), or leaves them "
            + "where the system's scheduler puts them (off; a child JVM flag, so the results record it)"})
    String bind;

    @Option(names = "--no-kernel", description = {"skip the Linux baselines (UDP over loopback; TCP over a veth pair)"})
    boolean noKernel;

    @Option(names = "--no-profile", description = {"skip the lock-profiling windows"})
    boolean noProfile;

    @Option(names = "--no-chart", description = {"do not draw the bar chart"})
    boolean noChart;

    /** {@code d} with the options given on the command line; a bad value is a picocli usage error. */
    public BenchOptions over(BenchOptions d) {
        try {
            return new BenchOptions(
                    runs != null ? Checks.between(spec, "--runs", runs, 1, 100) : d.runs(),
                    forks != null ? Checks.between(spec, "--forks", forks, 1, 20) : d.forks(),
                    seconds != null ? Checks.seconds(spec, "--seconds", seconds, 0.05, 600) : d.seconds(),
                    warmup != null ? Checks.seconds(spec, "--warmup", warmup, 0, 600) : d.warmup(),
                    payloads != null ? Checks.distinct(spec, "--payloads", payloads, BenchCase.MIN_PAYLOAD, BenchCase.MAX_PAYLOAD)
                            : d.payloads(),
                    cpus != null ? Checks.distinct(spec, "--cpus", cpus, 1, 2) : d.cpus(),
                    modes != null ? BenchOptions.modes(modes) : d.modes(),
                    d.kernel() && !noKernel,
                    d.profile() && !noProfile,
                    d.chart() && !noChart,
                    out != null ? out : d.out(),
                    childFlags(d),
                    path != null ? BenchOptions.paths(path) : d.paths());
        } catch (UsageException e) {
            throw Checks.usage(spec, e.getMessage());
        }
    }

    /** The child JVMs' extra flags: {@code --jvm-flags} (or {@code d}'s), then {@code --wire}'s, {@code --rx-direct}'s and {@code --bind}'s. */
    private List<String> childFlags(BenchOptions d) throws UsageException {
        List<String> flags = jvmFlags != null ? BenchOptions.jvmFlags(jvmFlags) : d.jvmFlags();
        if (wire != null) flags = BenchOptions.withWire(flags, wire);
        if (rxDirect != null) flags = BenchOptions.withRxDirect(flags, rxDirect);
        if (bind != null) flags = BenchOptions.withBind(flags, bind);
        return flags;
    }

    /** The defaults of {@code d} as options, for a command's help. */
    public static String defaults(BenchOptions d) {
        return "--forks " + d.forks() + " --runs " + d.runs() + " --seconds " + d.seconds() + " --warmup " + d.warmup()
                + " --payloads " + String.join(",", d.payloads().stream().map(String::valueOf).toList()) + " --out " + d.out()
                + " --path " + String.join(",", d.paths().stream().map(p -> p.label()).toList());
    }
}
