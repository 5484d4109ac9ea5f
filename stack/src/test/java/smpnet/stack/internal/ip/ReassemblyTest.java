package smpnet.stack.internal.ip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import smpnet.stack.locks.LockInventory;
import smpnet.stack.locks.LockMode;
import smpnet.stack.locks.StackLocks;
import smpnet.stack.testing.ManualClock;
import smpnet.witness.junit.WitnessExtension;
import smpnet.stack.config.ReassemblyLimits;

/** Reassembly over plain strings standing for fragments: ordering, duplicates, overlaps, limits, timeout. */
@ExtendWith(WitnessExtension.class)
class ReassemblyTest {
    private static final long SECOND = 1_000_000_000L;
    private final ManualClock clock = new ManualClock();
    private final List<String> freed = new ArrayList<>();
    private final List<String> timedOut = new ArrayList<>();
    private final StackLocks locks = new StackLocks(LockMode.FINE);

    private Reassembly<String> reassembly(ReassemblyLimits limits) {
        return new Reassembly<>(4, () -> locks.mutex(LockInventory.IPQ), limits, freed::add,
                (first, n) -> timedOut.add(first + "/" + n), locks::runEntryPoint, clock);
    }

    private static final Reassembly.Key K = new Reassembly.Key(1, 2, 17, 99);
    private static final Reassembly.Key K2 = new Reassembly.Key(1, 2, 17, 100);

    @Test void completesOutOfOrderAndIgnoresDuplicates() {
        Reassembly<String> r = reassembly(ReassemblyLimits.DEFAULT);
        assertEquals(Reassembly.Outcome.QUEUED, r.insert(K, 16, 8, 20, false, "c").outcome());
        assertEquals(Reassembly.Outcome.QUEUED, r.insert(K, 0, 8, 20, true, "a").outcome());
        assertEquals(Reassembly.Outcome.DUPLICATE, r.insert(K, 0, 8, 20, true, "a2").outcome());
        assertEquals(1, r.pending());
        assertEquals(16, r.bytesHeld());
        Reassembly.Result<String> done = r.insert(K, 8, 8, 20, true, "b");
        assertEquals(Reassembly.Outcome.COMPLETED, done.outcome());
        assertEquals(List.of("a", "b", "c"), done.completed());
        assertEquals(List.of("a2"), freed);
        assertEquals(0, r.pending());
        assertEquals(0, r.bytesHeld());
        assertEquals(0, clock.pendingTimers(), "completion cancels the timer");
    }

    @Test void overlapDiscardsTheDatagram() {
        Reassembly<String> r = reassembly(ReassemblyLimits.DEFAULT);
        r.insert(K, 0, 16, 20, true, "a");
        r.insert(K, 24, 8, 20, true, "c");
        Reassembly.Result<String> res = r.insert(K, 8, 16, 20, true, "evil");
        assertEquals(Reassembly.Outcome.DROPPED_OVERLAP, res.outcome());
        assertEquals(3, res.discarded());
        assertEquals(List.of("evil", "a", "c"), freed);
        assertEquals(0, r.pending());
        assertEquals(Reassembly.Outcome.QUEUED, r.insert(K2, 8, 8, 20, false, "last").outcome());
        assertEquals(Reassembly.Outcome.DROPPED_OVERLAP, r.insert(K2, 16, 8, 20, false, "beyond the end").outcome());
    }

    @Test void limitsPerDatagramAndInTotal() {
        Reassembly<String> r = reassembly(new ReassemblyLimits(3, 1, 1000, 30 * SECOND));
        r.insert(K, 0, 8, 20, true, "a");
        r.insert(K, 8, 8, 20, true, "b");
        r.insert(K, 16, 8, 20, true, "c");
        Reassembly.Result<String> fourth = r.insert(K, 24, 8, 20, true, "d");
        assertEquals(Reassembly.Outcome.DROPPED_LIMIT, fourth.outcome());
        assertEquals(4, fourth.discarded(), "the datagram is given up with its three queued fragments");
        r.insert(K, 0, 8, 20, true, "e");
        assertEquals(Reassembly.Outcome.DROPPED_LIMIT, r.insert(K2, 0, 8, 20, true, "f").outcome(), "one datagram at a time");
        assertEquals(Reassembly.Outcome.DROPPED_LIMIT, r.insert(K, 8, 1000, 20, true, "g").outcome(), "1000 bytes in all");
        assertEquals(Reassembly.Outcome.DROPPED_TOO_LONG, r.insert(K2, 65512, 8, 20, false, "h").outcome());
        assertEquals(List.of("d", "a", "b", "c", "f", "g", "e", "h"), freed);
        r.drain();
    }

    @Test void timeoutReportsTheFirstFragment() {
        Reassembly<String> r = reassembly(ReassemblyLimits.DEFAULT);
        r.insert(K, 0, 8, 20, true, "first");
        r.insert(K, 16, 8, 20, true, "third");
        r.insert(K2, 8, 8, 20, true, "middle-only");
        clock.advance(29 * SECOND);
        assertEquals(List.of(), timedOut);
        clock.advance(SECOND);
        assertEquals(List.of("first/2", "null/1"), timedOut);
        assertEquals(List.of("third", "middle-only"), freed, "the first fragment went to the listener, not freed");
        assertEquals(0, r.pending());
        assertNull(r.insert(K, 8, 8, 20, true, "late").completed(), "a late fragment starts a new datagram");
        r.drain();
    }
}
