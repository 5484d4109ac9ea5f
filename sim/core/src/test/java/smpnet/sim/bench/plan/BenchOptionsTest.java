package smpnet.sim.bench.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.ParameterException;
import smpnet.sim.cli.BenchOptionsMixin;

class BenchOptionsTest {
    @Command(name = "bench")
    static final class Bench {
        @Mixin
        BenchOptionsMixin options;
    }

    /** {@code defaults} overridden by {@code args}, as the run and bench-udp commands read them. */
    static BenchOptions parse(BenchOptions defaults, List<String> args) {
        Bench b = new Bench();
        new CommandLine(b).parseArgs(args.toArray(String[]::new));
        return b.options.over(defaults);
    }

    @Test
    void overridesDefaults() {
        BenchOptions o = parse(BenchOptions.mainJob(), List.of("--runs", "4", "--forks", "2", "--seconds", "0.5", "--warmup", "0",
                "--payloads", "1472,64", "--cpus", "2", "--modes", "fine", "--out", "res", "--no-kernel", "--no-chart"));
        assertEquals(new BenchOptions(4, 2, 0.5, 0.0, List.of(1472, 64), List.of(2), List.of(Subject.FINE), false, true,
                false, Path.of("res"), List.of()), o);
    }

    @Test
    void warmUpMayGrowUntilTheJitIsQuietUnlessItIsZero() {
        assertEquals(20.0, BenchOptions.mainJob().maxWarmup());
        assertEquals(30.0, parse(BenchOptions.mainJob(), List.of("--warmup", "30")).maxWarmup());
        assertEquals(0.0, parse(BenchOptions.mainJob(), List.of("--warmup", "0")).maxWarmup());
    }

    @Test
    void theBaselineWarmsUpBrieflyAndProfiledCasesRunOnce() {
        BenchOptions o = BenchOptions.benchUdp();
        assertEquals(1.0, o.warmup(new BenchCase(Subject.KERNEL, 1, 64, false)));
        assertEquals(4.0, o.warmup(new BenchCase(Subject.FINE, 1, 64, false)));
        assertEquals(4, o.runs(new BenchCase(Subject.GIANT, 2, 64, false)));
        assertEquals(3, o.forks());
        assertEquals(1, o.runs(new BenchCase(Subject.GIANT, 2, 64, true)));
    }

    @Test
    void theTcpPathsRunBetweenTwoHostsWithoutBaselineOrCeiling() {
        BenchOptions o = parse(BenchOptions.mainJob(), List.of("--path", "tcp", "--modes", "fine", "--no-kernel"));
        assertEquals(List.of(BenchPath.TCP_BULK, BenchPath.TCP_CONNECT), o.paths());
        BenchCase bulk1 = new BenchCase(Subject.FINE, 1, 1460, false, BenchPath.TCP_BULK);
        BenchCase bulk2 = new BenchCase(Subject.FINE, 2, 1460, false, BenchPath.TCP_BULK);
        BenchCase zc1 = new BenchCase(Subject.FINE_ZC, 1, 1460, false, BenchPath.TCP_BULK);
        BenchCase zc2 = new BenchCase(Subject.FINE_ZC, 2, 1460, false, BenchPath.TCP_BULK);
        BenchCase off1 = new BenchCase(Subject.FINE_OFFLOAD, 1, 1460, false, BenchPath.TCP_BULK);
        BenchCase off2 = new BenchCase(Subject.FINE_OFFLOAD, 2, 1460, false, BenchPath.TCP_BULK);
        BenchCase conn1 = new BenchCase(Subject.FINE, 1, 64, false, BenchPath.TCP_CONNECT);
        BenchCase conn2 = new BenchCase(Subject.FINE, 2, 64, false, BenchPath.TCP_CONNECT);
        assertEquals(List.of(bulk1, bulk2, zc1, zc2, off1, off2, conn1, conn2, bulk2.profiled(true),
                conn2.profiled(true)), o.cases());
        assertEquals(List.of(new CaseGroup(List.of(bulk1, bulk2), false, bulk2.profiled(true)),
                new CaseGroup(List.of(zc1, zc2), false, null),
                new CaseGroup(List.of(off1, off2), false, null),
                new CaseGroup(List.of(conn1, conn2), false, conn2.profiled(true))), o.groups());
        assertEquals(BenchOptions.tcp().paths(), o.paths());
        assertEquals(List.of(BenchPath.UDP, BenchPath.TCP_CONNECT),
                parse(BenchOptions.mainJob(), List.of("--path", "udp,tcp-connect")).paths());
        assertEquals(List.of(BenchPath.UDP), BenchOptions.mainJob().paths());
        assertThrows(ParameterException.class, () -> parse(BenchOptions.mainJob(), List.of("--path", "sctp")));
        assertThrows(ParameterException.class, () -> parse(BenchOptions.mainJob(), List.of("--path", "tcp,tcp-bulk")));
        assertThrows(IllegalArgumentException.class, () -> new BenchCase(Subject.KERNEL, 1, 64, false, BenchPath.TCP_BULK));
        assertThrows(IllegalArgumentException.class, () -> new BenchCase(Subject.LINUX, 1, 64, false, BenchPath.UDP));
        assertThrows(IllegalArgumentException.class, () -> new BenchCase(Subject.FINE_ZC, 1, 64, false, BenchPath.TCP_CONNECT));
        assertThrows(IllegalArgumentException.class,
                () -> new BenchCase(Subject.GIANT_OFFLOAD, 1, 64, false, BenchPath.TCP_CONNECT));
    }

