package smpnet.sim.servers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import smpnet.stack.mbuf.MbufLeakExtension;

/** Every server model at a tiny scale: exact request and reply counts, figures that make sense, nothing leaked. */
@ExtendWith(MbufLeakExtension.class)
class ServerComparisonTest {
    @Test
    void everyModelEchoesEveryRequestOfEveryConnection() throws Exception {
        ServerPlan plan = new ServerPlan(List.of(ServerModel.values()), List.of(3, 40), 5, 64, 4, 30, 2, ServerPlan.IN_FLIGHT, 20, 200);
        // the event loop's connections carry the requests its warm-up and measure need, with the requests in flight twice over
        assertEquals(76, plan.requestsFor(ServerModel.EVENT_LOOP, 3)); // (20 + 200 + 2 * 3) / 3, rounded up
        assertEquals(8, plan.requestsFor(ServerModel.EVENT_LOOP, 40)); // (20 + 200 + 2 * 40) / 40, rounded up
        assertEquals(5, plan.requestsFor(ServerModel.FIXED_POOL, 3));
        List<String> progress = new ArrayList<>();
        ServerComparison c = ServerComparison.run(plan, progress::add);
        assertEquals(8, c.results().size());
        for (ServerResult r : c.results()) {
            if (r.model() == ServerModel.THREAD_PER_CONNECTION && r.connections() == 40) {
                // 40 connections need 40 threads, over the bound of 30: not run, and the report says why
                assertTrue(r.stopped().startsWith("not run: it needs 40 server threads, over the bound of 30 platform threads"),
                        r.stopped());
                continue;
            }
            assertTrue(r.completed(), r.model() + " at " + r.connections() + ": " + r.stopped());
            long requests = (long) r.connections() * plan.requestsFor(r.model(), r.connections());
            assertEquals(requests, r.requests(), r.model() + " replies");
            assertEquals(requests, r.echoed(), r.model() + " echoed");
            assertTrue(r.p50Micros() > 0 && r.p50Micros() <= r.p99Micros(), r.toString());
            assertTrue(r.serverParks() > 0, r.model() + " parks: a server waiting for requests blocks");
            assertEquals(r.model() == ServerModel.EVENT_LOOP, r.loop() != null, r.toString());
            assertEquals(r.model() == ServerModel.EVENT_LOOP, !Double.isNaN(r.loopNanosPerEvent()), r.toString());
            assertEquals(r.model() == ServerModel.EVENT_LOOP, !Double.isNaN(r.queueNanosPerEvent()), r.toString());
            if (r.model() == ServerModel.EVENT_LOOP) {
                ServerResult.LoopCost l = r.loop();
                // the window: from the poll after 20 requests to the poll after 200 more, within the phase; each event
                // reads a request at least (64 bytes come in one segment), and each poll returns an event at least
                assertTrue(l.requests() >= 200 && l.requests() <= requests - 20, l.toString());
                assertTrue(l.events() >= 1 && l.events() <= l.requests(), l.toString());
                assertTrue(l.polls() >= 1 && l.polls() <= l.events(), l.toString());
                assertEquals(0, l.writeEvents(), "every reply fits the send buffer: " + l);
                assertTrue(l.queueNanos() > 0 && l.queueNanos() < l.cpuNanos(), "the polls' share is a part of the loop's time: " + l);
                assertTrue(l.sleepingNanos() <= l.queueNanos() && l.sleepingPolls() <= l.polls(), "sleeps are in polls: " + l);
                assertEquals(EchoServer.LOOP_PARTS, l.parts().length, l.toString());
                for (double part : l.parts()) assertTrue(part > 0, java.util.Arrays.toString(l.parts()));
            }
        }
        String text = c.format();
        System.out.println(text);
        assertTrue(text.contains("thread-per-connection: completed up to 3 connections; at 40 not run"), text);
        assertTrue(text.contains("event-loop: completed every count, up to 40 connections"), text);
        assertEquals(9, c.csv().lines().count());
        // a line as each case starts, one when its connections are open (the 7 run), one as it ends (or is refused);
        // the same for the 4 warm-up cases first (at 3 connections, all run)
        assertEquals(35, progress.size(), progress.toString());
        assertEquals(List.of("[warm-up] thread-per-connection, 3 connections ...", "      3 connections open in"),
                progress.subList(0, 2).stream().map(l -> l.replaceAll(" [0-9.]+ s; .*", "")).toList());
        assertEquals(4, progress.stream().filter(l -> l.equals("      warmed up (not reported)")).count(), progress.toString());
        assertEquals(8, progress.stream().filter(l -> l.matches("\\[\\d/8] [a-z-]+, \\d+ connections \\.\\.\\.")).count(), progress.toString());
        assertEquals(11, progress.stream().filter(l -> l.matches(" +\\d+ connections open in [0-9.]+ s; \\d+ requests \\.\\.\\.")).count(),
                progress.toString());
        assertTrue(text.contains("Winners (highest requests/s; lowest p99):\n          3 connections: "), text);
    }

