package smpnet.sim.servers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The merge of forks' comparisons and the event loop's verdict over them, on made-up results. */
class ServerForksTest {
    private static final ServerPlan PLAN = new ServerPlan(List.of(ServerModel.FIXED_POOL, ServerModel.EVENT_LOOP),
            List.of(1_000, 100_000), 5, 64, 16, 100, 2, ServerPlan.IN_FLIGHT, ServerPlan.LOOP_WARMUP, ServerPlan.LOOP_REQUESTS);

    /** {@code count} parts of {@code ns} each, none with a collection. */
    private static double[] flat(double ns, int count) {
        double[] p = new double[count];
        Arrays.fill(p, ns);
        return p;
    }

    /**
     * An event loop case at {@code n} connections whose window's parts are {@code parts} (the queue's a tenth of
     * them), {@code partGcs} collections in each; 100,000 requests in {@code seconds}, p99 {@code p99} µs.
     */
    private static ServerResult loop(int n, double[] parts, long[] partGcs, double seconds, double p99) {
        return loop(n, parts, partGcs, seconds, p99, true);
    }

    /** As above, its warm-up {@code settled} or not. */
    private static ServerResult loop(int n, double[] parts, long[] partGcs, double seconds, double p99, boolean settled) {
        double[] queue = Arrays.stream(parts).map(p -> p / 10).toArray();
        return new ServerResult(ServerModel.EVENT_LOOP, n, 100_000, 100_000, seconds, 500, p99, 2 * p99, 50_000, 1_000,
                2_000_000_000L, new ServerResult.LoopCost(50_000, 50_000, 5_000, 500_000_000L, 50_000_000L, 10, 20_000, 100, 10,
                60_000, 90_000, 250_000_000L, 0, 3, 40, 7, 45_000, settled, parts, queue, Arrays.stream(parts).map(p -> p / 2).toArray(),
                partGcs, 0, 2_000, 4, List.of(), "", Double.NaN),
                2, 0, null, new double[][] {{100, 0.5}, {p99, 0.99}, {2 * p99, 1}});
    }

    private static ServerResult loop(int n, double ns, double seconds, double p99) {
        return loop(n, flat(ns, 20), new long[20], seconds, p99);
    }

    private static ServerResult pool(int n, double seconds, double p99) {
        return new ServerResult(ServerModel.FIXED_POOL, n, 100_000, 100_000, seconds, 400, p99, 2 * p99, 100_000, -1,
                3_000_000_000L, null, 0, 0, null, new double[][] {{p99, 1}});
    }

    /** A fork whose event loop cost {@code base} ns per event at 1,000 connections and {@code top} at 100,000. */
    private static ServerForks.Fork fork(int number, double base, double top, double seconds, double p99) {
        return new ServerForks.Fork(number, ServerForks.descending(number), ServerComparison.of(PLAN, List.of(
                pool(1_000, seconds, p99), loop(1_000, base, seconds, p99), pool(100_000, seconds, p99),
                loop(100_000, top, seconds, p99))));
    }

    /** The verdict of forks whose loop cost {@code base[i]} and {@code top[i]} ns, from its ratio on, first line. */
    private static String judged(double[] base, double[] top) {
        List<ServerForks.Fork> forks = new ArrayList<>();
        for (int i = 0; i < base.length; i++) forks.add(fork(i + 1, base[i], top[i], 10, 1_000));
        String v = ServerForks.verdict(PLAN, forks, ServerForks.SEED, ServerForks.RESAMPLES);
        return v.substring(v.indexOf(": x") + 2, v.indexOf('\n'));
    }

    @Test
    void theForksAlternateTheOrderOfTheCounts() {
        assertEquals(List.of(false, true, false, true, false),
                List.of(1, 2, 3, 4, 5).stream().map(ServerForks::descending).toList());
    }