    @Test
    void benchTcpRunsLinuxBesideEachModeOffloadsOnAndOffForTheBulkTransfer() {
        BenchOptions o = parse(BenchOptions.benchTcp(), List.of("--modes", "fine", "--cpus", "1"));
        assertEquals(List.of(new BenchCase(Subject.LINUX, 1, 1460, false, BenchPath.TCP_BULK),
                new BenchCase(Subject.LINUX_NO_OFFLOAD, 1, 1460, false, BenchPath.TCP_BULK),
                new BenchCase(Subject.FINE, 1, 1460, false, BenchPath.TCP_BULK),
                new BenchCase(Subject.FINE_ZC, 1, 1460, false, BenchPath.TCP_BULK),
                new BenchCase(Subject.FINE_OFFLOAD, 1, 1460, false, BenchPath.TCP_BULK),
                new BenchCase(Subject.LINUX, 1, 64, false, BenchPath.TCP_CONNECT),
                new BenchCase(Subject.FINE, 1, 64, false, BenchPath.TCP_CONNECT)), o.cases());
        assertEquals(7, o.groups().size());
        assertEquals(Subject.FINE_OFFLOAD, Subject.byLabel("fine-offload"));
        assertEquals("linux-no-offload", Subject.LINUX_NO_OFFLOAD.label());
        assertEquals(Subject.LINUX_NO_OFFLOAD, Subject.byLabel("linux-no-offload"));
        assertEquals(List.of(), parse(BenchOptions.benchTcp(), List.of("--no-kernel")).cases().stream()
                .filter(c -> !c.subject().isStack() && !c.subject().isZeroCopy() && !c.subject().isOffload()).toList());
    }

    @Test
    void noArgumentsKeepTheDefaults() {
        assertEquals(BenchOptions.benchUdp(), parse(BenchOptions.benchUdp(), List.of()));
    }

    @Test
    void casesRunTheBaselineFirstAndProfileLast() {
        BenchOptions o = parse(BenchOptions.mainJob(), List.of("--cpus", "1,2", "--modes", "giant,fine"));
        assertEquals(List.of(
                new BenchCase(Subject.KERNEL, 1, 64, false), new BenchCase(Subject.KERNEL, 2, 64, false),
                new BenchCase(Subject.GIANT, 1, 64, false), new BenchCase(Subject.GIANT, 2, 64, false),
                new BenchCase(Subject.FINE, 1, 64, false), new BenchCase(Subject.FINE, 2, 64, false),
                new BenchCase(Subject.GIANT, 2, 64, true), new BenchCase(Subject.FINE, 2, 64, true)), o.cases());
    }

    @Test
    void modesAreOnlyTheStacksModes() {
        assertEquals("--modes takes giant and/or fine, not 'kernel'", assertThrows(ParameterException.class,
                () -> parse(BenchOptions.mainJob(), List.of("--modes", "kernel"))).getMessage());
        assertEquals("--modes lists fine twice", assertThrows(ParameterException.class,
                () -> parse(BenchOptions.mainJob(), List.of("--modes", "fine,FINE"))).getMessage());
        assertEquals("--cpus must be between 1 and 2, not 3", assertThrows(ParameterException.class,
                () -> parse(BenchOptions.mainJob(), List.of("--cpus", "3"))).getMessage());
    }

    @Test
    void jvmFlagsAreSplitAtSpacesAndRecorded() {
        BenchOptions o = parse(BenchOptions.mainJob(), List.of("--jvm-flags",
                " -XX:+UnlockDiagnosticVMOptions   -XX:+DumpPerfMapAtExit -Dsmpnet.x=1 "));
        assertEquals(List.of("-XX:+UnlockDiagnosticVMOptions", "-XX:+DumpPerfMapAtExit", "-Dsmpnet.x=1"), o.jvmFlags());
        assertEquals(List.of("-Xmx1g"), parse(BenchOptions.mainJob(), List.of("--jvm-flags=-Xmx1g")).jvmFlags());
        assertEquals(List.of(), BenchOptions.mainJob().jvmFlags());
    }

