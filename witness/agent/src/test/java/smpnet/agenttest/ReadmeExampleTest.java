package smpnet.agenttest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Event;
import smpnet.witness.junit.WitnessExtension;

/** The README's agent example is the one the build runs, and its broken twin fails as the README says. */
class ReadmeExampleTest {
    @Test
    void theReadmeQuotesTheExampleExactly() throws Exception {
        String example = Files.readString(Path.of("src/test/java/example/WarehouseTest.java"));
        String readme = Files.readString(Path.of("../README.md"));
        assertTrue(readme.contains("```java\n" + example + "```\n"), "witness/README.md must quote example/WarehouseTest.java");
    }

    /** The example with the crate calling back into a shelf: run through the test kit, it must fail. */
    @ExtendWith(WitnessExtension.class)
    static class BrokenWarehouse {
        static class Shelf { synchronized void restock(Crate c) { c.open(); } synchronized void count() {} }

        static class Crate { synchronized void open() {} synchronized void recount(Shelf s) { s.count(); } }

        @Test
        void restockThenRecount() {
            new Shelf().restock(new Crate());
            new Crate().recount(new Shelf());
        }
    }

    @Test
    void aCrateCallingBackIntoAShelfFailsTheTestWithTheReversal() {
        List<Event> failed = EngineTestKit.engine("junit-jupiter").selectors(selectClass(BrokenWarehouse.class)).execute()
                .testEvents().failed().list();
        assertEquals(1, failed.size());
        String message = failed.get(0).getPayload(org.junit.platform.engine.TestExecutionResult.class).orElseThrow()
                .getThrowable().orElseThrow().getMessage();
        String shelf = "smpnet.agenttest.ReadmeExampleTest$BrokenWarehouse$Shelf";
        String crate = "smpnet.agenttest.ReadmeExampleTest$BrokenWarehouse$Crate";
        assertTrue(message.contains("witness: lock order reversal #"), message);
        assertTrue(message.contains("  acquiring: " + shelf + " (mutex, exclusive)\n  while holding: " + crate + " (mutex, exclusive)\n"), message);
        assertTrue(message.lines().filter(l -> l.startsWith("    smpnet.agenttest.ReadmeExampleTest$BrokenWarehouse"))
                .collect(Collectors.toList()).size() >= 2, message);
    }
}