    @Test
    void everyFigureIsTheMedianOverTheForksAndTheVerdictIsTheirs() {
        // requests/s 10,000, 12,500 and 8,000; p99 900, 1,000, 1,100 µs; the loop's medians 10,000, 12,000 and 8,000 ns at
        // 1,000 connections and 10,500, 12,000, 9,000 at 100,000
        List<ServerForks.Fork> forks = List.of(fork(1, 10_000, 10_500, 10, 900), fork(2, 12_000, 12_000, 8, 1_000),
                fork(3, 8_000, 9_000, 12.5, 1_100));
        ServerComparison m = ServerForks.merge(PLAN, forks);
        assertEquals(4, m.results().size());
        for (ServerResult r : m.results()) {
            assertTrue(r.completed(), r.toString());
            assertEquals(100_000, r.requests());
            assertEquals(10_000, r.throughput(), 1e-6);
            assertEquals(1_000, r.p99Micros(), 0);
            assertEquals(2_000, r.p999Micros(), 0);
            // the latency distribution of the fork of the median requests/s, the first
            assertArrayEquals(forks.getFirst().comparison().results().get(m.results().indexOf(r)).latencyCdf()[0], r.latencyCdf()[0]);
        }
        assertEquals(0.5, m.results().get(1).parksPerRequest(), 1e-12);
        assertEquals(20, m.results().get(1).cpuMicrosPerRequest(), 1e-9);
        assertEquals(0.01, m.results().get(1).switchesPerRequest(), 1e-12);
        // the fixed pool counted no context switches: none merged
        assertTrue(Double.isNaN(m.results().getFirst().switchesPerRequest()));
        // the loop's merged window: a part per fork, its median; the loop's figure the median of those
        assertArrayEquals(new double[] {10_000, 12_000, 8_000}, m.results().get(1).loop().parts());
        assertArrayEquals(new double[] {5_000, 6_000, 4_000}, m.results().get(1).loop().workParts());
        assertEquals(3 * 90_000, m.results().get(1).loop().waitNanos());
        assertEquals(3 * 250_000_000L, m.results().get(1).loop().wakeNanos());
        assertEquals(10_000, m.results().get(1).loopNanosPerEvent(), 0);
        assertEquals(10_500, m.results().get(3).loopNanosPerEvent(), 0);
        assertEquals(1_000, m.results().get(1).queueNanosPerEvent(), 1e-9);
        assertEquals(150_000, m.results().get(1).loop().events());
        String text = m.format();
        assertTrue(text.contains("; each figure the median of 3 forks (each a fresh JVM; the connection counts ascending in the odd "
                + "ones, descending in the even ones)"), text);
        // the ratio 10,500 / 10,000; the resamples' ratios are 1.00 (two of fork 2 drawn), 1.05 or 1.125 (two of fork 3)
        assertTrue(text.contains("""
                Event loop work per event over 3 forks (the loop thread's CPU less its CPU in the scheduler's parks and wake-ups; \
                per count the median of the forks' medians of their window's kept parts): 5,000 ns at 1,000 connections, 5,250 ns \
                at 100,000: x1.05 (95% interval x1.00 to x1.13, from 3 forks by a hierarchical bootstrap: forks, then parts within \
                each, 10,000 resamples, seed 1), goal x0.83 to x1.20 (within 20%): met
                  each fork's own ratio: fork 1 (ascending) x1.05; fork 2 (descending) x1.00; fork 3 (ascending) x1.13
                Event loop cost per event over 3 forks (the loop thread's CPU; per count the median of the forks' medians of their \
                window's kept parts): 10,000 ns at 1,000 connections, 10,500 ns at 100,000: x1.05 (95% interval x1.00 to x1.13, \
                from 3 forks by a hierarchical bootstrap: forks, then parts within each, 10,000 resamples, seed 1), goal x0.83 to \
                x1.20 (within 20%): met
                  each fork's own ratio: fork 1 (ascending) x1.05; fork 2 (descending) x1.00; fork 3 (ascending) x1.13
                Event queue cost per event over 3 forks (the loop's CPU in poll; per count the median of the forks' medians of \
                their window's kept parts): 1,000 ns at 1,000 connections, 1,050 ns at 100,000: x1.05 (95% interval x1.00 to \
                x1.13, from 3 forks"""), text);
        assertTrue(text.contains("each fork's own ratio: fork 1 (ascending) x1.05; fork 2 (descending) x1.00; fork 3 (ascending) "
                + "x1.13\n"), text);
        // the single JVM's verdict is not printed over the merged window
        assertFalse(text.contains("median of the window's parts"), text);
    }