    @Test
    void theWireReachesTheChildrenAsAFlagAfterTheOthers() {
        assertEquals(List.of("-Dsmpnet.bench.wire=copy"),
                parse(BenchOptions.benchTcp(), List.of("--wire", "copy")).jvmFlags());
        assertEquals(List.of("-Xmx1g", "-Dsmpnet.bench.wire=handoff"),
                parse(BenchOptions.benchTcp(), List.of("--wire=handoff", "--jvm-flags=-Xmx1g")).jvmFlags());
        assertEquals(List.of(), BenchOptions.benchTcp().jvmFlags()); // no flag: the children's default, handoff
        assertEquals("--wire takes copy or handoff, not 'dma'", assertThrows(ParameterException.class,
                () -> parse(BenchOptions.benchTcp(), List.of("--wire", "dma"))).getMessage());
    }

    @Test
    void directReceiveReachesTheChildrenAsAFlagAfterTheWire() {
        assertEquals(List.of("-Dsmpnet.bench.rxdirect=off"),
                parse(BenchOptions.benchTcp(), List.of("--rx-direct", "off")).jvmFlags());
        assertEquals(List.of("-Xmx1g", "-Dsmpnet.bench.wire=copy", "-Dsmpnet.bench.rxdirect=on"),
                parse(BenchOptions.benchTcp(), List.of("--rx-direct=on", "--wire=copy", "--jvm-flags=-Xmx1g")).jvmFlags());
        assertEquals(List.of("-Dsmpnet.bench.rxdirect=auto"),
                parse(BenchOptions.benchTcp(), List.of("--rx-direct", "auto")).jvmFlags());
        assertEquals("--rx-direct takes on, off or auto, not 'yes'", assertThrows(ParameterException.class,
                () -> parse(BenchOptions.benchTcp(), List.of("--rx-direct", "yes"))).getMessage());
    }

    @Test
    void badJvmFlagsAreRejectedWithTheirReason() {
        assertEquals("--jvm-flags takes JVM options, each starting with '-', not 'Xmx1g'", assertThrows(
                ParameterException.class, () -> parse(BenchOptions.mainJob(), List.of("--jvm-flags", "-Xms1g Xmx1g")))
                .getMessage());
        assertEquals("--jvm-flags needs at least one flag", assertThrows(ParameterException.class,
                () -> parse(BenchOptions.mainJob(), List.of("--jvm-flags", "  "))).getMessage());
        assertEquals("--jvm-flags cannot change the child's class path or main class: -jar", assertThrows(
                ParameterException.class, () -> parse(BenchOptions.mainJob(), List.of("--jvm-flags", "-jar x.jar")))
                .getMessage());
        assertEquals("--jvm-flags cannot change the child's class path or main class: --class-path=/x", assertThrows(
                ParameterException.class, () -> parse(BenchOptions.mainJob(), List.of("--jvm-flags", "--class-path=/x")))
                .getMessage());
        assertEquals("Missing required parameter for option '--jvm-flags' (\"...\")", assertThrows(ParameterException.class,
                () -> parse(BenchOptions.mainJob(), List.of("--jvm-flags"))).getMessage());
    }

    @Test
    void groupsPairEachPathsCpuCountsWithTheCeilingBesideFineAndTheProfileAtTheEnd() {
        BenchOptions o = parse(BenchOptions.benchUdp(), List.of("--payloads", "64,1472", "--modes", "fine"));
        assertEquals(List.of(
                new CaseGroup(List.of(new BenchCase(Subject.KERNEL, 1, 64, false), new BenchCase(Subject.KERNEL, 2, 64, false)), false, null),
                new CaseGroup(List.of(new BenchCase(Subject.FINE, 1, 64, false), new BenchCase(Subject.FINE, 2, 64, false)), true,
                        new BenchCase(Subject.FINE, 2, 64, true)),
                new CaseGroup(List.of(new BenchCase(Subject.KERNEL, 1, 1472, false), new BenchCase(Subject.KERNEL, 2, 1472, false)), false, null),
                new CaseGroup(List.of(new BenchCase(Subject.FINE, 1, 1472, false), new BenchCase(Subject.FINE, 2, 1472, false)), true, null)),
                o.groups());
        assertEquals(List.of(new CaseGroup(List.of(new BenchCase(Subject.FINE, 1, 64, false)), false, null)),
                parse(BenchOptions.mainJob(), List.of("--modes", "fine", "--cpus", "1", "--no-kernel", "--no-profile"))
                        .groups());
    }

    @Test
    void aGroupCanOnlyProfileACaseItRuns() {
        BenchCase one = new BenchCase(Subject.FINE, 1, 64, false);
        assertEquals("no child of the group can run fine 2cpu 64B (profiled)", assertThrows(
                IllegalArgumentException.class, () -> new CaseGroup(List.of(one), false,
                        new BenchCase(Subject.FINE, 2, 64, true))).getMessage());
    }
}
