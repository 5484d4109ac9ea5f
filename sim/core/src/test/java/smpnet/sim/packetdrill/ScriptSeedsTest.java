package smpnet.sim.packetdrill;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import smpnet.stack.locks.LockMode;

/**
 * The runner's outcome does not depend on the interleaving: under many seeds of the deterministic scheduler
 * (each a different order of the host's, the script's and the system calls' threads) a script passes alike
 * and takes the same virtual time, so "the host has answered" is decided by the scheduler's quiescence and
 * not by luck.
 */
class ScriptSeedsTest {
    private static final Path BASIC = Path.of("src/test/resources/packetdrill/basic");
    private static final int SEEDS = 6;

    @Test
    void basicScriptsPassUnderEverySeedInEveryMode() {
        for (String name : List.of("data.pkt", "handshake-active-blocking.pkt")) {
            for (LockMode mode : LockMode.values()) {
                List<Long> times = new ArrayList<>();
                for (long seed = 1; seed <= SEEDS; seed++) {
                    Outcome o = ScriptSuite.run(BASIC.resolve(name), mode, seed);
                    long s = seed;
                    assertNull(o.failure(), () -> "seed " + s + ": " + ScriptSuite.describe(o));
                    times.add(o.virtualNanos());
                }
                assertEquals(1, times.stream().distinct().count(), name + " " + mode + ": virtual times " + times);
            }
        }
    }

    @Test
    void aFailureIsTheSameUnderEverySeed() throws Exception {
        Script s = ScriptParser.parse("late.pkt", """
                0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3
                +0 fcntl(3, F_SETFL, O_RDWR|O_NONBLOCK) = 0
                +0 connect(3, ..., ...) = -1 EINPROGRESS (Operation now in progress)
                +0.3 > S 0:0(0) <...>
                """);
        for (long seed = 1; seed <= SEEDS; seed++) {
            Outcome o = ScriptRunner.run(s, LockMode.FINE, seed);
            assertEquals("late.pkt:4: timing error: expected outbound packet at 0.300000 sec but happened at 0.000000 sec; "
                    + "tolerance 0.004000 sec", o.failure().message(), "seed " + seed);
        }
    }
}