    @Test
    void theVerdictIsMetNotMetOrUndecidedByTheInterval() {
        double[] same = {10_000, 10_000, 10_000};
        // the resamples' ratios are the median of three drawn forks' top costs over 10,000: 1.0, 1.05 or 1.1
        assertEquals("x1.05 (95% interval x1.00 to x1.10, from 3 forks by a hierarchical bootstrap: forks, then parts within each, "
                + "10,000 resamples, seed 1), goal x0.83 to x1.20 (within 20%): met", judged(same, new double[] {10_000, 10_500, 11_000}));
        assertEquals("x1.50 (95% interval x1.40 to x1.60, from 3 forks by a hierarchical bootstrap: forks, then parts within each, "
                + "10,000 resamples, seed 1), goal x0.83 to x1.20 (within 20%): NOT met",
                judged(same, new double[] {14_000, 15_000, 16_000}));
        assertEquals("x0.70 (95% interval x0.60 to x0.75, from 3 forks by a hierarchical bootstrap: forks, then parts within each, "
                + "10,000 resamples, seed 1), goal x0.83 to x1.20 (within 20%): NOT met",
                judged(same, new double[] {6_000, 7_000, 7_500}));
        // one JVM's level high: the ratio of the medians is within the goal, but a quarter of the resamples (7 in 27) draw it twice or more
        assertEquals("x1.10 (95% interval x1.00 to x1.30, from 3 forks by a hierarchical bootstrap: forks, then parts within each, "
                + "10,000 resamples, seed 1), goal x0.83 to x1.20 (within 20%): undecided: the interval crosses a bound",
                judged(same, new double[] {10_000, 13_000, 11_000}));
    }

    @Test
    void forksUnfitToJudgeAreLeftOutAndTheOthersJudge() {
        // fork 3's warm-up at 100,000 connections had not settled; fork 2 had a collection in 11 of its 20 parts at 1,000
        long[] gcs = new long[20];
        Arrays.fill(gcs, 0, 11, 1);
        ServerForks.Fork second = new ServerForks.Fork(2, true, ServerComparison.of(PLAN, List.of(
                loop(1_000, flat(10_000, 20), gcs, 10, 900), loop(100_000, 10_500, 10, 900))));
        ServerForks.Fork third = new ServerForks.Fork(3, false, ServerComparison.of(PLAN, List.of(loop(1_000, 10_000, 10, 900),
                loop(100_000, flat(30_000, 20), new long[20], 10, 900, false))));
        String leftOut = "; 2 of 4 forks left out as unfit to judge: fork 2: 11 of 20 parts at 1,000 connections left out (a "
                + "collection ran in them, or other threads ran on the loop's CPU); fork 3: the warm-up at 100,000 connections had "
                + "not settled when its window began, after 45,000 requests (the window may measure compilation)\n";
        // forks 1 and 4 judge (x1.05 and x1.11); fork 3's x3.00 is shown, marked, and moves nothing
        String v = ServerForks.verdict(PLAN, List.of(fork(1, 10_000, 10_500, 10, 900), second, third,
                fork(4, 10_000, 11_100, 10, 900)), ServerForks.SEED, 1_000);
        assertTrue(v.startsWith("Event loop work per event over 4 forks (the loop thread's CPU less its CPU in the scheduler's parks "
                + "and wake-ups; per count the median of the forks' medians of their window's kept parts): 5,000 ns at 1,000 "
                + "connections, 5,400 ns at 100,000: x1.08 (95% interval x1.05 to x1.11, from 2 forks"), v);
        assertTrue(v.contains("\nEvent loop cost per event over 4 forks (the loop thread's CPU; per count the median of the forks' "
                + "medians of their window's kept parts): 10,000 ns at 1,000 connections, 10,800 ns at 100,000: x1.08 (95% interval "
                + "x1.05 to x1.11, from 2 forks by a hierarchical bootstrap: forks, then parts within each, 1,000 resamples, seed 1), "
                + "goal x0.83 to x1.20 (within 20%): met" + leftOut), v);
        assertTrue(v.contains("each fork's own ratio: fork 1 (ascending) x1.05; fork 2 (descending) x1.05 (left out); fork 3 "
                + "(ascending) x3.00 (left out); fork 4 (descending) x1.11\n"), v);
        // one fork fit to judge: no interval
        String one = ServerForks.verdict(PLAN, List.of(fork(1, 10_000, 10_500, 10, 900), second, third), ServerForks.SEED, 1_000);
        assertTrue(one.contains("goal x0.83 to x1.20 (within 20%): undecided: 1 of 3 forks fit to judge kept parts at both counts, "
                + "too few for an interval (2 at least); 2 of 3 forks left out as unfit to judge: fork 2: "), one);
    }

