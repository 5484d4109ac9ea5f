package smpnet.witness;

import static org.jetbrains.lincheck.datastructures.ManagedStrategyGuaranteeKt.forClasses;

import org.jetbrains.lincheck.datastructures.IntGen;
import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Param;
import org.jetbrains.lincheck.datastructures.StressOptions;
import org.junit.jupiter.api.Test;
import smpnet.witness.testing.TestSettings;

/**
 * Lincheck: learning orders is linearizable. Each operation nests two of three classes and answers whether
 * witness reported a reversal; every concurrent history must match some sequential one, so an edge learned
 * concurrently is never lost and a reversal is never missed nor reported twice. Small settings by
 * default; {@code -Dsmpnet.lincheck=long} for large ones.
 */
@Param(name = "cls", gen = IntGen.class, conf = "0:2")
@Param(name = "step", gen = IntGen.class, conf = "1:2")
public class WitnessLincheckTest {
    private static final boolean LONG = TestSettings.LINCHECK_LONG;
    private final Witness w = Witness.newInstanceForTesting();
    private final FakeLock[] locks = new FakeLock[3];

    public WitnessLincheckTest() {
        w.setPolicy(Policy.THROW);
        for (int i = 0; i < locks.length; i++) {
            locks[i] = FakeLock.mutex(w, "c" + i);
        }
    }

    /** Takes class cls, then class cls+step; true if witness threw a reversal (then nothing stays held). */
    @Operation
    public boolean nest(@Param(name = "cls") int cls, @Param(name = "step") int step) {
        FakeLock first = locks[cls];
        FakeLock second = locks[(cls + step) % locks.length];
        first.lock();
        try {
            second.lock();
        } catch (WitnessException reversal) {
            first.unlock();
            return true;
        }
        second.unlock();
        first.unlock();
        return false;
    }

    @Operation
    public boolean hasOrder(@Param(name = "cls") int cls, @Param(name = "step") int step) {
        return w.hasOrder("c" + cls, "c" + (cls + step) % locks.length);
    }

    @Test
    void modelChecking() {
        // Building a report (stack capture, text, JSON) and the held-lock stack touch only the calling
        // thread's objects (and the reporter's concurrent maps): treating them as atomic steps keeps the
        // model checker on what is shared, the order graph.
        new ModelCheckingOptions().iterations(LONG ? 50 : 5).invocationsPerIteration(LONG ? 5000 : 100)
                .threads(2).actorsPerThread(3)
                .addGuarantee(forClasses("smpnet.witness.ReportWriter", "smpnet.witness.Json", "smpnet.witness.Frames",
                        "smpnet.witness.Reporter", "smpnet.witness.ThreadState", "smpnet.witness.LongSet").allMethods().treatAsAtomic())
                .check(getClass());
    }

    @Test
    void stress() {
        new StressOptions().iterations(LONG ? 100 : 5).invocationsPerIteration(LONG ? 10000 : 500)
                .threads(3).actorsPerThread(3).check(getClass());
    }
}
