package smpnet.sim.servers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import smpnet.stack.mbuf.MbufLeakExtension;

/**
 * The offered load: clients paced to a rate ({@code --rate}, {@link ServerPlan#rate}), and the line under the
 * event loop's verdict that says what load its two counts ran at.
 */
@ExtendWith(MbufLeakExtension.class)
class OfferedLoadTest {
    /**
     * Paced at 1,000 requests a second (500 per client loop): the fixed pool's 40 connections, 20 requests each, take
     * about 0.8 s, where unpaced they run at over 10,000 a second; every request is echoed, and the report says so.
     */
    @Test
    void aRateHoldsTheClientsToItsPace() throws Exception {
        ServerPlan plan = new ServerPlan(List.of(ServerModel.FIXED_POOL), List.of(40), 20, 64, 4, 30, 2, ServerPlan.IN_FLIGHT, 20, 200)
                .withRate(1_000);
        assertEquals(500, plan.rateOf(0, 2));
        assertEquals(500, plan.rateOf(1, 2));
        assertEquals(334, plan.withRate(1_001).rateOf(0, 3));
        assertEquals(333, plan.withRate(1_001).rateOf(2, 3));
        ServerComparison c = ServerComparison.run(plan, line -> { });
        ServerResult r = c.results().getFirst();
        assertTrue(r.completed(), r.stopped());
        assertEquals(800, r.requests());
        assertEquals(800, r.echoed());
        assertTrue(r.throughput() <= 1_100 && r.throughput() >= 500, r.throughput() + " requests/s, paced at 1,000");
        assertTrue(c.format().contains("; offered at 1,000 requests/s, paced"), c.format());
        assertTrue(c.json().contains("\"rate\" : 1000"), c.json());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> plan.withRate(1));
        assertEquals("rate 1 requests/s: 0 (unpaced) or at least one per client loop (2)", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> plan.withRate(-5));
    }

    /** The line on the load under the verdict: unpaced, the two rates and that they are not held equal; paced, the share reached. */
    @Test
    void theVerdictSaysWhatLoadTheTwoCountsRanAt() {
        ServerPlan plan = new ServerPlan(List.of(ServerModel.EVENT_LOOP), List.of(1_000, 100_000), 5, 64, 16, 100, 2,
                ServerPlan.IN_FLIGHT, ServerPlan.LOOP_WARMUP, ServerPlan.LOOP_REQUESTS);
        ServerResult thousand = ServerComparisonTest.loop(1_000, 10_000, 0.005);
        List<ServerResult> results = List.of(thousand, ServerComparisonTest.loop(100_000, 11_000, 0.005));
        assertEquals(String.format("%n  the offered load: unpaced, 10,000 requests/s at 1,000 connections and 10,000 at 100,000 "
                + "(x1.00): the loop's cost per event follows how often it sleeps, so the two counts compare like with like "
                + "only at one rate (--rate)"), ServerComparison.of(plan, results).offeredLoad());
        assertEquals(String.format("%n  the offered load: 12,500 requests/s, paced; reached 10,000 at 1,000 connections (80%%) "
                + "and 10,000 at 100,000 (80%%)"), ServerComparison.of(plan.withRate(12_500), results).offeredLoad());
        assertTrue(ServerComparison.of(plan, results).verdicts().endsWith(ServerComparison.of(plan, results).offeredLoad()));
        assertEquals("", ServerComparison.of(plan, List.of(thousand)).offeredLoad(), "one count: no line");
    }
}