    @Test
    void fewerThanTwoForksWithKeptPartsAtBothCountsGiveNoInterval() {
        // fork 2 had a collection in every part at 100,000 connections: its parts are all left out
        long[] gcs = new long[20];
        Arrays.fill(gcs, 1);
        ServerForks.Fork second = new ServerForks.Fork(2, true, ServerComparison.of(PLAN, List.of(loop(1_000, 10_000, 10, 900),
                loop(100_000, flat(11_000, 20), gcs, 10, 900))));
        String v = ServerForks.verdict(PLAN, List.of(fork(1, 10_000, 10_500, 10, 900), second), ServerForks.SEED, ServerForks.RESAMPLES);
        assertTrue(v.contains("\nEvent loop cost per event over 2 forks (the loop thread's CPU; per count the median of the forks' "
                + "medians of their window's kept parts): 10,000 ns at 1,000 connections, 10,500 ns at 100,000: x1.05 (no interval: "
                + "too few forks, from 1 forks by a hierarchical bootstrap: forks, then parts within each, 10,000 resamples, seed 1), "
                + "goal x0.83 to x1.20 (within 20%): undecided: 1 of 2 forks fit to judge kept parts at both counts, too few for an "
                + "interval (2 at least); 1 of 2 forks left out as unfit to judge: fork 2: 20 of 20 parts at 100,000 connections left "
                + "out (a collection ran in them, or other threads ran on the loop's CPU)\n  each fork's own ratio: fork 1 (ascending) "
                + "x1.05; fork 2 (descending) no kept parts at 100,000\n"), v);
        // a fork alone: the same
        assertTrue(ServerForks.verdict(PLAN, List.of(fork(1, 10_000, 10_500, 10, 900)), 1, 100)
                .contains("undecided: 1 of 1 forks kept parts at both counts"));
        // the event loop at one count only: no ratio
        ServerPlan one = new ServerPlan(List.of(ServerModel.EVENT_LOOP), List.of(1_000), 5, 64, 16, 100, 2, ServerPlan.IN_FLIGHT,
                ServerPlan.LOOP_WARMUP, ServerPlan.LOOP_REQUESTS);
        assertEquals("Event loop cost per event over the forks: needs the event loop at two connection counts or more",
                ServerForks.verdict(one, List.of(), 1, 100));
    }

    @Test
    void theBootstrapResamplesForksThenPartsAndIsReproducibleByItsSeed() {
        // parts that spread within each fork: the resampled parts move the interval, the seed fixes it
        double[][] base = new double[4][], top = new double[4][];
        for (int f = 0; f < 4; f++) {
            base[f] = new double[20];
            top[f] = new double[20];
            for (int i = 0; i < 20; i++) {
                base[f][i] = 10_000 * (1 + 0.1 * f) + 37 * ((i * 7) % 20);
                top[f][i] = 10_800 * (1 + 0.1 * f) + 53 * ((i * 11) % 20);
            }
        }
        double[] a = ServerForks.hierarchical(base, top, 7, 2_000, 0.95);
        assertArrayEquals(a, ServerForks.hierarchical(base, top, 7, 2_000, 0.95));
        double[] b = ServerForks.hierarchical(base, top, 8, 2_000, 0.95);
        assertFalse(Arrays.equals(a, b), Arrays.toString(a) + " " + Arrays.toString(b));
        // the ratio is the same whatever the seed: the median of the forks' medians at 100,000 over those at 1,000
        assertEquals(a[1], b[1], 0);
        double ma = (10_000 * 1.1 + 37 * 9.5 + 10_000 * 1.2 + 37 * 9.5) / 2, mz = (10_800 * 1.1 + 53 * 9.5 + 10_800 * 1.2 + 53 * 9.5) / 2;
        assertEquals(mz / ma, a[1], 1e-12);
        assertTrue(a[0] < a[1] && a[1] < a[2], Arrays.toString(a));
        // flat parts in forks of one level: every resample draws the same ratio
        assertArrayEquals(new double[] {1.25, 1.25, 1.25},
                ServerForks.hierarchical(new double[][] {flat(8, 5), flat(8, 9)}, new double[][] {flat(10, 3), flat(10, 4)}, 1, 100, 0.95));
        // a single fork: no interval
        double[] single = ServerForks.hierarchical(new double[][] {flat(8, 5)}, new double[][] {flat(10, 3)}, 1, 100, 0.95);
        assertTrue(Double.isNaN(single[0]) && Double.isNaN(single[2]) && single[1] == 1.25, Arrays.toString(single));
    }