    /** The control: 40 connections open, requests on the first 10 only; the others stay idle until the close. */
    @Test
    void requestsGoOnTheActiveConnectionsOnly() throws Exception {
        ServerPlan plan = new ServerPlan(List.of(ServerModel.EVENT_LOOP, ServerModel.VIRTUAL_THREADS), List.of(40), 5, 64, 4, 30, 2,
                ServerPlan.IN_FLIGHT, 20, 200).withActive(10);
        assertEquals(10, plan.activeOf(40));
        assertEquals(3, plan.activeOf(3));
        assertEquals(24, plan.requestsFor(ServerModel.EVENT_LOOP, 40)); // (20 + 200 + 2 * 10) / 10
        assertEquals(5, plan.requestsFor(ServerModel.VIRTUAL_THREADS, 40));
        ServerComparison c = ServerComparison.run(plan, line -> { });
        assertEquals(2, c.results().size());
        for (ServerResult r : c.results()) {
            assertTrue(r.completed(), r.model() + ": " + r.stopped());
            long requests = 10L * plan.requestsFor(r.model(), 40);
            assertEquals(requests, r.requests(), r.model() + " replies");
            assertEquals(requests, r.echoed(), r.model() + " echoed");
        }
        assertTrue(c.format().contains("; requests on the first 10 connections of each case only, the others open and idle"),
                c.format());
    }

    /**
     * An event loop case at {@code n} connections whose loop thread's parts cost {@code median} per event in the
     * middle (1.05, 1, 0.5, 3 and 0.95 times it: an interquartile range of a tenth of it), 1.3 times it over
     * the whole window of 50,000 events.
     */
    private static ServerResult loop(int n, long median, long queuePerEvent, long polls, long parks) {
        return loop(n, new double[] {median * 1.05, median, median * 0.5, median * 3, median * 0.95}, median, queuePerEvent, polls,
                parks);
    }

    private static ServerResult loop(int n, double[] parts, long median, long queuePerEvent, long polls, long parks) {
        return new ServerResult(ServerModel.EVENT_LOOP, n, 100_000, 100_000, 10, 500, 900, 1000, parks, 1_000, 2_000_000_000L,
                new ServerResult.LoopCost(50_000, 50_000, polls, 50_000 * median * 13 / 10, 50_000 * queuePerEvent, parks,
                        parks * 2_000, parks, 60_000, 0, 3, 40, parts),
                0, 0, null, new double[0][]);
    }

    private static String verdict(ServerResult... results) {
        ServerPlan plan = new ServerPlan(List.of(ServerModel.EVENT_LOOP), List.of(1_000, 100_000), 5, 64, 16, 100, 2,
                ServerPlan.IN_FLIGHT, ServerPlan.LOOP_WARMUP, ServerPlan.LOOP_REQUESTS);
        return ServerComparison.of(plan, List.of(results)).eventLoopVerdict();
    }

