package smpnet.stack.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * A long campaign tells how it goes: a line at the first check after each period (the checks come every
 * {@code checkEvery} inputs), with the inputs so far, their rate, the corpus and the edges covered; none when
 * the period is 0.
 */
class FuzzEngineProgressTest {
    private static final Pattern LINE = Pattern.compile(
            "udp: ([0-9,]+) inputs in [0-9]+ s \\(([0-9,]+)/s\\), corpus ([0-9,]+), edges ([0-9,]+), no finding yet");

    @Test
    void aLineAtEachCheckOnceThePeriodHasPassed() {
        List<String> lines = new ArrayList<>();
        // a period of 1 ns has always passed at a check: one line per check, at 100, 200 and 300 inputs
        FuzzEngine.Result r = FuzzEngine.run("udp", new FuzzEngine.Options(300, 0, 100, 7, List.of(), null, "", 1, lines::add));
        assertNull(r.finding(), r.toString());
        assertEquals(300, r.inputs());
        assertEquals(3, lines.size(), lines.toString());
        int lastCorpus = 0;
        for (int i = 0; i < 3; i++) {
            Matcher m = LINE.matcher(lines.get(i));
            assertTrue(m.matches(), lines.get(i));
            assertEquals((i + 1) * 100, number(m.group(1)));
            assertTrue(number(m.group(2)) > 0, lines.get(i));
            int corpus = number(m.group(3));
            assertTrue(corpus >= lastCorpus && corpus <= r.corpus(), lines.get(i) + " against " + r);
            assertTrue(number(m.group(4)) > 0 && number(m.group(4)) <= r.edges(), lines.get(i) + " against " + r);
            lastCorpus = corpus;
        }
    }

    @Test
    void noLineWithoutAPeriod() {
        List<String> lines = new ArrayList<>();
        FuzzEngine.Result r = FuzzEngine.run("udp", new FuzzEngine.Options(300, 0, 100, 7, List.of(), null, "", 0, lines::add));
        assertNull(r.finding(), r.toString());
        assertEquals(List.of(), lines);
    }

    private static int number(String s) { return Integer.parseInt(s.replace(",", "")); }
}