    @Test
    void aForkThatFailsLeavesNoResultOrHangsIsReportedByName(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) {
        java.nio.file.Path json = dir.resolve("servers-fork-2.json");
        String java = smpnet.sim.SimSettings.javaLauncher().toString();
        List<String> log = new java.util.concurrent.CopyOnWriteArrayList<>();
        // a JVM that cannot start its main class: its status
        String failed = org.junit.jupiter.api.Assertions.assertThrows(java.io.IOException.class, () -> ServerForks.run(2, 3, true,
                List.of(java, "-cp", dir.toString(), "NoSuchMain"), json, PLAN, log::add)).getMessage();
        assertTrue(failed.matches("fork 2/3 \\(pid \\d+\\) failed: exit status 1"), failed);
        // a JVM that exits cleanly without writing the result
        String none = org.junit.jupiter.api.Assertions.assertThrows(java.io.IOException.class, () -> ServerForks.run(2, 3, true,
                List.of(java, "-version"), json, PLAN, log::add)).getMessage();
        assertTrue(none.matches("fork 2/3 \\(pid \\d+\\) exited without its result \\(.*servers-fork-2.json\\)"), none);
        // a child that does not end: stopped at its time limit
        String hung = org.junit.jupiter.api.Assertions.assertThrows(java.io.IOException.class, () -> ServerForks.run(1, 3, false,
                List.of("sleep", "60"), json, PLAN, log::add, 1_000_000_000L)).getMessage();
        assertTrue(hung.matches("fork 1/3 \\(pid \\d+\\) did not end within 1 s: stopped"), hung);
        assertTrue(log.getFirst().matches("fork 2/3 \\(pid \\d+\\): a fresh JVM, the connection counts descending \\.\\.\\."), log.toString());
    }

    @Test
    void aCaseThatStoppedInAForkIsReportedStoppedWithItsForks() {
        ServerResult stopped = ServerResult.notRun(ServerModel.FIXED_POOL, 100_000, "stopped: the phase took too long");
        ServerResult merged = ServerForks.mergeCase(List.of(pool(100_000, 10, 900), stopped, pool(100_000, 10, 900)));
        assertEquals("stopped: the phase took too long (in fork 2 of 3)", merged.stopped());
        assertEquals("stopped: the phase took too long", ServerForks.mergeCase(List.of(stopped, stopped)).stopped());
        assertNull(ServerForks.mergeCase(List.of(pool(100_000, 10, 900), pool(100_000, 20, 900))).stopped());
    }

    @Test
    void aForksJsonReadsBackToTheSameComparison() throws Exception {
        // a part in which the loop waited for its CPU over a tenth of the part: shared, left out, flagged in the JSON
        List<ServerResult.PartFacts> facts = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            facts.add(new ServerResult.PartFacts(100, 10, 1.5, 0.9, 2.5, 0.01, 1.2, 1, 1.0, 0, i == 2 ? 3 : 0.1, 0, 1.1, 0.1, 0, 0));
        }
        ServerResult.LoopCost l = new ServerResult.LoopCost(400, 400, 160, 4_000_000, 400_000, 4, 8_000, 40, 4, 480, 30_000, 70_000,
                0, 1, 5, 0, 1_000, false, new double[] {9_000, 10_000, 20_000, 11_000}, new double[] {900, 1_000, 2_000, 1_100},
                new double[] {8_000, 9_500, 19_000, 10_500}, new long[] {0, 1, 0, 0}, 1, 200, 3, facts, "the loop thread on CPU 1", Double.NaN);
        ServerResult r = new ServerResult(ServerModel.EVENT_LOOP, 1_000, 5_000, 5_000, 2, 300, 700, 900, 20, 4_000, 1_000_000_000L,
                l, 1, 2, null, new double[][] {{300, 0.5}, {900, 1}});
        ServerComparison c = ServerComparison.of(PLAN, List.of(r, ServerResult.notRun(ServerModel.FIXED_POOL, 1_000, "not run: x"),
                pool(100_000, 10, 900)), 3);
        String json = c.json();
        assertTrue(json.contains("\"partShared\" : [ false, false, true, false ]"), json);
        assertTrue(json.contains("\"mbufsOutstanding\" : 3"), json);
        ServerComparison back = ServerJson.read(PLAN, json);
        assertEquals(json, back.json());
        assertEquals(c.format(), back.format());
        assertEquals(3, back.mbufsOutstanding());
        // the kept parts: 9,000 and 11,000 (a collection in the second, the third shared)
        assertEquals(10_000, back.results().getFirst().loopNanosPerEvent(), 0);
        assertEquals(9_250, back.results().getFirst().loop().medianWorkNanosPerEvent(), 0);
        assertEquals(30_000, back.results().getFirst().loop().waitNanos());
        assertEquals(70_000, back.results().getFirst().loop().wakeNanos());
    }
}
