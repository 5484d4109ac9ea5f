package smpnet.stack.mbuf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Event;

/** The leak extension, run on a test class of its own through the JUnit test kit. */
class MbufLeakExtensionTest {

    /**
     * Runs only inside {@link #extensionFailsTheLeakingTestAndNamesTheSite} (surefire skips nested classes).
     * It has no {@code @ExtendWith}: the extension reaches it through auto-detection, as it reaches every
     * test of this module.
     */
    static class LeakyCase {
        static volatile boolean enabled;
        static volatile Mbuf leaked;
        static volatile int leakLine;

        @Test
        void leaks() {
            Assumptions.assumeTrue(enabled);
            MbufAllocator a = MbufAllocator.create("leaky");
            leakLine = StackWalker.getInstance().walk(s -> s.findFirst().orElseThrow().getLineNumber()) + 1;
            leaked = a.getHeader(Mbuf.M_NOWAIT);
        }

        @Test
        void freesEverything() {
            Assumptions.assumeTrue(enabled);
            MbufAllocator a = MbufAllocator.create("tidy");
            a.fromBytes(new byte[3000], 0, 3000, Mbuf.M_NOWAIT).freeChain();
        }
    }

    @Test
    void extensionFailsTheLeakingTestAndNamesTheSite() {
        LeakyCase.enabled = true;
        EngineExecutionResults results;
        try {
            // Implicit parameters: the test kit then reads junit-platform.properties, which turns auto-detection on.
            results = EngineTestKit.engine("junit-jupiter").enableImplicitConfigurationParameters(true)
                    .selectors(selectClass(LeakyCase.class)).execute();
        } finally {
            LeakyCase.enabled = false;
            if (LeakyCase.leaked != null) LeakyCase.leaked.free();
        }
        results.testEvents().assertStatistics(s -> s.started(2).succeeded(1).failed(1));
        Event failed = results.testEvents().failed().list().getFirst();
        assertEquals("leaks()", failed.getTestDescriptor().getDisplayName());
        Throwable t = failed.getPayload(TestExecutionResult.class).orElseThrow().getThrowable().orElseThrow();
        assertEquals(AssertionError.class, t.getClass());
        assertEquals("1 mbuf(s) leaked from allocator leaky:\n"
                + "  mbuf#0.1 pkthdr len 0 allocated at smpnet.stack.mbuf.MbufLeakExtensionTest$LeakyCase.leaks"
                + "(MbufLeakExtensionTest.java:" + LeakyCase.leakLine + ")\n", t.getMessage());
    }

    @Test
    void aSharedAllocatorIsJudgedByWhatTheTestAdded() {
        MbufAllocator shared = MbufAllocator.create("shared");
        Mbuf before = shared.get(Mbuf.M_NOWAIT);
        Map<MbufAllocator, Long> baseline = Map.of(shared, 1L);
        assertEquals("", MbufLeakExtension.report(List.of(shared), baseline));
        Mbuf added = shared.get(Mbuf.M_NOWAIT);
        String report = MbufLeakExtension.report(List.of(shared), baseline);
        assertEquals("1 mbuf(s) leaked from allocator shared:", report.lines().findFirst().orElseThrow());
        assertEquals(3, report.lines().count(), "both outstanding mbufs listed");
        before.free();
        added.free();
    }

    @Test
    void untrackedLeaksAreCountedWithAHint() {
        MbufAllocator quiet = new MbufAllocator(MbufAllocator.Config.defaults("quiet").withTracking(false));
        Mbuf m = quiet.get(Mbuf.M_NOWAIT);
        assertEquals("1 mbuf(s) leaked from allocator quiet:\n  (allocation sites not tracked: -Dsmpnet.mbuf.track=on)\n",
                MbufLeakExtension.report(List.of(quiet), Map.of()));
        m.free();
    }
}
