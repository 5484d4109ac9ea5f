package smpnet.sim.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import smpnet.sim.cli.UsageException;

class BenchOptionsTest {

    @Test
    void overridesDefaults() throws UsageException {
        BenchOptions o = BenchOptions.mainJob().parse(List.of("--runs", "4", "--seconds", "0.5", "--warmup", "0",
                "--payloads", "1472,64", "--cpus", "2", "--modes", "fine", "--out", "res", "--no-kernel", "--no-chart"));
        assertEquals(new BenchOptions(4, 0.5, 0.0, List.of(1472, 64), List.of(2), List.of(Subject.FINE), false, true,
                false, Path.of("res")), o);
    }

    @Test
    void warmUpMayGrowUntilTheJitIsQuietUnlessItIsZero() throws UsageException {
        assertEquals(20.0, BenchOptions.mainJob().maxWarmup());
        assertEquals(30.0, BenchOptions.mainJob().parse(List.of("--warmup", "30")).maxWarmup());
        assertEquals(0.0, BenchOptions.mainJob().parse(List.of("--warmup", "0")).maxWarmup());
    }

    @Test
    void theBaselineWarmsUpBrieflyAndProfiledCasesRunOnce() {
        BenchOptions o = BenchOptions.benchUdp();
        assertEquals(1.0, o.warmup(new BenchCase(Subject.KERNEL, 1, 64, false)));
        assertEquals(4.0, o.warmup(new BenchCase(Subject.FINE, 1, 64, false)));
        assertEquals(5, o.runs(new BenchCase(Subject.GIANT, 2, 64, false)));
        assertEquals(1, o.runs(new BenchCase(Subject.GIANT, 2, 64, true)));
    }

    @Test
    void noArgumentsKeepTheDefaults() throws UsageException {
        assertEquals(BenchOptions.benchUdp(), BenchOptions.benchUdp().parse(List.of()));
    }

    @Test
    void casesRunTheBaselineFirstAndProfileLast() throws UsageException {
        BenchOptions o = BenchOptions.mainJob().parse(List.of("--cpus", "1,2", "--modes", "giant,fine"));
        assertEquals(List.of(
                new BenchCase(Subject.KERNEL, 1, 64, false), new BenchCase(Subject.KERNEL, 2, 64, false),
                new BenchCase(Subject.GIANT, 1, 64, false), new BenchCase(Subject.GIANT, 2, 64, false),
                new BenchCase(Subject.FINE, 1, 64, false), new BenchCase(Subject.FINE, 2, 64, false),
                new BenchCase(Subject.GIANT, 2, 64, true), new BenchCase(Subject.FINE, 2, 64, true)), o.cases());
    }

    @Test
    void modesAreOnlyTheStacksModes() {
        assertEquals("--modes takes giant and/or fine, not 'kernel'", assertThrows(UsageException.class,
                () -> BenchOptions.mainJob().parse(List.of("--modes", "kernel"))).getMessage());
        assertEquals("--modes lists fine twice", assertThrows(UsageException.class,
                () -> BenchOptions.mainJob().parse(List.of("--modes", "fine,FINE"))).getMessage());
        assertEquals("--cpus must be between 1 and 2, not 3", assertThrows(UsageException.class,
                () -> BenchOptions.mainJob().parse(List.of("--cpus", "3"))).getMessage());
    }
}