    @Test
    void theVerdictComparesTheCostPerEventAtOneThousandWithTheLargestCount() {
        assertEquals("""
                Event loop cost per event (the loop thread's CPU, median of its window's parts): 10,000 ns at 1,000 connections, \
                12,000 ns at 100,000: x1.20, goal within 20%: met
                Event queue cost per event (the loop's CPU in poll): 1,000 ns at 1,000 connections, 500 ns at 100,000: x0.50, \
                goal within 20%: NOT met
                  the window's parts: 10,500 / 10,000 / 5,000 / 30,000 / 9,500 ns and 12,600 / 12,000 / 6,000 / 36,000 / 11,400 ns; \
                the whole window: 13,000 and 15,600 ns, without the polls that slept 12,996 and 15,600 ns
                  measured over 50,000 and 50,000 events; events per poll 10.0 and 25.0; sleeps per event 0.0020 and 0.0000; \
                parks per event 0.0020 and 0.0000; wake-ups given per event 1.20 and 1.20; writable events 0 and 0; GCs 3 (40 ms) \
                and 3 (40 ms)""",
                verdict(loop(100, 90_000, 9_000, 50_000, 5_000), loop(1_000, 10_000, 1_000, 5_000, 100),
                        loop(10_000, 30_000, 800, 4_000, 0), loop(100_000, 12_000, 500, 2_000, 0)));
        // 21% more, or 21% less, misses the goal either way
        assertTrue(verdict(loop(1_000, 10_000, 1_000, 5_000, 0), loop(10_000, 12_100, 1_000, 5_000, 0))
                .startsWith("Event loop cost per event (the loop thread's CPU, median of its window's parts): 10,000 ns at 1,000 "
                        + "connections, 12,100 ns at 10,000: "
                        + "x1.21, goal within 20%: NOT met\n"));
        assertTrue(verdict(loop(1_000, 10_000, 1_000, 5_000, 0), loop(10_000, 7_900, 1_000, 5_000, 0))
                .contains("x0.79, goal within 20%: NOT met\nEvent queue cost per event (the loop's CPU in poll): 1,000 ns at 1,000 "
                        + "connections, 1,000 ns at 10,000: x1.00, goal within 20%: met\n"));
    }

    @Test
    void theVerdictIsUndecidedWhereThePartsDifferMoreThanTheGoal() {
        // parts of 4,000 to 16,000 ns: quartiles 5,000 and 7,000 around a median of 6,000, a third of it apart
        double[] wide = {4_000, 16_000, 5_000, 6_000, 7_000};
        assertTrue(verdict(loop(1_000, 6_000, 1_000, 5_000, 0), loop(10_000, wide, 6_000, 1_000, 5_000, 0))
                .startsWith("Event loop cost per event (the loop thread's CPU, median of its window's parts): 6,000 ns at 1,000 "
                        + "connections, 6,000 ns at 10,000: x1.00, goal within 20%: undecided: the parts' interquartile range is 10% "
                        + "and 33% of their median, more than 20% (other work on the machine's cores)\n"));
    }

    @Test
    void theVerdictNeedsOneThousandConnectionsAndALargerCount() {
        String needs = "Event loop cost per event: needs runs at 1,000 connections and above (use the long setting)";
        assertEquals(needs, verdict(loop(100, 10_000, 1_000, 5_000, 0), loop(1_000, 10_000, 1_000, 5_000, 0)));
        assertEquals(needs, verdict(loop(2_000, 10_000, 1_000, 5_000, 0), loop(10_000, 10_000, 1_000, 5_000, 0)));
        assertEquals(needs, verdict(loop(1_000, 10_000, 1_000, 5_000, 0), ServerResult.notRun(ServerModel.EVENT_LOOP, 10_000, "x")));
    }
}
