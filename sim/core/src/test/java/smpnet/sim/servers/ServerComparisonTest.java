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
        ServerPlan plan = new ServerPlan(List.of(ServerModel.values()), List.of(3, 40), 5, 64, 4, 30, 2);
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
            assertEquals(r.connections() * 5L, r.requests(), r.model() + " replies");
            assertEquals(r.connections() * 5L, r.echoed(), r.model() + " echoed");
            assertTrue(r.p50Micros() > 0 && r.p50Micros() <= r.p99Micros(), r.toString());
            assertTrue(r.serverParks() > 0, r.model() + " parks: a server waiting for requests blocks");
            assertEquals(r.model() == ServerModel.EVENT_LOOP, !Double.isNaN(r.loopNanosPerEvent()), r.toString());
            assertEquals(r.model() == ServerModel.EVENT_LOOP, !Double.isNaN(r.queueNanosPerEvent()), r.toString());
            if (r.model() == ServerModel.EVENT_LOOP) {
                assertTrue(r.queueNanosPerEvent() > 0 && r.queueNanosPerEvent() < r.loopNanosPerEvent(),
                        "the poll's share is a part of the loop's time: " + r);
            }
        }
        String text = c.format();
        System.out.println(text);
        assertTrue(text.contains("thread-per-connection: completed up to 3 connections; at 40 not run"), text);
        assertTrue(text.contains("event-loop: completed every count, up to 40 connections"), text);
        assertEquals(9, c.csv().lines().count());
        // a line as each case starts, one when its connections are open (the 7 run), one as it ends (or is refused)
        assertEquals(23, progress.size(), progress.toString());
        assertEquals(8, progress.stream().filter(l -> l.matches("\\[\\d/8] [a-z-]+, \\d+ connections \\.\\.\\.")).count(), progress.toString());
        assertEquals(7, progress.stream().filter(l -> l.matches(" +\\d+ connections open in [0-9.]+ s; \\d+ requests \\.\\.\\.")).count(),
                progress.toString());
        assertTrue(text.contains("Winners (highest requests/s; lowest p99):\n          3 connections: "), text);
    }
}
