package smpnet.sim.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class OptionParserTest {
    private final OptionParser parser = new OptionParser(Set.of("--runs", "--out"), Set.of("--quiet"));

    private String error(String... args) {
        return assertThrows(UsageException.class, () -> parser.parse(List.of(args))).getMessage();
    }

    @Test
    void valuesFlagsAndEqualsForm() throws UsageException {
        assertEquals(Map.of("--runs", "3", "--quiet", "", "--out", "x=y"),
                parser.parse(List.of("--runs", "3", "--quiet", "--out=x=y")));
    }

    @Test
    void rejectsWhatItDoesNotKnow() {
        assertEquals("unknown option: --fast", error("--fast"));
        assertEquals("unknown option: --quiet=yes", error("--quiet=yes"));
        assertEquals("unexpected argument: extra", error("extra"));
        assertEquals("option --runs given twice", error("--runs", "1", "--runs=2"));
        assertEquals("option --out needs a value", error("--out"));
    }

    @Test
    void numbersAreChecked() throws UsageException {
        assertEquals(7, OptionParser.intValue("--runs", " 7", 1, 9));
        assertEquals("--runs must be between 1 and 9, not 0",
                assertThrows(UsageException.class, () -> OptionParser.intValue("--runs", "0", 1, 9)).getMessage());
        assertEquals("--runs needs a whole number, not '2.5'",
                assertThrows(UsageException.class, () -> OptionParser.intValue("--runs", "2.5", 1, 9)).getMessage());
        assertEquals(0.25, OptionParser.seconds("--seconds", "0.25", 0.05, 10));
        assertEquals("--seconds must be between 0.05 and 10.0 seconds, not NaN",
                assertThrows(UsageException.class, () -> OptionParser.seconds("--seconds", "NaN", 0.05, 10)).getMessage());
        assertEquals("--seconds needs a number of seconds, not 'soon'",
                assertThrows(UsageException.class, () -> OptionParser.seconds("--seconds", "soon", 0.05, 10)).getMessage());
    }

    @Test
    void listsRejectEmptyItemsAndRepeats() throws UsageException {
        assertEquals(List.of(64, 1472), OptionParser.intList("--payloads", "64, 1472", 16, 1472));
        assertEquals("--payloads has an empty item in '64,'",
                assertThrows(UsageException.class, () -> OptionParser.intList("--payloads", "64,", 16, 1472)).getMessage());
        assertEquals("--payloads lists 64 twice",
                assertThrows(UsageException.class, () -> OptionParser.intList("--payloads", "64,64", 16, 1472)).getMessage());
    }
}
