package smpnet.witness.junit;

import java.lang.reflect.AnnotatedElement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.opentest4j.AssertionFailedError;
import smpnet.witness.Report;
import smpnet.witness.Witness;

/**
 * Fails a test if witness reported a lock-order reversal or a lock misuse made by the test's thread or a
 * thread it started while it ran. The failure message is the report text. Use with
 * {@code @ExtendWith(WitnessExtension.class)}; it switches witness on for the JVM before the test class runs.
 * Reports that are QUIET, covered by {@link AllowLockOrder}, or declared by {@link ExpectReport} (a test
 * that provokes a report on purpose) do not fail the test.
 *
 * <p><b>Isolation.</b> Each test runs in its own witness report scope ({@link Witness#enterScope}), which the
 * threads it starts inherit. A report goes to the test of the offending thread's scope, so tests running in
 * parallel (JUnit's parallel execution included) never fail with each other's reports. A report from a
 * thread no test started (a shared pool) goes to the one test running, and is only printed when several
 * run at once. A report that a test's background thread makes after the test ended fails the test class
 * (after all its tests), naming the test. Reports of other witness instances (e.g.
 * {@link Witness#newInstanceForTesting()}) are ignored. The order graph is shared by all tests, as in one
 * kernel: an order learned in one test counts in every later one, and a report names the test during which
 * the other edge was learned. A reversal is reported once per test, so a repeated test fails each time.
 *
 * <p>A lock made while witness was off is not checked; when a test takes one, witness reports it
 * (UNCHECKED_LOCK) and the test fails, rather than passing or failing by the order tests ran in. Run with
 * {@code -Dsmpnet.witness=on} so that every lock is checked from the start.
 */
public final class WitnessExtension implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, AfterEachCallback {
    private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(WitnessExtension.class);
    /** Tests running now (their scopes); a report without a scope goes to the only one, if one. */
    private static final Set<TestScope> RUNNING = ConcurrentHashMap.newKeySet();
    private static volatile boolean listening;

    /** One test's report scope: its reports, and those that came after it ended. */
    static final class TestScope {
        final String name;
        final Witness witness;
        // Reports by key (repeats of one problem are one failure), in the order they came.
        private final Map<String, Report> reports = new LinkedHashMap<>();
        private final Map<String, Report> late = new LinkedHashMap<>();
        private boolean ended; // guarded by this

        TestScope(String name, Witness witness) {
            this.name = name;
            this.witness = witness;
        }

        synchronized void add(Report r) {
            (ended ? late : reports).putIfAbsent(r.key(), r);
        }

        synchronized List<Report> end() {
            ended = true;
            return new ArrayList<>(reports.values());
        }

        synchronized List<Report> late() { return new ArrayList<>(late.values()); }

        @Override
        public String toString() { return "test " + name; }
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        listen();
        context.getStore(NS).put("ended", new ArrayList<TestScope>());
    }

    private static synchronized void listen() {
        Witness.enable();
        if (!listening) {
            Witness.listen(WitnessExtension::route);
            listening = true;
        }
    }

    /** Runs in the reporting thread: hands the report to the test whose scope that thread is in. */
    static void route(Report r) {
        if (r.witness() != Witness.active()) {
            return; // a private instance: its user reads its reports
        }
        if (r.scope() instanceof TestScope) {
            ((TestScope) r.scope()).add(r);
            return;
        }
        List<TestScope> now = new ArrayList<>(RUNNING);
        if (now.size() == 1) {
            now.get(0).add(r);
        } else if (!now.isEmpty() && !r.quiet()) {
            System.err.print("witness: a report from a thread no running test started (tests running: " + now.size()
                    + "), not given to any:\n" + r.text());
        }
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        listen();
        Witness w = Witness.active();
        String name = context.getTestClass().map(Class::getSimpleName).orElse("?") + "." + context.getDisplayName();
        TestScope scope = new TestScope(name, w);
        List<Witness.Registration> regs = new ArrayList<>();
        regs.add(w.enterScope(scope)); // first: the allowances below are registered in this scope
        context.getTestClass().ifPresent(c -> allow(c, regs));
        context.getTestMethod().ifPresent(m -> allow(m, regs));
        RUNNING.add(scope);
        ExtensionContext.Store store = context.getStore(NS);
        store.put("scope", scope);
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
        TestScope scope = store.remove("scope", TestScope.class);
        List<Witness.Registration> regs = (List<Witness.Registration>) store.remove("regs", List.class);
        RUNNING.remove(scope);
        List<Report> seen = scope.end();
        for (int i = regs.size() - 1; i >= 0; i--) {
            regs.get(i).close();
        }
        Optional.ofNullable((List<TestScope>) context.getParent().map(p -> p.getStore(NS).get("ended", List.class)).orElse(null))
                .ifPresent(ended -> {
                    synchronized (ended) {
                        ended.add(scope);
                    }
                });
        List<ExpectReport> expected = new ArrayList<>();
        context.getTestClass().ifPresent(c -> expected.addAll(List.of(c.getAnnotationsByType(ExpectReport.class))));
        context.getTestMethod().ifPresent(m -> expected.addAll(List.of(m.getAnnotationsByType(ExpectReport.class))));
        List<Report> failing = failing(seen, expected);
        if (!failing.isEmpty()) {
            throw new AssertionFailedError(message(failing, context.getExecutionException()));
        }
    }

    /** Fails the class with reports its tests' threads made after their test ended. */
    @Override
    @SuppressWarnings("unchecked")
    public void afterAll(ExtensionContext context) {
        List<TestScope> ended = context.getStore(NS).remove("ended", List.class);
        if (ended == null) {
            return;
        }
        StringBuilder sb = new StringBuilder();
        synchronized (ended) {
            for (TestScope s : ended) {
                List<Report> late = failing(s.late(), List.of());
                if (!late.isEmpty()) {
                    sb.append("witness: after ").append(s).append(" ended, threads it started made ").append(late.size())
                            .append(late.size() == 1 ? " report\n" : " reports\n");
                    for (Report r : late) {
                        sb.append('\n').append(r.text());
                    }
                }
            }
        }
        if (sb.length() > 0) {
            throw new AssertionFailedError(sb.toString());
        }
    }

    private static List<Report> failing(List<Report> seen, List<ExpectReport> expected) {
        List<Report> failing = new ArrayList<>();
        for (Report r : seen) {
            if (!r.quiet() && !r.allowed() && !isExpected(r, expected)) {
                failing.add(r);
            }
        }
        return failing;
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
