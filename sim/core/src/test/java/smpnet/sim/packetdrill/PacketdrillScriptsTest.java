package smpnet.sim.packetdrill;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import smpnet.stack.locks.LockMode;

/**
 * Every script under {@code src/test/resources/packetdrill/} against an smpnet host, in fine and in Giant
 * mode: each passes, or fails exactly as {@code KNOWN-FAILURES} says (its first mismatch of the listed kind).
 * A listed script that now passes fails this test, so that fixing a script removes it from the list.
 */
class PacketdrillScriptsTest {
    private static final Path DIR = Path.of("src/test/resources/packetdrill");
    private static final List<LockMode> MODES = List.of(LockMode.FINE, LockMode.GIANT);

    @TestFactory
    Stream<DynamicTest> everyScriptPassesOrFailsAsListed() throws Exception {
        KnownFailures known = KnownFailures.read(DIR.resolve("KNOWN-FAILURES"));
        List<Path> scripts = ScriptSuite.collect(List.of(DIR));
        assertFalse(scripts.isEmpty(), "no scripts under " + DIR.toAbsolutePath());
        Set<String> names = new HashSet<>();
        List<DynamicTest> tests = new ArrayList<>();
        for (Path p : scripts) {
            String name = DIR.relativize(p).toString().replace('\\', '/');
            names.add(name);
            for (LockMode mode : MODES) {
                tests.add(DynamicTest.dynamicTest(name + " [" + ScriptSuite.modeName(mode) + "]", () -> check(p, name, mode, known)));
            }
        }
        tests.add(DynamicTest.dynamicTest("KNOWN-FAILURES names existing scripts", () -> {
            for (KnownFailures.Entry e : known.entries().values()) {
                assertTrue(names.contains(e.path()), "KNOWN-FAILURES:" + e.line() + ": no script " + e.path());
            }
        }));
        return tests.stream();
    }

    private static void check(Path p, String name, LockMode mode, KnownFailures known) {
        Outcome o = ScriptSuite.run(p, mode, ScriptRunner.DEFAULT_SEED);
        KnownFailures.Entry e = known.lookup(name, mode);
        if (e == null) {
            if (!o.passed()) fail(ScriptSuite.describe(o));
            return;
        }
        if (o.passed()) {
            fail(name + " [" + ScriptSuite.modeName(mode) + "] passes now: remove it from KNOWN-FAILURES (line " + e.line() + ")");
        }
        assertEquals(e.kind(), o.failure().kind(), () -> "KNOWN-FAILURES:" + e.line() + " lists " + e.kind() + " (" + e.reason()
                + ") but the first mismatch is now:\n" + ScriptSuite.describe(o));
    }
}
