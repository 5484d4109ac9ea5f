package smpnet.witness.junit;

import java.lang.reflect.AnnotatedElement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.opentest4j.AssertionFailedError;
import smpnet.witness.Report;
import smpnet.witness.Witness;

/**
 * Fails a test if, while it ran, any thread (the test's, an executor's, any) made a witness report: a
 * lock-order reversal or a lock misuse. The failure message is the report text. Use with
 * {@code @ExtendWith(WitnessExtension.class)}; it switches witness on for the JVM before the test class runs.
 * Reports that are QUIET, covered by {@link AllowLockOrder}, or declared by {@link ExpectReport} (a test
 * that provokes a report on purpose) do not fail the test.
 *
 * <p>Witness is one per JVM: an order learned in one test counts in the next, and a reversal is reported
 * once, so it fails the first test that produces it.
 */
public final class WitnessExtension implements BeforeAllCallback, BeforeEachCallback, AfterEachCallback {
    private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(WitnessExtension.class);

    @Override
    public void beforeAll(ExtensionContext context) {
        Witness.enable();
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        Witness.enable();
        ConcurrentLinkedQueue<Report> seen = new ConcurrentLinkedQueue<>();
        List<Witness.Registration> regs = new ArrayList<>();
        regs.add(Witness.listen(seen::add));
        context.getTestClass().ifPresent(c -> allow(c, regs));
        context.getTestMethod().ifPresent(m -> allow(m, regs));
        ExtensionContext.Store store = context.getStore(NS);
        store.put("seen", seen);
        store.put("regs", regs);
    }

    private static void allow(AnnotatedElement element, List<Witness.Registration> regs) {
        for (AllowLockOrder a : element.getAnnotationsByType(AllowLockOrder.class)) {
            regs.add(Witness.allow(a.first(), a.second(), a.reason()));
        }
    }

    @Override
    @SuppressWarnings("unchecked")
    public void afterEach(ExtensionContext context) {
        ExtensionContext.Store store = context.getStore(NS);
        for (Witness.Registration r : (List<Witness.Registration>) store.remove("regs", List.class)) {
            r.close();
        }
        ConcurrentLinkedQueue<Report> seen = store.remove("seen", ConcurrentLinkedQueue.class);
        List<ExpectReport> expected = new ArrayList<>();
        context.getTestClass().ifPresent(c -> expected.addAll(List.of(c.getAnnotationsByType(ExpectReport.class))));
        context.getTestMethod().ifPresent(m -> expected.addAll(List.of(m.getAnnotationsByType(ExpectReport.class))));
        List<Report> failing = new ArrayList<>();
        for (Report r : seen) {
            if (!r.quiet() && !r.allowed() && !isExpected(r, expected)) {
                failing.add(r);
            }
        }
        if (!failing.isEmpty()) {
            throw new AssertionFailedError(message(failing, context.getExecutionException()));
        }
    }

    private static boolean isExpected(Report r, List<ExpectReport> expected) {
        for (ExpectReport e : expected) {
            if (e.kind() == r.kind() && List.of(e.classes()).equals(r.classes())) {
                return true;
            }
        }
        return false;
    }

    static String message(List<Report> reports, Optional<Throwable> alsoFailed) {
        StringBuilder sb = new StringBuilder("witness: ").append(reports.size())
                .append(reports.size() == 1 ? " report" : " reports").append(" during this test\n");
        for (Report r : reports) {
            sb.append('\n').append(r.text());
        }
        alsoFailed.ifPresent(t -> sb.append("\n(the test also failed: ").append(t).append(")\n"));
        return sb.toString();
    }
}
