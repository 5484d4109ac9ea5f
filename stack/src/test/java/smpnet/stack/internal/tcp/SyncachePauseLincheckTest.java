package smpnet.stack.internal.tcp;

import org.jetbrains.lincheck.datastructures.IntGen;
import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Param;
import org.jetbrains.lincheck.datastructures.StressOptions;
import org.junit.jupiter.api.Test;
import smpnet.witness.testing.TestSettings;

/**
 * The SYN cache's pause is linearizable against {@link PauseModel}, FreeBSD's syncache_pause under its
 * pause mutex: buckets overflowing at once start one pause (one of them is counted), the backoff grows once
 * per renewed attack, and a lookup sees the cache paused exactly while some pause lasts. Times are uptime
 * seconds handed to each operation, so a thread may act "later" than another; every interleaving must still
 * match one order of the calls. {@code -Dsmpnet.lincheck=long} runs a larger search.
 */
@Param(name = "now", gen = IntGen.class, conf = "0:3")
public class SyncachePauseLincheckTest {
    private static final boolean LONG = TestSettings.LINCHECK_LONG;
    /** Seconds between the times operations are given: a pause (16 s and up) spans zero to several. */
    static final int STEP = 24;

    private final SyncachePause pause = new SyncachePause();

    /** A bucket overflows at second {@code now}: true if this overflow started the pause. */
    @Operation
    public boolean overflow(@Param(name = "now") int now) { return pause.overflow(now * STEP); }

    /** syncache_cookiesonly's question: is the cache paused at second {@code now}? */
    @Operation
    public boolean paused(@Param(name = "now") int now) { return pause.paused(now * STEP); }

    /** The pause's end and backoff. */
    @Operation
    public String state() {
        SyncachePause.State s = pause.state();
        return s == SyncachePause.NEVER ? "never" : "until " + s.until() + ", backoff " + s.backoff();
    }

    @Test
    void modelChecking() {
        new ModelCheckingOptions().iterations(LONG ? 100 : 12).invocationsPerIteration(LONG ? 5000 : 30)
                .threads(2).actorsPerThread(3).sequentialSpecification(PauseModel.class).check(getClass());
    }

    @Test
    void stress() {
        new StressOptions().iterations(LONG ? 100 : 2).invocationsPerIteration(LONG ? 20_000 : 100)
                .threads(3).actorsPerThread(3).sequentialSpecification(PauseModel.class).check(getClass());
    }
}
