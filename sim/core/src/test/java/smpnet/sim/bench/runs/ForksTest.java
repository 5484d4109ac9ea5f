package smpnet.sim.bench.runs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;
import smpnet.sim.bench.plan.Subject;
import smpnet.sim.bench.results.CaseResult;
import smpnet.sim.bench.results.Ceiling;
import smpnet.sim.bench.results.PairedRatio;
import smpnet.sim.bench.results.RunSample;
import smpnet.sim.bench.results.Samples;
import smpnet.sim.bench.results.Spread;

/** Forks pooled: runs concatenated fork by fork, so speed-ups and ceilings are still taken over pairs of one fork. */
class ForksTest {
    private static final long SECOND = 1_000_000_000L;

    private static GroupRunner.Outcome fork(int one1, int one2, int two1, int two2, int c0, int c1, String note) {
        CaseResult one = Samples.result(Subject.FINE, 1, false, Samples.runs(SECOND, one1, one2), List.of());
        CaseResult two = Samples.result(Subject.FINE, 2, false, Samples.runs(SECOND, two1, two2), List.of());
        Ceiling ceiling = new Ceiling(64, "taskset -c 0 | taskset -c 1", SECOND, Samples.runs(SECOND, c0, c0),
                Samples.runs(SECOND, c1, c1), Samples.latency(), true);
        return new GroupRunner.Outcome(List.of(one, two), ceiling, List.of(note));
    }

    @Test
    void aJvmThatRanSlowMovesTheMedianOnlyAsOneForkOfThree() {
        GroupRunner.Outcome merged = Forks.merge(List.of(
                fork(100, 100, 190, 190, 100, 100, "n"),
                fork(100, 100, 110, 110, 100, 100, "n"), // this fork's 2-CPU JVM ran slow
                fork(100, 100, 185, 185, 100, 100, "m")));
        assertEquals(List.of("n", "m"), merged.notes());
        CaseResult one = merged.results().get(0);
        CaseResult two = merged.results().get(1);
        assertEquals(6, one.runs().size());
        assertEquals(List.of(190.0, 190.0, 110.0, 110.0, 185.0, 185.0),
                two.runs().stream().map(RunSample::packetsPerSecond).toList());
        assertEquals(new Spread(1.1, 1.85, 1.9), PairedRatio.of(two.runs(), one.runs(), RunSample::packetsPerSecond));
        assertEquals(6, merged.ceiling().core0().size());
        assertEquals(new Spread(2.0, 2.0, 2.0), merged.ceiling().ratios(one.runs()));
    }

    @Test
    void aCeilingMissingFromOneForkIsLeftOutAndOneForkIsItself() {
        GroupRunner.Outcome a = fork(100, 100, 180, 180, 100, 100, "n");
        GroupRunner.Outcome b = new GroupRunner.Outcome(a.results(), null, List.of());
        assertNull(Forks.merge(List.of(a, b)).ceiling());
        assertSame(a, Forks.merge(List.of(a)));
        assertThrows(IllegalArgumentException.class, () -> Forks.merge(List.of()));
    }

    @Test
    void aMergedWarmUpIsTheLongestAndSettledOnlyIfEveryForksWas() {
        CaseResult settled = Samples.result(Subject.FINE, 1, false, Samples.runs(SECOND, 100), List.of());
        CaseResult unsettled = new CaseResult(settled.benchCase(), settled.pinning(), 20 * SECOND, false, settled.runs(),
                settled.latency(), settled.settled(), List.of(), 0);
        CaseResult merged = Forks.mergeCase(List.of(settled, unsettled));
        assertEquals(20 * SECOND, merged.warmupNanos());
        assertEquals(false, merged.warmupSettled());
        assertEquals(true, Forks.mergeCase(List.of(settled, settled)).warmupSettled());
    }
}
