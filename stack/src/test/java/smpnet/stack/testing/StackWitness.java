package smpnet.stack.testing;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import smpnet.witness.Report;
import smpnet.witness.ReportKind;
import smpnet.witness.Witness;

/**
 * Fails a stack test on any witness report (lock-order reversal or misuse) made while it ran, like
 * {@code WitnessExtension}, with one exception that is listed rather than failed: Giant taken by an
 * interrupt thread or netisr handler. Giant is declared sleepable (a sleep drops it), so witness's
 * "no sleepable lock in a handler" rule flags it, but in giant mode a handler must take Giant to run the
 * protocols at all, exactly as FreeBSD's non-MPSAFE ithreads did. Every other report fails the test.
 */
public final class StackWitness implements BeforeEachCallback, AfterEachCallback {
    private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(StackWitness.class);

    /** Reports seen during the current test (one test at a time: surefire runs classes in one thread). */
    private static final List<Report> SEEN = new ArrayList<>();

    @Override
    public void beforeEach(ExtensionContext context) {
        Witness.enable();
        synchronized (SEEN) {
            SEEN.clear();
        }
        context.getStore(NS).put("registration", Witness.listen(r -> {
            synchronized (SEEN) {
                SEEN.add(r);
            }
        }));
    }

    @Override
    public void afterEach(ExtensionContext context) throws Exception {
        context.getStore(NS).remove("registration", Witness.Registration.class).close();
        List<Report> failing = new ArrayList<>();
        synchronized (SEEN) {
            for (Report r : SEEN) if (!r.quiet() && !r.allowed() && !isGiantInHandler(r)) failing.add(r);
        }
        if (failing.isEmpty()) return;
        StringBuilder b = new StringBuilder("witness: " + failing.size() + " report(s) during this test\n");
        for (Report r : failing) b.append('\n').append(r.text());
        throw new AssertionError(b.toString());
    }

    /** True for the one tolerated report: SLEEP_IN_HANDLER whose only class is Giant. */
    static boolean isGiantInHandler(Report r) {
        return r.kind() == ReportKind.SLEEP_IN_HANDLER && r.classes().equals(List.of("Giant"));
    }
}
