package smpnet.sim.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Slices that overlap without nesting are cut so they nest; times are exact binary fractions of a µs. */
class SliceNestingTest {
    private static String x(String name, int tid, String ts, String dur) {
        return "{\"name\":\"" + name + "\",\"cat\":\"lock\",\"ph\":\"X\",\"pid\":1,\"tid\":" + tid + ",\"ts\":" + ts + ",\"dur\":" + dur + "}";
    }

    @Test
    void aHoldReleasedAfterTheOneItStartedInIsCutWhereThatOneEnds() {
        String counter = "{\"name\":\"depth\",\"cat\":\"counter\",\"ph\":\"C\",\"pid\":1,\"ts\":12,\"args\":{\"a\":1}}";
        List<String> events = List.of(
                x("udbinfo (shared)", 1, "10", "20"),    // [10, 30]
                x("inp", 1, "20", "20.5"),               // [20, 40.5]: taken inside udbinfo, released after it
                x("other thread", 2, "0", "100"),
                counter,
                x("hop", 1, "25", "0"),
                x("wait so_rcv", 1, "30", "1.25"),       // [30, 31.25], then the hold: adjacent, nested in inp's rest
                x("so_rcv", 1, "31.25", "2"));
        assertEquals(List.of(
                x("udbinfo (shared)", 1, "10", "20"),
                x("inp", 1, "20", "10"),
                x("inp", 1, "30", "10.5"),
                x("other thread", 2, "0", "100"),
                counter,
                x("hop", 1, "25", "0"),
                x("wait so_rcv", 1, "30", "1.25"),
                x("so_rcv", 1, "31.25", "2")), SliceNesting.nest(events));
    }

    @Test
    void slicesThatStartedInOneThatEndedGoOnNestedInEachOther() {
        // [0,10] [2,12] [4,14]: B and C are cut at 10; from there B's rest (to 12) nests in C's (to 14)
        List<String> events = List.of(x("A", 1, "0", "10"), x("B", 1, "2", "10"), x("C", 1, "4", "10"));
        assertEquals(List.of(x("A", 1, "0", "10"), x("B", 1, "2", "8"), x("B", 1, "10", "2"),
                x("C", 1, "4", "6"), x("C", 1, "10", "4")), SliceNesting.nest(events));
    }

    @Test
    void timesAreExactSoStartPlusLengthIsTheNextStart() {
        assertEquals("1.5", ChromeTrace.time(ChromeTrace.units(1_500)));
        assertEquals("0.0009765625", ChromeTrace.time(ChromeTrace.units(1)));
        assertEquals("-1.5", ChromeTrace.time(-1536));
        assertEquals(1536, ChromeTrace.units("1.5"));
        SplittableRandom r = new SplittableRandom(7);
        for (int i = 0; i < 10_000; i++) {
            long start = r.nextLong(1L << 42), length = r.nextLong(1L << 30); // up to about an hour from the origin
            double viewerEnd = Double.parseDouble(ChromeTrace.time(start)) + Double.parseDouble(ChromeTrace.time(length));
            assertEquals(Double.parseDouble(ChromeTrace.time(start + length)), viewerEnd, 0.0, start + " + " + length);
        }
    }
}
